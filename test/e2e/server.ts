// Why: the page is tested against the real server (`node dist/api/main.js`) as a child process, on a
// free port with a temporary DATA_DIR, exactly as `npm start` runs it. Starting and stopping the
// process is the shared test helper's; this adds the checks that the page is built.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer as startServerProcess } from '../helpers/serverProcess.js'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

export interface RunningServer {
  base: string
  dataDir: string
  output: () => string
  stop: () => Promise<void>
}

export async function startServer(): Promise<RunningServer> {
  if (!existsSync(join(repoRoot, 'dist/api/main.js'))) throw new Error('dist/api/main.js is missing: run `npm run build` first')
  if (!existsSync(join(repoRoot, 'web/dist/index.html'))) throw new Error('web/dist is missing: run `npm run build:web` first')
  const dataDir = mkdtempSync(join(tmpdir(), 'budget-sim-e2e-'))
  const server = await startServerProcess(dataDir)
  return {
    base: server.base,
    dataDir,
    output: server.output,
    stop: async () => {
      await server.stop('SIGTERM')
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
