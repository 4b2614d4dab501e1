// Why: proof that the planner's page works end to end: headless Debian Chromium loads it from the real
// server, a small preset runs with its progress bar, every chart is drawn, the numbers on the page
// are those of GET /runs/:id/summary, an invalid figure gets its message beside the field, a run can
// be cancelled, a reform runs beside its baseline (found by one filtered GET /runs, both histograms
// on the same bins), an earlier run reopens from the list, the page holds together on a phone, and
// clearing a quota, a matching ratio or one year's appropriation removes just that. Screenshots:
// test/e2e/screenshots/page-1280.png and page-390.png (stable, for the README; volatile ids and times
// masked) and *.tmp.png (gitignored).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pythonInterpreter } from '../../scripts/pythonInterpreter.js'
import { launchBrowser, type Browser } from './browser'
import { repoRoot, startServer, type RunningServer } from './server'

const SCREENSHOTS = join(repoRoot, 'test/e2e/screenshots')
const TRIALS = 400
const BASELINE = 'guangzhou-2015-2017-baseline'
const APPROVAL = '#f-programmes-tech-transaction-subsidy-approval_rate'

interface Row {
  year: number | null
  programme: string
  level: string
  measure: string
  [column: string]: number | string | null
}

let server: RunningServer
let browser: Browser
let page: Page
const pageErrors: string[] = []
let baselineRunId = ''
let copiedSnippet = ''
/** every request the page sent, and the distributions the server answered */
const requests: URL[] = []
const distributions: { url: URL; body: Promise<DistributionBody | null> }[] = []

interface DistributionBody {
  min: number
  max: number
  histogram: { edges: number[]; counts: number[]; below: number; above: number }
}

/** polars is installed by test/requirements.txt (into .venv by `npm test`); the snippet is run when it is there. */
const hasPolars = spawnSync(pythonInterpreter(), ['-c', 'import polars'], { stdio: 'ignore' }).status === 0

const api = async <T>(path: string): Promise<T> => {
  const r = await fetch(`${server.base}${path}`)
  expect(r.status, `GET ${path}`).toBe(200)
  return (await r.json()) as T
}

const runIdFromUrl = () => new URL(page.url()).hash.match(/run=([0-9a-f-]{36})/)![1]
const baselineIdFromUrl = () => new URL(page.url()).hash.match(/baseline=([0-9a-f-]{36})/)?.[1] ?? null

/** "15,751.3" / "−237 万元" / "1.58 亿元" back to CNY (tables are in 万元). */
function parseShown(text: string): number {
  const t = text.replace(/[±\s]/g, '').replace(/\u2212/g, '-').replace(/,/g, '')
  const m = /^([+-]?\d+(?:\.\d+)?)(亿元|万元)?$/.exec(t)
  if (!m) throw new Error(`not an amount: "${text}"`)
  return Number(m[1]) * (m[2] === '亿元' ? 1e8 : 1e4)
}

/** Tolerance of a number shown with `text`'s decimals in its unit. */
function halfUnit(text: string): number {
  const unit = text.includes('亿元') ? 1e8 : 1e4
  const decimals = (text.replace(/[^\d.]/g, '').split('.')[1] ?? '').length
  return (unit / 10 ** decimals) * 0.5 + 1e-6
}

/** The page's percentage rule: one decimal, two below 1%. */
const pctText = (p: number) => {
  const pct = p * 100
  return `${pct.toFixed(pct !== 0 && Math.abs(pct) < 1 ? 2 : 1)}%`
}

const rowFor = (rows: Row[], year: string, programme: string, level: string, measure: string) =>
  rows.find((r) => String(r.year ?? 'all') === year && r.programme === programme && r.level === level && r.measure === measure)

async function waitForResults(): Promise<void> {
  for (const chart of ['histogram', 'exceedance', 'fan', 'programmes', 'levels', 'binding'])
    await page.locator(`figure[data-chart="${chart}"][data-drawn="true"] svg`).waitFor({ timeout: 60_000 })
  await page.locator('#results-main:not([aria-busy])').waitFor()
}

async function screenshot(name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await page.evaluate(() => document.fonts.ready)
  await page.screenshot({
    path: join(SCREENSHOTS, name),
    fullPage: options.fullPage ?? false,
    animations: 'disabled',
    caret: 'hide',
    // run ids, times and the run list change from run to run; leave them out so screenshots compare
    style: '[data-volatile] { display: none !important; }',
  })
}

