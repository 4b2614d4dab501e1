// Proof that a bureau gets a report it can file, printed by Debian's Chromium: GET /runs/:id/report.pdf
// is an A4 PDF with the title page alone, the overrun chances of the summary, the scenario's name and
// the policy quotes (read back with poppler-utils' pdftotext, pdfinfo and pdffonts); the CLI writes
// one for a preset it runs and for a run id on a server; and the page's print view keeps the results
// and their sources, drops the editor and controls, and prints with page.pdf().
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pdfPageCount } from '../../engine/report/printPdf.js'
import { pctText } from '../helpers/reportHtml.js'
import { chromiumPath, launchBrowser, type Browser } from './browser'
import { repoRoot, startServer, type RunningServer } from './server'

const TRIALS = 400
const PRESET = 'guangzhou-2015-2017-baseline'
const CAP_QUOTE = '每个企业单一年度补助金额不超过 500 万元'
const MATCHING_QUOTE = '各省级科技行政管理部门要按照不低于1:2的比例安排专项经费予以配套支持'

interface Row {
  year: number | null
  programme: string
  level: string
  measure: string
  [column: string]: number | string | null
}

let server: RunningServer
let browser: Browser | null = null
let runId = ''
let rows: Row[] = []
let metadata: Record<string, string | number> = {}
const dir = mkdtempSync(join(tmpdir(), 'budget-sim-e2e-report-'))

/** The text of a PDF (of pages first..last), in reading order, or as laid out (columns side by side). */
const pdfText = (file: string, first?: number, last?: number, layout = false) =>
  execFileSync('pdftotext', [...(first ? ['-f', String(first), '-l', String(last ?? first)] : []), ...(layout ? ['-layout'] : []), file, '-'], { encoding: 'utf8' })
const pdfPages = (file: string) => Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1])
/** Text without white space: pdftotext breaks lines and spaces CJK text as the layout does. */
const squeeze = (s: string) => s.replace(/\s+/g, '')
const row = (year: number | null, level: string) => rows.find((r) => r.year === year && r.programme === 'all' && r.level === level && r.measure === 'demand')!

async function cli(args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(repoRoot, 'dist/cli/bin.js'), ...args], { cwd: dir, timeout: 170_000, env: { ...process.env, CHROMIUM_PATH: chromiumPath() } })
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string }
    return { code: err.code, stdout: err.stdout, stderr: err.stderr }
  }
}

