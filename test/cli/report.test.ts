// `budget-sim report` without Chromium: it stops with the install advice when Chromium is missing,
// writes the HTML report of a scenario it runs (the numbers of the same run's summary) or of a run
// on a server (with its token), and writes what a stand-in Chromium prints. The real Chromium prints
// in test/e2e/report.test.ts.
import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { packageRoot } from '../../engine/paths.js'
import { keyedCells, pctText } from '../helpers/reportHtml.js'
import { postJson, startServer, type ServerProcess } from '../helpers/serverProcess.js'

const bin = join(packageRoot, 'dist/cli/bin.js')
const dir = mkdtempSync(join(tmpdir(), 'budget-sim-cli-report-'))
const TOKEN = 'report-test-token-0123456789abcdef'

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, ...env }, timeout: 120_000 })
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string }
    return { code: err.code, stdout: err.stdout, stderr: err.stderr }
  }
}

let server: ServerProcess
let runId = ''

beforeAll(async () => {
  server = await startServer(join(dir, 'data'), { API_TOKEN: TOKEN, PUBLIC_READS: 'false', CHROMIUM_PATH: join(dir, 'none') })
  const res = await postJson(`${server.base}/runs`, { preset: 'reform-cap-3m', trials: 100 }, { authorization: `Bearer ${TOKEN}`, prefer: 'wait=60' })
  expect(res.status).toBe(201)
  runId = ((await res.json()) as { id: string }).id
})

afterAll(async () => {
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('budget-sim report', () => {
  it('exits 1 with how to install Chromium when it is missing, before running anything', async () => {
    const started = Date.now()
    const r = await cli(['report', 'guangzhou-2015-2017-baseline', '--trials', '100000', '--out', 'nothing.pdf'], { CHROMIUM_PATH: join(dir, 'no-chromium') })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`budget-sim: Chromium is needed to print the report to PDF and was not found at ${join(dir, 'no-chromium')} (CHROMIUM_PATH).`)
    expect(r.stderr).toContain('apt-get install -y chromium fonts-wqy-microhei')
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(existsSync(join(dir, 'nothing.pdf'))).toBe(false)
  })

  it("writes the HTML report of a preset it runs here, with the numbers of the same run's summary", async () => {
    const r = await cli(['report', 'guangzhou-2015-2017-baseline', '--trials', '200', '--seed', '7', '--out', 'local.html', '--quiet'], { CHROMIUM_PATH: join(dir, 'no-chromium') })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^Wrote local\.html \(HTML, \d+ KB\)\n$/)
    const html = readFileSync(join(dir, 'local.html'), 'utf8')
    expect(html).toContain('<dd data-fact="seed">7</dd>')
    expect(html).toContain('<dd data-fact="trials">200</dd>')
    expect((await cli(['run', 'guangzhou-2015-2017-baseline', '--trials', '200', '--seed', '7', '--out', 'same.json', '--quiet'])).code).toBe(0)
    const { summary, metadata } = JSON.parse(readFileSync(join(dir, 'same.json'), 'utf8'))
    expect(html).toContain(`<dd data-fact="spec_hash"><code>${metadata.spec_hash}</code></dd>`)
    let checked = 0
    for (const cell of keyedCells(html).filter((c) => c.key.split('|').length === 5)) {
      const [year, programme, level, measure, column] = cell.key.split('|')
      const row = summary.find((x: any) => String(x.year ?? 'all') === year && x.programme === programme && x.level === level && x.measure === measure)
      const value = row[column === 'p_exceed_interval' ? 'p_exceed_lo' : column]
      expect(cell.value, cell.key).toBe(value === null ? '' : String(value))
      if (column === 'p_exceed' && value !== null) expect(cell.text).toBe(pctText(value))
      checked++
    }
    expect(checked).toBeGreaterThan(300)
  })

  it('writes the report of a run id on a server, with --token or API_TOKEN, and says what to do without one', async () => {
    const without = await cli(['report', runId, '--server', server.base, '--out', 'remote.html'], { API_TOKEN: '' })
    expect(without.code).toBe(2)
    expect(without.stderr).toContain(`needs a valid token to read run ${runId}: give --token or set API_TOKEN`)
    const withFlag = await cli(['report', runId, '--server', server.base, '--token', TOKEN, '--out', 'remote.html'], { API_TOKEN: '' })
    expect(withFlag.code, withFlag.stderr).toBe(0)
    const html = readFileSync(join(dir, 'remote.html'), 'utf8')
    expect(html).toContain(runId)
    expect(html).toContain('<h1>Reform: technology transaction subsidy capped at 3,000,000 CNY</h1>')
    const fromServer = await fetch(`${server.base}/runs/${runId}/report.html`, { headers: { authorization: `Bearer ${TOKEN}` } })
    const strip = (s: string) => s.replace(/<dd data-fact="date">[^<]*<\/dd>/, '')
    expect(strip(html)).toBe(strip(await fromServer.text()))
    const withEnv = await cli(['report', runId, '--server', server.base, '--out', 'remote2.html'], { API_TOKEN: TOKEN })
    expect(withEnv.code, withEnv.stderr).toBe(0)
    const missing = await cli(['report', '00000000-0000-4000-8000-000000000000', '--server', server.base, '--token', TOKEN, '--out', 'x.html'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(`no run 00000000-0000-4000-8000-000000000000 on ${server.base}`)
  })

  it('refuses flags that do not apply and an --out it cannot write, before any work', async () => {
    const trials = await cli(['report', runId, '--trials', '10', '--out', 'x.html'])
    expect(trials.code).toBe(2)
    expect(trials.stderr).toContain(`--trials: applies to a scenario run here, not to run ${runId} on a server`)
    const server = await cli(['report', 'guangzhou-2015-2017-baseline', '--server', 'http://127.0.0.1:1', '--out', 'x.html'])
    expect(server.code).toBe(2)
    expect(server.stderr).toContain('--server: applies to a run id')
    const out = await cli(['report', 'guangzhou-2015-2017-baseline', '--out', join(dir, 'no/such/dir/r.pdf')])
    expect(out.code).toBe(2)
    expect(out.stderr).toContain('does not exist')
    const unreachable = await cli(['report', runId, '--server', 'http://127.0.0.1:1', '--out', 'x.html'])
    expect(unreachable.code).toBe(1)
    expect(unreachable.stderr).toContain('cannot reach the budget-sim server at http://127.0.0.1:1')
  })

  it('writes the PDF that Chromium prints, and says how many pages it has', async () => {
    // a stand-in Chromium that prints a two-page PDF where --print-to-pdf says
    const fake = join(dir, 'fake-chromium')
    writeFileSync(
      fake,
      `#!/bin/sh
for a in "$@"; do case "$a" in --print-to-pdf=*) out="\${a#--print-to-pdf=}";; file://*) html="\${a#file://}";; esac; done
grep -q 'data-section="provenance"' "$html" || exit 3
printf '%%PDF-1.4\\n<< /Type /Pages /Count 2 >>\\n<< /Type /Page >>\\n<< /Type /Page >>\\n%%%%EOF\\n' > "$out"
`,
    )
    chmodSync(fake, 0o755)
    const r = await cli(['report', 'bench-tech-transaction', '--trials', '50', '--out', 'fake.pdf', '--quiet'], { CHROMIUM_PATH: fake })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^Wrote fake\.pdf \(PDF, 2 pages, \d+ KB\)\n$/)
    expect(readFileSync(join(dir, 'fake.pdf'), 'latin1')).toMatch(/^%PDF-1\.4/)
  })
})