async function scrollToTop(): Promise<void> {
  await page.evaluate(() => {
    window.scrollTo(0, 0)
    const editor = document.querySelector('.editor')
    if (editor) editor.scrollTop = 0
  })
}

async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim()
}

describe('the web page', () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    try {
      if (execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim() === '')
        console.warn('No CJK font is installed: 万元 and Chinese quotes will show as boxes in the screenshots (apt-get install -y fonts-wqy-microhei).')
    } catch {
      /* fontconfig absent: screenshots only */
    }
    server = await startServer()
    browser = await launchBrowser()
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base })
    page = await browser.context.newPage()
    page.on('pageerror', (e) => pageErrors.push(e.message))
    page.on('request', (r) => requests.push(new URL(r.url())))
    page.on('response', (r) => {
      const url = new URL(r.url())
      if (r.ok() && url.pathname.endsWith('/distribution')) distributions.push({ url, body: (r.json() as Promise<DistributionBody>).catch(() => null) })
    })
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text())
    })
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('loads from the server at / with every preset and labelled controls', async () => {
    await page.goto(server.base)
    await page.locator('body[data-ready="true"]').waitFor()
    const options = await page.locator('#preset option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value))
    for (const name of [BASELINE, 'reform-cap-3m', 'reform-rate-3pct', 'reform-matching-0.5', 'bench-tech-transaction']) expect(options).toContain(name)
    expect(await page.locator('#preset').inputValue()).toBe(BASELINE)
    // every input, select and textarea has a label; every action is a real <button> or link
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute('aria-label'))
        .map((el) => el.id || el.outerHTML.slice(0, 80)),
    )
    expect(unlabelled).toEqual([])
    expect(await page.locator('[onclick]:not(button)').count()).toBe(0)
    // the figures come with their origin
    expect(await text(page.locator('[data-field="programmes.tech-transaction-subsidy.cap"] .prov'))).toContain('§四(一)2')
    expect(await page.locator('[data-field="programmes.tech-transaction-subsidy.cap"] .badge-policy').count()).toBe(1)
    expect(await page.locator('[data-field="programmes.tech-transaction-subsidy.approval_rate"] .badge-assumption').count()).toBe(1)
  })

  it('puts the validation message beside the field it concerns', async () => {
    const error = page.locator(`${APPROVAL}-error`)
    await page.fill(APPROVAL, '1.4')
    await expect.poll(() => text(error), { timeout: 10_000 }).toBe('must be between 0 and 1, got 1.4')
    expect(await page.getAttribute(APPROVAL, 'aria-invalid')).toBe('true')
    expect(await page.getAttribute(APPROVAL, 'aria-describedby')).toContain(`${APPROVAL.slice(1)}-error`)
    expect(await text(page.locator('#figures-state'))).toMatch(/problem/)
    // the server's answer to POST /runs lands beside the same field, and no run starts
    await page.fill('#f-trials', String(TRIALS))
    await page.click('#run')
    await expect.poll(() => text(page.locator('#run-problem')), { timeout: 10_000 }).toContain('The scenario is invalid')
    expect(await text(error)).toBe('must be between 0 and 1, got 1.4')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(APPROVAL.slice(1))
    expect((await api<{ total: number }>('/runs')).total).toBe(0)
    // what only the page can see: not a number
    await page.fill('#f-trials', 'many')
    await expect.poll(() => text(page.locator('#f-trials-error'))).toContain('enter a number')
    // corrected figures clear the messages
    await page.fill('#f-trials', String(TRIALS))
    await page.fill(APPROVAL, '0.85')
    await expect.poll(() => text(page.locator('#figures-state')), { timeout: 10_000 }).toMatch(/checked by the server/)
    expect(await error.isHidden()).toBe(true)
    expect(await page.getAttribute(APPROVAL, 'aria-invalid')).toBeNull()
  })

  it('runs a preset from the keyboard, shows its progress and draws every chart', async () => {
    expect(await page.locator('#compare').inputValue()).toBe('none')
    await page.focus('#run')
    await page.keyboard.press('Enter')
    await page.locator('.progress-row[data-status="done"]').waitFor({ timeout: 60_000 })
    expect(await page.locator('.progress-row progress').evaluate((p) => (p as HTMLProgressElement).value)).toBe(1)
    expect(await text(page.locator('.progress-row .progress-text'))).toBe(`${TRIALS} trials · done`)
    await waitForResults()
    baselineRunId = runIdFromUrl()
    const run = await api<{ status: string; trials: number }>(`/runs/${baselineRunId}`)
    expect(run).toMatchObject({ status: 'done', trials: TRIALS })

    const marks = async (chart: string, mark: string) => page.locator(`figure[data-chart="${chart}"] svg g[aria-description="${mark}"] > *`).count()
    expect(await marks('histogram', 'histogram')).toBeGreaterThanOrEqual(20)
    expect(await marks('histogram', 'appropriation')).toBe(1)
    expect(await marks('exceedance', 'exceedance')).toBe(1)
    expect(await marks('exceedance', 'appropriation')).toBe(1)
    expect(await marks('fan', 'P5–P95 band')).toBe(1)
    expect(await marks('fan', 'P25–P75 band')).toBe(1)
    expect(await marks('fan', 'median')).toBe(1)
    expect(await marks('fan', 'appropriation')).toBeGreaterThanOrEqual(1)
    expect(await marks('programmes', 'mean')).toBe(4) // the four programmes the city funds
    expect(await marks('levels', 'mean')).toBe(4) // national, provincial, municipal, all
    expect(await marks('levels', 'appropriation')).toBe(2)
    expect(await marks('binding', 'share')).toBeGreaterThanOrEqual(3)
    const sizes = await page.locator('figure[data-chart] svg').evaluateAll((svgs) => svgs.map((s) => s.getBoundingClientRect().width))
    for (const w of sizes) expect(w).toBeGreaterThan(250)
  })

  it('shows the numbers of GET /runs/:id/summary', async () => {
    const { rows } = await api<{ rows: Row[] }>(`/runs/${baselineRunId}/summary`)
    // the headline: municipal 2015, the first level with an appropriation
    const head = rowFor(rows, '2015', 'all', 'municipal', 'demand')!
    const p = head.p_exceed as number
    expect(await text(page.locator('#headline h2'))).toContain('Municipal outlay in 2015')
    expect(Number(await page.getAttribute('#headline .odds', 'data-p-exceed'))).toBe(p)
    expect(await text(page.locator('#headline .odds-percent'))).toBe(pctText(p))
    expect(await text(page.locator('#headline .odds-words'))).toBe(`about 1 in ${Math.round(1 / p)} years`)
    for (const key of ['mean', 'p50', 'p95', 'appropriation', 'expected_excess']) {
      const dd = page.locator(`#headline dd[data-key="${key}"]`)
      expect(Number(await dd.getAttribute('data-value')), key).toBe(head[key])
      const shown = await text(dd.locator('.kpi-value'))
      expect(Math.abs(parseShown(shown) - (head[key] as number)), `${key} shown as ${shown}`).toBeLessThanOrEqual(halfUnit(shown))
    }
    // the distribution's appropriation is the summary's
    const dist = await api<{ appropriation: number; n: number }>(`/runs/${baselineRunId}/distribution?year=2015&level=municipal`)
    expect(dist.appropriation).toBe(head.appropriation)

    // every number cell of the summary and binding tables
    const cells = await page.locator('#summary td[data-key], #binding td[data-key]').evaluateAll((tds) =>
      tds.map((td) => ({ key: td.getAttribute('data-key')!, value: td.getAttribute('data-value')!, text: (td.textContent ?? '').trim() })),
    )
    expect(cells.length).toBeGreaterThan(150)
    let checked = 0
    for (const cell of cells) {
      if (cell.value === '') continue
      let row: Row | undefined
      let column: string
      if (cell.key.startsWith('binding|')) {
        const [, programme, measure] = cell.key.split('|')
        row = rowFor(rows, '2015', programme, 'all', measure)
        column = 'mean'
      } else {
        const [year, programme, level, measure, col] = cell.key.split('|')
        row = rowFor(rows, year, programme, level, measure)
        column = col
      }
      expect(row, cell.key).toBeDefined()
      expect(Number(cell.value), cell.key).toBe(row![column])
      if (['mean', 'mean_se', 'p05', 'p50', 'p95', 'p99', 'appropriation', 'expected_excess'].includes(column) && !cell.key.startsWith('binding|')) {
        const shown = cell.text.replace(/^±\s*/, '')
        expect(Math.abs(parseShown(shown) - (row![column] as number)), `${cell.key} shown as ${shown}`).toBeLessThanOrEqual(500) // 0.05 万元
      }
      if (column === 'p_exceed') expect(cell.text.startsWith(`${pctText(row![column] as number)} (`), cell.key).toBe(true)
      checked++
    }
    expect(checked).toBeGreaterThan(150)
  })

  it('says which figures are policy (with the clause) and which are assumptions', async () => {
    const policy = page.locator('#provenance details[data-programme="tech-transaction-subsidy"] tr[data-parameter="cap"]')
    expect(await policy.getAttribute('data-origin')).toBe('policy')
    expect(await text(policy)).toContain('000 §四(一)2')
    expect(await text(policy)).toContain('每个企业单一年度补助金额不超过 500 万元')
    const assumption = page.locator('#provenance details[data-programme="tech-transaction-subsidy"] tr[data-parameter="applicants"]')
    expect(await assumption.getAttribute('data-origin')).toBe('assumption')
    expect(await text(assumption)).toContain('About 600 qualifying enterprises')
  })

  it('offers Arrow and CSV downloads and a polars snippet to copy', async () => {
    const hrefs = await page.locator('#downloads a[data-format]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!))
    expect(hrefs).toHaveLength(4)
    for (const href of hrefs) {
      const r = await fetch(`${server.base}${href}`)
      expect(r.status, href).toBe(200)
      expect(r.headers.get('content-disposition'), href).toMatch(/^attachment/)
      expect(r.headers.get('content-type'), href).toMatch(href.includes('.csv') ? /text\/csv/ : /application\/vnd\.apache\.arrow\.file/)
      await r.arrayBuffer()
    }
    const snippet = await text(page.locator('#polars-snippet'))
    expect(snippet).toContain(`RUN = "${baselineRunId}"`)
    expect(snippet).toContain(`BASE = "${server.base}"`)
    expect(snippet).toContain('pl.read_ipc(')
    await page.click('#copy-snippet')
    await expect.poll(() => text(page.locator('.copy-status'))).not.toBe('')
    if ((await text(page.locator('.copy-status'))).startsWith('Copied')) expect((await page.evaluate(() => navigator.clipboard.readText())).trim()).toBe(snippet)
    copiedSnippet = snippet
  })

  it.runIf(hasPolars)('the polars snippet runs and reads the run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'budget-sim-snippet-'))
    try {
      writeFileSync(join(dir, 'snippet.py'), copiedSnippet)
      const out = execFileSync(pythonInterpreter(), [join(dir, 'snippet.py')], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, POLARS_FMT_MAX_ROWS: '20' } })
      expect(out).toContain('p_exceed')
      expect(out).toContain('municipal')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('redraws for another level and year', async () => {
    await scrollToTop()
    await screenshot('page-1280.png')
    await screenshot('page-1280-full.tmp.png', { fullPage: true })
    await page.selectOption('#sel-year', 'all')
    await expect.poll(() => text(page.locator('#headline h2'))).toContain('Municipal outlay over 2015–2017')
    const { rows } = await api<{ rows: Row[] }>(`/runs/${baselineRunId}/summary`)
    const all = rowFor(rows, 'all', 'all', 'municipal', 'demand')!
    expect(await text(page.locator('#headline .odds-words'))).toMatch(/three-year periods|not once/)
    expect(Number(await page.getAttribute('#headline .odds', 'data-p-exceed'))).toBe(all.p_exceed)
    await page.selectOption('#sel-level', 'all')
    await expect.poll(() => text(page.locator('#headline .odds'))).toContain('No single appropriation covers all funding levels')
    await page.locator('figure[data-chart="histogram"][data-drawn="true"]').waitFor()
    expect(await page.locator('figure[data-chart="histogram"] g[aria-description="appropriation"]').count()).toBe(0)
    await page.selectOption('#sel-level', 'municipal')
    await page.selectOption('#sel-year', '2015')
    await expect.poll(() => text(page.locator('#headline h2'))).toContain('Municipal outlay in 2015')
  })

  it('cancels a run', async () => {
    await page.fill('#f-trials', '300000')
    await expect.poll(() => text(page.locator('#figures-state')), { timeout: 10_000 }).toMatch(/checked by the server/)
    await page.click('#run')
    const bar = page.locator('.progress-row progress')
    await expect.poll(() => bar.evaluate((p) => (p as HTMLProgressElement).value), { timeout: 60_000 }).toBeGreaterThan(0)
    expect(await page.isEnabled('#cancel')).toBe(true)
    await page.click('#cancel')
    await page.locator('.progress-row[data-status="cancelled"]').waitFor({ timeout: 30_000 })
    await expect.poll(() => text(page.locator('#run-status'))).toBe('The run was cancelled.')
    const { runs } = await api<{ runs: { id: string; status: string; trials: number }[] }>('/runs')
    expect(runs[0]).toMatchObject({ status: 'cancelled', trials: 300000 })
    expect(await page.isEnabled('#run')).toBe(true)
    await page.fill('#f-trials', String(TRIALS))
  })

  it('runs a reform beside its baseline, overlaid, with the difference', async () => {
    await page.selectOption('#preset', 'reform-cap-3m')
    await expect.poll(() => page.locator('#compare').inputValue()).toBe(BASELINE)
    await page.fill('#f-trials', String(TRIALS))
    await expect.poll(() => text(page.locator('#figures-state')), { timeout: 10_000 }).toMatch(/checked by the server/)
    await page.click('#run')
    await expect.poll(() => page.locator('.progress-row[data-status="done"]').count(), { timeout: 60_000 }).toBe(2)
    await page.locator('#comparison figure[data-chart="difference"][data-drawn="true"]').waitFor({ timeout: 60_000 })
    await waitForResults()
    const reformId = runIdFromUrl()
    // the baseline with the same trials and seed was reused, not simulated again
    expect(baselineIdFromUrl()).toBe(baselineRunId)
    expect((await api<{ total: number }>('/runs')).total).toBe(3)
    // found by one filtered request for the untouched preset on the same draws, not by a scan
    const preset = await api<{ resolved: { scenario_hash: string; seed: number } }>(`/scenarios/${BASELINE}`)
    const lookups = requests.filter((u) => u.pathname === '/runs' && u.searchParams.has('status'))
    expect(lookups.map((u) => Object.fromEntries(u.searchParams))).toEqual([
      { status: 'done', preset: BASELINE, trials: String(TRIALS), seed: String(preset.resolved.seed), scenario_hash: preset.resolved.scenario_hash, limit: '1' },
    ])
    expect(requests.some((u) => u.pathname === '/runs' && u.searchParams.get('limit') === '100')).toBe(false)
    // the reform's and the baseline's histograms were asked for over one range with the same bins
    const shown = (id: string) =>
      distributions.filter((d) => d.url.pathname === `/runs/${id}/distribution` && !d.url.searchParams.has('against') && d.url.searchParams.get('year') === '2015' && d.url.searchParams.get('level') === 'municipal').at(-1)!
    const [reformCall, baseCall] = [shown(reformId), shown(baselineRunId)]
    const range = reformCall.url.searchParams.get('range')
    expect(range).toMatch(/^[\d.e+-]+,[\d.e+-]+$/)
    expect(baseCall.url.searchParams.get('range')).toBe(range)
    expect(baseCall.url.searchParams.get('bins')).toBe(reformCall.url.searchParams.get('bins'))
    const [reformDist, baseDist] = await Promise.all([reformCall.body, baseCall.body])
    expect(baseDist!.histogram.edges).toEqual(reformDist!.histogram.edges)
    expect(range!.split(',').map(Number)).toEqual([Math.min(reformDist!.min, baseDist!.min), Math.max(reformDist!.max, baseDist!.max)])
    for (const d of [reformDist!, baseDist!]) {
      expect(d.histogram.below + d.histogram.above).toBe(0)
      expect(d.histogram.counts.reduce((a, b) => a + b, 0)).toBe(TRIALS)
    }
    // both overlaid
    expect(await page.locator('figure[data-chart="histogram"] g[aria-description="baseline"]').count()).toBe(1)
    expect(await page.locator('figure[data-chart="exceedance"] g[aria-description="baseline"]').count()).toBe(1)
    expect(await page.locator('figure[data-chart="fan"] g[aria-description="baseline median"]').count()).toBe(1)
    expect(await page.locator('figure[data-chart="programmes"] g[aria-description="baseline mean"] > *').count()).toBe(4)
    // the difference is the API's paired difference
    const diff = await api<{ mean: number; mean_se: number }>(`/runs/${reformId}/distribution?year=2015&level=municipal&against=${baselineRunId}`)
    expect(Number(await page.getAttribute('#comparison .difference', 'data-mean'))).toBe(diff.mean)
    expect(diff.mean).toBeLessThan(0) // a lower cap costs less
    expect(await text(page.locator('#comparison .difference'))).toContain('less than the baseline')
    const { rows } = await api<{ rows: Row[] }>(`/runs/${baselineRunId}/summary`)
    const base = rowFor(rows, '2015', 'all', 'municipal', 'demand')!
    expect(await text(page.locator('#headline .odds-baseline'))).toContain(`Baseline: ${pctText(base.p_exceed as number)}`)
    await scrollToTop()
    await screenshot('reform-1280.tmp.png')
  })

  it('reopens an earlier run from the list', async () => {
    await page.goto(server.base)
    await page.locator('body[data-ready="true"]').waitFor()
    const row = page.locator(`#history tr[data-run="${baselineRunId}"]`)
    await row.waitFor()
    expect(await page.locator('#history tbody tr').count()).toBe(3)
    await row.getByRole('button', { name: /^Open run/ }).click()
    await waitForResults()
    expect(runIdFromUrl()).toBe(baselineRunId)
    expect(baselineIdFromUrl()).toBeNull()
    expect(await text(page.locator('#run-title'))).toBe('Guangzhou S&T service programmes 2015-2017, baseline')
    expect(await page.locator('#comparison').count()).toBe(0)
    // and its scenario can be edited and run again
    await page.click('#edit-run-scenario')
    await expect.poll(() => page.locator('#preset').inputValue()).toBe('__document__')
    expect(await page.inputValue('#f-trials')).toBe(String(TRIALS))
  })

  it('holds together on a narrow screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await expect
      .poll(() => page.locator('figure[data-chart="histogram"] svg').evaluate((s) => s.getBoundingClientRect().width), { timeout: 10_000 })
      .toBeLessThanOrEqual(360)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.locator('#headline').scrollIntoViewIfNeeded()
    await page.evaluate(() => document.querySelector('.run-head')!.scrollIntoView())
    await screenshot('page-390.png')
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  it('shows the server’s problem for a pasted scenario it rejects', async () => {
    await page.click('details.paste summary')
    await page.fill('#scenario-text', `name: mine\nextends: ${BASELINE}\nprogrammes:\n  tech-transaction-subsidy:\n    aproval: 0.5\n`)
    await page.click('#paste-load')
    await expect.poll(() => text(page.locator('#source-problem'))).toContain('The scenario is invalid')
    expect(await text(page.locator('#source-problem'))).toContain('programmes.tech-transaction-subsidy.aproval')
    await page.fill('#scenario-text', 'name: [unclosed')
    await page.click('#paste-load')
    await expect.poll(() => text(page.locator('#source-problem'))).toMatch(/YAML/)
    // a good one becomes the scenario to edit
    await page.fill('#scenario-text', `name: mine\nextends: ${BASELINE}\ntrials: ${TRIALS}\nprogrammes:\n  tech-transaction-subsidy:\n    cap: 4000000\n`)
    await page.click('#paste-load')
    await expect.poll(() => page.inputValue('#f-programmes-tech-transaction-subsidy-cap')).toBe('4,000,000')
    expect(await page.locator('#preset').inputValue()).toBe('__document__')
    expect(await text(page.locator('#preset option:checked'))).toBe('Your scenario: pasted scenario')
    expect(await page.isHidden('#source-problem')).toBe(true)
  })

  it('removes a quota, a matching rule and one year of appropriation', async () => {
    await page.selectOption('#preset', BASELINE)
    await expect.poll(() => page.inputValue('#f-trials')).toBe('10,000')
    await page.selectOption('#compare', 'none')
    await page.fill('#f-trials', String(TRIALS))
    const field = (programme: string, path: string) => `#f-programmes-${programme}-${path}`
    const open = (programme: string) => page.click(`#figures-body details.programme[data-programme="${programme}"]:not([open]) > summary`)
    // a quota per year: emptying it leaves both place fields empty, which the page reads as no quota
    await open('transfer-institution-grant')
    expect(await text(page.locator(`${field('transfer-institution-grant', 'quota-total')}-hint`))).toBe('empty: no overall limit')
    await page.fill(field('transfer-institution-grant', 'quota-per_year'), '')
    expect(await text(page.locator(`${field('transfer-institution-grant', 'quota-per_year')}-hint`))).toBe('empty: no quota')
    expect(await text(page.locator(`${field('transfer-institution-grant', 'quota-total')}-hint`))).toBe('empty: no quota')
    // a recurring quota: with no places left the page asks about the box, then removes the quota
    await open('demonstration-enterprise-grant')
    const recurring = field('demonstration-enterprise-grant', 'quota-recurring')
    await page.fill(field('demonstration-enterprise-grant', 'quota-total'), '')
    await expect.poll(() => text(page.locator(`${recurring}-error`)), { timeout: 10_000 }).toMatch(/^recurring places need a quota: enter places per year or over all years/)
    expect(await page.getAttribute(recurring, 'aria-invalid')).toBe('true')
    await page.uncheck(recurring)
    // the matching ratio, and the municipal appropriation of 2016
    await open('torch-pilot-matching')
    await page.fill(field('torch-pilot-matching', 'matching-provincial-ratio'), '')
    expect(await text(page.locator(`${field('torch-pilot-matching', 'matching-provincial-ratio')}-hint`))).toBe('empty: no provincial matching')
    await page.fill('#f-appropriations-municipal-2016', '')
    await expect.poll(() => text(page.locator('#figures-state')), { timeout: 10_000 }).toBe('5 changes, checked by the server')
    expect(await page.locator(`${recurring}-error`).isHidden()).toBe(true)

    const submitted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/runs')
    await page.click('#run')
    expect((await submitted).postDataJSON()).toEqual({
      preset: BASELINE,
      overrides: {
        trials: TRIALS,
        programmes: { 'transfer-institution-grant': { quota: null }, 'demonstration-enterprise-grant': { quota: null }, 'torch-pilot-matching': { matching: null } },
        appropriations: { municipal: { 2016: null } },
      },
    })
    await expect.poll(() => runIdFromUrl(), { timeout: 60_000 }).not.toBe(baselineRunId)
    await waitForResults()
    const runId = runIdFromUrl()
    expect(baselineIdFromUrl()).toBeNull()

    // the run simulated the scenario without them
    const scenario = await api<{ appropriations: Record<string, Record<string, number>>; programmes: { id: string; parameters: Record<string, unknown> }[] }>(`/runs/${runId}/scenario`)
    const parameter = (id: string, name: string) => scenario.programmes.find((p) => p.id === id)!.parameters[name]
    expect(parameter('transfer-institution-grant', 'quota')).toBeNull()
    expect(parameter('demonstration-enterprise-grant', 'quota')).toBeNull()
    expect(parameter('demonstration-enterprise-grant', 'cap')).toBe(500000)
    expect(parameter('torch-pilot-matching', 'matching')).toBeNull()
    expect(scenario.appropriations.municipal).toEqual({ 2015: 170000000, 2017: 210000000 })
    expect(scenario.appropriations.provincial).toEqual({ 2015: 50000000, 2016: 50000000, 2017: 50000000 })

    // and the page says so
    const row = (programme: string, name: string) => page.locator(`#provenance details[data-programme="${programme}"] tr[data-parameter="${name}"]`)
    expect(await row('transfer-institution-grant', 'quota').getAttribute('data-origin')).toBe('scenario')
    expect(await text(row('transfer-institution-grant', 'quota').locator('td').first())).toBe('no quota')
    expect(await text(row('demonstration-enterprise-grant', 'quota').locator('td').first())).toBe('no quota')
    expect(await text(row('torch-pilot-matching', 'matching').locator('td').first())).toBe('no matching')
    expect(await text(page.locator('#binding tr[data-programme="demonstration-enterprise-grant"] td').first())).toBe('cap 50 万元, no quota')
    expect(await page.locator('#binding tr[data-programme="transfer-institution-grant"]').count()).toBe(0) // neither cap nor quota left
    expect(await page.getAttribute('#headline dd[data-key="appropriation"]', 'data-value')).toBe('170000000')
    await page.selectOption('#sel-year', '2016')
    // (with the matching removed the province pays nothing, so no level has a budget line in 2016)
    await expect.poll(() => text(page.locator('#headline .odds'))).toMatch(/no appropriation (is set for this level )?in 2016/i)
    expect(await page.getAttribute('#headline dd[data-key="appropriation"]', 'data-value')).toBe('')
    await page.selectOption('#sel-year', '2017')
    await expect.poll(() => page.getAttribute('#headline dd[data-key="appropriation"]', 'data-value')).toBe('210000000')
  })

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([])
  })
})
