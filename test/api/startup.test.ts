// `npm start` as a first-time user meets it: the real server process (`node dist/api/main.js`) on a
// port that another process already holds.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeListenError } from '../../api/listenProblem.js'
import { packageRoot } from '../../engine/paths.js'

let held: Server
let port: number
beforeAll(async () => {
  held = createServer()
  await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve))
  port = (held.address() as { port: number }).port
})
afterAll(() => new Promise<void>((resolve) => held.close(() => resolve())))

function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [join(packageRoot, 'dist/api/main.js')], { env: { ...process.env, LOG_LEVEL: 'warn', ...env } })
    let stdout = ''
    let stderr = ''
    proc.stdout.on('data', (d) => (stdout += d))
    proc.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000)
    proc.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

describe('npm start on a port in use', () => {
  it('says which port and what to do, exits 1, prints no stack trace and leaves DATA_DIR alone', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'budget-sim-port-')), 'data')
    const r = await start({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir })
    expect(r.code).toBe(1)
    const m = /^budget-sim: port (\d+) is in use on 127\.0\.0\.1: stop the other server or set PORT=(\d+)\n$/.exec(r.stderr)
    expect(m, r.stderr).not.toBeNull()
    expect(Number(m![1])).toBe(port)
    expect(Number(m![2])).toBeGreaterThan(port)
    expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(r.stdout).toBe('')
    // the check comes before the server opens the run store another server may be using
    expect(existsSync(dataDir)).toBe(false)
  })

  it('words the other reasons a server cannot listen, and leaves unknown errors alone', () => {
    const error = (code: string) => Object.assign(new Error(code), { code })
    expect(describeListenError(error('EADDRINUSE'), '127.0.0.1', 3000, 3001)).toBe('port 3000 is in use on 127.0.0.1: stop the other server or set PORT=3001')
    expect(describeListenError(error('EACCES'), '0.0.0.0', 80)).toBe('not allowed to listen on port 80 on 0.0.0.0: set PORT to a port from 1024 up (PORT=3000)')
    expect(describeListenError(error('EADDRNOTAVAIL'), '10.9.9.9', 3000)).toMatch(/^HOST=10\.9\.9\.9 is not an address of this machine: set HOST=127\.0\.0\.1/)
    expect(describeListenError(error('EMFILE'), '127.0.0.1', 3000)).toBeNull()
  })
})