describe('the report to file', () => {
  beforeAll(async () => {
    server = await startServer()
    const res = await fetch(`${server.base}/runs`, { method: 'POST', headers: { 'content-type': 'application/json', prefer: 'wait=60' }, body: JSON.stringify({ preset: PRESET, trials: TRIALS }) })
    expect(res.status).toBe(201)
    runId = ((await res.json()) as { id: string }).id
    ;({ rows, metadata } = (await (await fetch(`${server.base}/runs/${runId}/summary`)).json()) as { rows: Row[]; metadata: Record<string, string | number> })
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('GET /runs/:id/report.pdf is an A4 PDF: the title page alone, then the chances of overrun, the scenario, the charts, the tables and every source', async () => {
    const res = await fetch(`${server.base}/runs/${runId}/report.pdf`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/pdf')
    expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="guangzhou-2015-2017-baseline-[0-9a-f]{8}-report\.pdf"$/)
    const pdf = Buffer.from(await res.arrayBuffer())
    const file = join(dir, 'server.pdf')
    writeFileSync(file, pdf)
    const pages = pdfPages(file)
    expect(pdfPageCount(pdf)).toBe(pages)
    expect(pages).toBeGreaterThanOrEqual(8)
    expect(pages).toBeLessThanOrEqual(30)
    expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/)

    // page 1: what identifies the run, and nothing else
    const title = pdfText(file, 1, 1, true)
    for (const text of ['Guangzhou S&T service programmes 2015-2017, baseline', PRESET, String(metadata.spec_hash), String(metadata.seeds_hash), `budget-sim ${metadata.engine_version}`, runId, 'Contents'])
      expect(title, text).toContain(text)
    expect(title).toMatch(/Seed\s+20150827/)
    expect(title).toMatch(/Trials\s+400/)
    expect(title).toContain('1. The answer: chance of overrunning the appropriation') // in the contents
    expect(title).not.toContain('chance of needing more than the appropriation')
    // page 2: the answer, for every level with an appropriation, each year and the period, with its interval
    const answer = pdfText(file, 2, 2, true)
    expect(answer).toMatch(/^\s*The answer: chance of overrunning the appropriation/)
    for (const level of ['municipal', 'provincial'])
      for (const year of [2015, 2016, 2017, null]) {
        const r = row(year, level)
        expect(answer, `${level} ${year}`).toContain(pctText(r.p_exceed as number))
        expect(answer, `${level} ${year}`).toContain(`${pctText(r.p_exceed_lo as number)}–${pctText(r.p_exceed_hi as number)}`)
      }
    expect(answer).toContain(`Page 2 of ${pages}`)
    expect(answer).toContain(`${PRESET} · ${TRIALS} trials · seed 20150827 · spec ${String(metadata.spec_hash).slice(0, 12)}`)

    const all = pdfText(file)
    for (const heading of ['The scenario', 'Charts', 'Municipal outlay by year', 'Distribution of municipal outlay in 2015', 'Chance that municipal outlay in 2015 exceeds x', 'Tables', 'Where every figure comes from'])
      expect(all, heading).toContain(heading)
    // the policy's own words, and an assumption with its reason, in Chinese and English as the seeds have them
    expect(squeeze(all)).toContain(squeeze(CAP_QUOTE))
    expect(squeeze(all)).toContain(squeeze(MATCHING_QUOTE))
    expect(squeeze(all)).toContain(squeeze('About 600 qualifying enterprises a year in 2015'))
    // the Chinese text is set in a CJK font embedded in the file
    expect(execFileSync('pdffonts', [file], { encoding: 'utf8' })).toMatch(/WenQuanYiMicroHei/)
  })

  it('the CLI writes the PDF of a preset it runs here', async () => {
    const r = await cli(['report', PRESET, '--trials', '200', '--out', 'local.pdf', '--quiet'])
    expect(r.code, r.stderr).toBe(0)
    const pages = pdfPages(join(dir, 'local.pdf'))
    expect(r.stdout).toMatch(new RegExp(`^Wrote local\\.pdf \\(PDF, ${pages} pages, \\d+ KB\\)\\n$`))
    const text = pdfText(join(dir, 'local.pdf'))
    expect(text).toContain(PRESET)
    expect(pdfText(join(dir, 'local.pdf'), 1, 1, true)).toMatch(/Trials\s+200/)
    expect(squeeze(text)).toContain(squeeze(CAP_QUOTE))
  })

  it('the CLI writes the PDF of a run id on a server', async () => {
    const r = await cli(['report', runId, '--server', server.base, '--out', 'remote.pdf'])
    expect(r.code, r.stderr).toBe(0)
    const text = pdfText(join(dir, 'remote.pdf'))
    expect(text).toContain(runId)
    expect(text).toContain(String(metadata.spec_hash))
    expect(text).toContain(pctText(row(2015, 'municipal').p_exceed as number))
  })

  describe("the page's print view", () => {
    let page: Page

    beforeAll(async () => {
      browser = await launchBrowser()
      page = await browser.context.newPage()
      await page.goto(`${server.base}/#run=${runId}`)
      for (const chart of ['histogram', 'exceedance', 'fan', 'programmes', 'levels', 'binding'])
        await page.locator(`figure[data-chart="${chart}"][data-drawn="true"] svg`).waitFor({ timeout: 60_000 })
      await page.locator('#results-main:not([aria-busy])').waitFor()
    })

    it('shows the headline, the charts, the tables and every source, and hides the editor and the controls', async () => {
      const closedSource = page.locator('#provenance details[data-programme="torch-pilot-matching"] tr[data-parameter="matching"]')
      expect(await page.locator('.editor').isVisible()).toBe(true)
      expect(await closedSource.isVisible()).toBe(false) // on screen only the first programme's sources are open
      await page.emulateMedia({ media: 'print' })
      try {
        for (const hidden of ['.editor', '#history', '#help', '#downloads', '.selection', '#exceed-x', '.masthead nav']) expect(await page.locator(hidden).first().isVisible(), hidden).toBe(false)
        for (const shown of ['#run-title', '#headline', '#headline .odds-percent', 'figure[data-chart="histogram"] svg', 'figure[data-chart="fan"] svg', 'table[data-table="by-level"]', '#provenance'])
          expect(await page.locator(shown).first().isVisible(), shown).toBe(true)
        expect(await closedSource.isVisible()).toBe(true)
        expect(await text(closedSource)).toContain(MATCHING_QUOTE)
        // no chart cut across pages, table headers on every page, no row split
        const styles = await page.evaluate(() => ({
          figure: getComputedStyle(document.querySelector('figure[data-chart="histogram"]')!).breakInside,
          thead: getComputedStyle(document.querySelector('table[data-table="by-level"] thead')!).display,
          tr: getComputedStyle(document.querySelector('table[data-table="by-level"] tbody tr')!).breakInside,
        }))
        expect(styles).toEqual({ figure: 'avoid', thead: 'table-header-group', tr: 'avoid' })
        // the appropriation is black on paper (dashed, as on screen)
        expect(await page.locator('figure[data-chart="histogram"] g[aria-description="appropriation"]').evaluate((g) => getComputedStyle(g).stroke)).toBe('rgb(0, 0, 0)')
        // terms read as words, not as buttons
        expect(await page.locator('#headline button.term').first().isVisible()).toBe(true)
      } finally {
        await page.emulateMedia({ media: null })
      }
      expect(await page.locator('.editor').isVisible()).toBe(true)
    })

    it('prints to PDF with page.pdf(): the answer and the sources of every programme', async () => {
      // (page.pdf() prints with the print styles unless screen media is emulated)
      await page.emulateMedia({ media: null })
      const pdf = await page.pdf({ format: 'A4', printBackground: true })
      const file = join(dir, 'page.pdf')
      writeFileSync(file, pdf)
      expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-')
      const pages = pdfPages(file)
      expect(pages).toBeGreaterThanOrEqual(3)
      const all = pdfText(file)
      expect(all).toContain('Municipal outlay in 2015')
      expect(all).toContain(pctText(row(2015, 'municipal').p_exceed as number))
      expect(all).toContain('Where the figures come from')
      expect(squeeze(all)).toContain(squeeze(MATCHING_QUOTE))
      for (const gone of ['1. Scenario', 'Run the scenario', 'Download the results', 'Earlier runs']) expect(all, gone).not.toContain(gone)
    })
  })
})

async function text(locator: import('playwright-core').Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim()
}
