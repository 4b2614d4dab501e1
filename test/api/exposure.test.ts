// The real process (`node dist/api/main.js`) on a non-loopback HOST: refused without a token,
// started with one, started with a loud warning when the risk is accepted.
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../engine/paths.js'
import { freePort, startServer } from '../helpers/serverProcess.js'

const dataDir = () => mkdtempSync(join(tmpdir(), 'budget-sim-exposure-'))

describe('starting on a non-loopback HOST', () => {
  it('without a token exits with code 2 and says why and what to do', async () => {
    const env = { ...process.env, HOST: '0.0.0.0', PORT: String(await freePort()), DATA_DIR: dataDir(), API_TOKEN: '', API_TOKENS_FILE: '', ALLOW_INSECURE_PUBLIC: '' }
    const result = spawnSync(process.execPath, [join(packageRoot, 'dist/api/main.js')], { env, encoding: 'utf8', timeout: 30_000 })
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(
      /^budget-sim: refusing to start: HOST=0\.0\.0\.0 is not a loopback address and no API_TOKEN or API_TOKENS_FILE is set, .* Set API_TOKEN .*, or listen on HOST=127\.0\.0\.1, or set ALLOW_INSECURE_PUBLIC=true to accept the risk\.\n$/,
    )
  })

  it('with an invalid setting exits with code 2 naming the variable', () => {
    const env = { ...process.env, HOST: '0.0.0.0', DATA_DIR: dataDir(), API_TOKEN: 'short' }
    const result = spawnSync(process.execPath, [join(packageRoot, 'dist/api/main.js')], { env, encoding: 'utf8', timeout: 30_000 })
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/^budget-sim: invalid configuration: API_TOKEN: a token must be 16 to 512 characters/)
  })

  it('with a token starts, and answers POST without it 401', async () => {
    const server = await startServer(dataDir(), { HOST: '0.0.0.0', API_TOKEN: 'exposure-test-token-0123456789' })
    try {
      const res = await fetch(`${server.base}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"preset": "guangzhou-2015-2017-baseline"}' })
      expect(res.status).toBe(401)
    } finally {
      expect(await server.stop()).toBe(0)
    }
  })

  it('with ALLOW_INSECURE_PUBLIC=true starts and warns loudly on stderr and in the log', async () => {
    const server = await startServer(dataDir(), { HOST: '0.0.0.0', ALLOW_INSECURE_PUBLIC: 'true', API_TOKEN: '', API_TOKENS_FILE: '' })
    try {
      expect((await fetch(`${server.base}/health`)).status).toBe(200)
      expect(server.output()).toMatch(/budget-sim: WARNING: INSECURE: HOST=0\.0\.0\.0 is not a loopback address and no token is set \(ALLOW_INSECURE_PUBLIC=true\)/)
      expect(server.output()).toMatch(/"level":40,.*"msg":"INSECURE: /)
    } finally {
      await server.stop()
    }
  })
})
