// `budget-sim report` without Chromium: it stops with the install advice when Chromium is missing,
// writes the HTML report of a scenario it runs (the numbers of the same run's summary), of a run or
// an analysis on a server (with its token), a run's with its budget impact against a baseline (on
// the server, or run here as `compare` would), and writes what a stand-in Chromium prints. The real
// Chromium prints in test/e2e/report.test.ts and test/e2e/analysis.test.ts.
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
    expect(missing.stderr).toContain(`no run or analysis 00000000-0000-4000-8000-000000000000 on ${server.base}`)
  })

  it('writes the report of an analysis id on a server, the same document the server gives', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` }
    const res = await postJson(
      `${server.base}/analyses`,
      { kind: 'sensitivity', preset: 'guangzhou-2015-2017-baseline', trials: 100, target: { level: 'municipal', year: 2017 }, ranges: [{ path: 'programmes.tech-transaction-subsidy.cap', low: 2e6, high: 8e6 }], seeded_ranges: false, contribution: false },
      { ...auth, prefer: 'wait=60' },
    )
    expect(res.status).toBe(201)
    const analysis = (await res.json()) as { id: string; result: { bars: { parameter: string; swing: number }[] } }
    const r = await cli(['report', analysis.id, '--server', server.base, '--token', TOKEN, '--out', 'analysis.html'])
    expect(r.code, r.stderr).toBe(0)
    const html = readFileSync(join(dir, 'analysis.html'), 'utf8')
    const fromServer = await (await fetch(`${server.base}/analyses/${analysis.id}/report.html`, { headers: auth })).text()
    const strip = (s: string) => s.replace(/<dd data-fact="date">[^<]*<\/dd>/, '')
    expect(strip(html)).toBe(strip(fromServer))
    const swing = keyedCells(html).find((c) => c.key === 'tornado|programmes.tech-transaction-subsidy.cap|swing')!
    expect(swing.value).toBe(String(analysis.result.bars[0].swing))
  })

  it("writes a run's report with its budget impact against a baseline run on the server, every cell as GET /runs/:id/compare gives it", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` }
    const baseline = await postJson(`${server.base}/runs`, { preset: 'guangzhou-2015-2017-baseline', trials: 100 }, { ...auth, prefer: 'wait=60' })
    const baselineId = ((await baseline.json()) as { id: string }).id
    const r = await cli(['report', runId, '--against', baselineId, '--server', server.base, '--token', TOKEN, '--out', 'impact.html'])
    expect(r.code, r.stderr).toBe(0)
    const html = readFileSync(join(dir, 'impact.html'), 'utf8')
    const compare = (await (await fetch(`${server.base}/runs/${runId}/compare?against=${baselineId}`, { headers: auth })).json()) as { rows: Record<string, number | string | null>[] }
    const cells = new Map(keyedCells(html).map((c) => [c.key, c.value]))
    for (const row of compare.rows)
      for (const column of ['mean_before', 'mean_after', 'difference', 'difference_se', 'p_exceed_before', 'p_exceed_after'])
        expect(cells.get(`impact|${row.year}|${row.level}|${column}`), `${row.year} ${row.level} ${column}`).toBe(row[column] === null ? '' : String(row[column]))
    // a baseline on other draws is refused, naming --against
    const other = await postJson(`${server.base}/runs`, { preset: 'guangzhou-2015-2017-baseline', trials: 100, seed: 3 }, { ...auth, prefer: 'wait=60' })
    const refused = await cli(['report', runId, '--against', ((await other.json()) as { id: string }).id, '--server', server.base, '--token', TOKEN, '--out', 'x.html'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/--against: run [0-9a-f-]{36} has 100 trials and seed 3; this run has 100 and 20150827/)
  })

  it('writes the report of a reform it runs here with its budget impact against a baseline it runs too, as `budget-sim compare` gives it', async () => {
    const r = await cli(['report', 'reform-cap-3m', '--against', 'guangzhou-2015-2017-baseline', '--trials', '150', '--out', 'here.html', '--quiet'], { CHROMIUM_PATH: join(dir, 'no-chromium') })
    expect(r.code, r.stderr).toBe(0)
    const html = readFileSync(join(dir, 'here.html'), 'utf8')
    expect(html).toContain('<dd data-fact="baseline"><code>guangzhou-2015-2017-baseline</code> (Guangzhou S&amp;T service programmes 2015-2017, baseline), on the same draws</dd>')
    const compared = await cli(['compare', 'reform-cap-3m', 'guangzhou-2015-2017-baseline', '--trials', '150', '--json', '--quiet'])
    expect(compared.code, compared.stderr).toBe(0)
    const { rows } = JSON.parse(compared.stdout) as { rows: Record<string, number | string | null>[] }
    const cells = new Map(keyedCells(html).map((c) => [c.key, c.value]))
    expect(rows).toHaveLength(16)
    for (const row of rows)
      for (const column of ['mean_before', 'mean_after', 'difference', 'difference_se', 'p95_before', 'p95_after', 'p_exceed_before', 'p_exceed_after'])
        expect(cells.get(`impact|${row.year}|${row.level}|${column}`), `${row.year} ${row.level} ${column}`).toBe(row[column] === null ? '' : String(row[column]))
  })

  it('refuses flags that do not apply and an --out it cannot write, before any work', async () => {
    const trials = await cli(['report', runId, '--trials', '10', '--out', 'x.html'])
    expect(trials.code).toBe(2)
    expect(trials.stderr).toContain(`--trials: applies to a scenario run here, not to ${runId} on a server`)
    const againstPreset = await cli(['report', runId, '--against', 'guangzhou-2015-2017-baseline', '--out', 'x.html'])
    expect(againstPreset.code).toBe(2)
    expect(againstPreset.stderr).toContain("--against: with a run on a server, give its baseline's run id on the same server")
    const againstId = await cli(['report', 'reform-cap-3m', '--against', runId, '--out', 'x.html'])
    expect(againstId.code).toBe(2)
    expect(againstId.stderr).toContain('--against: "reform-cap-3m" is run here, so its baseline is too: give a scenario file or preset, not a run id')
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
