// Why: the page is tested against the real server (`node dist/api/main.js`) as a child process, on a
// free port with a temporary DATA_DIR, exactly as `npm start` runs it.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

export interface RunningServer {
  base: string
  dataDir: string
  output: () => string
  stop: () => Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

export async function startServer(): Promise<RunningServer> {
  const main = join(repoRoot, 'dist/api/main.js')
  if (!existsSync(main)) throw new Error('dist/api/main.js is missing: run `npm run build` first')
  if (!existsSync(join(repoRoot, 'web/dist/index.html'))) throw new Error('web/dist is missing: run `npm run build:web` first')
  const dataDir = mkdtempSync(join(tmpdir(), 'budget-sim-e2e-'))
  const port = await freePort()
  let log = ''
  const proc: ChildProcess = spawn(process.execPath, [main], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', POOL_THREADS: '2' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  proc.stdout!.on('data', (d) => (log += d))
  proc.stderr!.on('data', (d) => (log += d))
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
  const base = `http://127.0.0.1:${port}`
  const until = Date.now() + 30_000
  for (;;) {
    try {
      if ((await fetch(`${base}/health`)).ok) break
    } catch {
      /* not listening yet */
    }
    if (proc.exitCode !== null) throw new Error(`the server exited: ${log}`)
    if (Date.now() > until) throw new Error(`the server did not start: ${log}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    base,
    dataDir,
    output: () => log,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM')
      await exited
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
