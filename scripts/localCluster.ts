// Why: the tests, the benchmark and `npm run cluster:demo` all need a real, throw-away cluster on
// this machine: Debian's redis-server on a free loopback port with a temporary directory and no
// persistence, and `budget-sim worker` processes (the compiled CLI) whose log lines can be
// awaited. This starts, restarts and stops them, and cleans up.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { packageRoot } from '../engine/paths.js'

export const REDIS_INSTALL_HINT = 'install it as root: apt-get update && apt-get install -y redis-server'

/** The redis-server executable (Debian's /usr/bin/redis-server, else on PATH); throws with the install command. */
export function redisServerPath(): string {
  const candidates = ['/usr/bin/redis-server', ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'redis-server'))]
  const found = candidates.find((c) => c && existsSync(c))
  if (!found) throw new Error(`redis-server is not installed; ${REDIS_INSTALL_HINT}`)
  return found
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

async function waitUntil(what: string, ok: () => boolean, timeoutMs: number, output: () => string): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!ok()) {
    if (Date.now() > until) throw new Error(`${what} timed out after ${timeoutMs} ms:\n${output().slice(-3000)}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

export interface RedisServer {
  url: string
  port: number
  dir: string
  /** the running process (a new one after restart) */
  proc: () => ChildProcess
  /** stop it (SIGTERM; nothing is saved) and wait for the exit */
  stop: () => Promise<void>
  /** start it again on the same port: empty, like a Redis restarted without persistence */
  start: () => Promise<void>
  /** stop and remove its directory */
  destroy: () => Promise<void>
}

/** Start redis-server on a free port of 127.0.0.1 with a temporary directory, no saving, no AOF. */
export async function startRedisServer(): Promise<RedisServer> {
  const bin = redisServerPath()
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'budget-sim-redis-'))
  let proc: ChildProcess | null = null
  let log = ''
  const start = async () => {
    log = ''
    const p = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    proc = p
    p.stdout!.on('data', (d) => (log += d))
    p.stderr!.on('data', (d) => (log += d))
    await waitUntil('redis-server start', () => /Ready to accept connections/.test(log) || p.exitCode !== null, 10_000, () => log)
    if (p.exitCode !== null) throw new Error(`redis-server exited with ${p.exitCode}:\n${log}`)
  }
  const stop = async () => {
    const p = proc
    if (!p || p.exitCode !== null || p.signalCode !== null) return
    const exited = new Promise((r) => p.once('exit', r))
    p.kill('SIGTERM')
    await exited
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    proc: () => proc!,
    stop,
    start,
    destroy: async () => {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface WorkerProcess {
  proc: ChildProcess
  /** everything it logged so far */
  output: () => string
  /** wait for a log line matching `pattern` (counting from `from` characters of output) */
  waitFor: (pattern: RegExp, timeoutMs?: number, from?: number) => Promise<RegExpExecArray>
  /** send a signal and wait for the exit; resolves with the exit code (null when killed) */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

export interface WorkerProcessOptions {
  threads?: number
  /** more CLI flags (--lock-ms 1500 ...) */
  args?: string[]
  env?: Record<string, string>
}

/** Start `node dist/cli/bin.js worker --redis URL` and wait until it is ready. */
export async function startWorkerProcess(url: string, options: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const bin = join(packageRoot, 'dist/cli/bin.js')
  if (!existsSync(bin)) throw new Error(`${bin} is missing; run \`npm run build\` first`)
  const proc = spawn(process.execPath, [bin, 'worker', '--redis', url, '--concurrency', String(options.threads ?? 1), ...(options.args ?? [])], {
    cwd: packageRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  proc.stdout!.on('data', (d) => (log += d))
  proc.stderr!.on('data', (d) => (log += d))
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  const waitFor = async (pattern: RegExp, timeoutMs = 20_000, from = 0) => {
    let m: RegExpExecArray | null = null
    await waitUntil(`worker log ${pattern}`, () => (m = pattern.exec(log.slice(from))) !== null || proc.exitCode !== null, timeoutMs, () => log)
    if (!m) throw new Error(`the worker exited (${proc.exitCode}) before logging ${pattern}:\n${log}`)
    return m
  }
  await waitFor(/ ready /)
  return {
    proc,
    output: () => log,
    waitFor,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal)
      return exited
    },
  }
}

/** Run the compiled CLI to completion (without blocking this process's event loop). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [join(packageRoot, 'dist/cli/bin.js'), ...args], { cwd: packageRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    proc.stdout!.on('data', (d) => (stdout += d))
    proc.stderr!.on('data', (d) => (stderr += d))
    proc.once('error', reject)
    proc.once('close', (status) => resolve({ status, stdout, stderr }))
  })
}
