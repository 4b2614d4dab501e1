// Start the real API server (`node dist/api/main.js`) as a child process, for tests that need a
// real client, a crash or a restart.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { packageRoot } from '../../engine/paths.js'

export interface ServerProcess {
  base: string
  proc: ChildProcess
  output: () => string
  /** send a signal and wait for the process to exit; resolves with its exit code */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

export async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort()
  let log = ''
  const proc = spawn(process.execPath, [join(packageRoot, 'dist/api/main.js')], {
    cwd: packageRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', POOL_THREADS: '2', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  proc.stdout!.on('data', (d) => (log += d))
  proc.stderr!.on('data', (d) => (log += d))
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  const base = `http://127.0.0.1:${port}`
  const until = Date.now() + 30_000
  for (;;) {
    try {
      if ((await fetch(`${base}/health`)).ok) break
    } catch {
      /* not listening yet */
    }
    if (proc.exitCode !== null) throw new Error(`server exited: ${log}`)
    if (Date.now() > until) throw new Error(`server did not start: ${log}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    base,
    proc,
    output: () => log,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal)
      return exited
    },
  }
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
}

export async function pollUntil<T>(f: () => Promise<T | undefined>, timeoutMs = 120_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await f()
    if (v !== undefined) return v
    if (Date.now() > until) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
