// Why: proof that the planner's page works end to end: headless Debian Chromium loads it from the real
// server, a small preset runs with its progress bar, every chart is drawn, the numbers on the page
// are those of GET /runs/:id/summary, an invalid figure gets its message beside the field (amounts
// typed in 万/亿, the server's limits restated in the field's unit, Run disabled meanwhile), a run
// can be cancelled, a reform runs beside its baseline (found by one filtered GET /runs, both
// histograms on the same bins) with its effect first, a finished run of the same scenario is reused,
// the address, the list and the results agree through pasted addresses, Back and Forward, the terms
// are explained from the keyboard, the key table columns are in view at 1280 px and nothing that
// matters is cut on a phone, and clearing a quota, a matching ratio or one year's appropriation
// removes just that. Screenshots: test/e2e/screenshots/page-1280.png and page-390.png (stable, for
// the README; volatile ids and times masked) and *.tmp.png (gitignored).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatCny } from '../../web/src/format/cny'
import { pythonInterpreter } from '../../scripts/pythonInterpreter.js'
import { launchBrowser, type Browser } from './browser'
import { captionProblems, chartTextProblems, inViewport, keyCellsOutOfView } from './layout'
import { repoRoot, startServer, type RunningServer } from './server'

const SCREENSHOTS = join(repoRoot, 'test/e2e/screenshots')
const TRIALS = 400
const BASELINE = 'guangzhou-2015-2017-baseline'
const APPROVAL = '#f-programmes-tech-transaction-subsidy-approval_rate'
const CAP = '#f-programmes-tech-transaction-subsidy-cap'
const REFORM_NAME = 'cap-3m-planner'
const REFORM_TITLE = 'Transaction subsidy capped at 300万'

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
let cancelledRunId = ''
let reformRunId = ''
let copiedSnippet = ''
/** every request the page sent, and the distributions the server answered */
const requests: URL[] = []
const distributions: { url: URL; body: Promise<DistributionBody | null> }[] = []

interface DistributionBody {
  n: number
  min: number
  max: number
  quantiles: Record<'p05' | 'p50' | 'p95', number>
  histogram: { edges: number[]; counts: number[]; below: number; above: number }
  exceedance: { x: number; p: number }[]
}

/** P(outlay > x) read off the exceedance curve as the chart draws it (a step after each point). */
function stepAbove(d: DistributionBody, x: number): number {
  if (x < d.min) return 1
  return x >= d.max ? 0 : d.exceedance.filter((e) => e.x <= x).at(-1)!.p
}

/** Every trial's demand summed over the rows asked for (GET /runs/:id/trials.csv). */
async function trialSums(runId: string, query: string): Promise<number[]> {
  const r = await fetch(`${server.base}/runs/${runId}/trials.csv?${query}&columns=trial,demand`)
  const sums = new Map<number, number>()
  for (const line of (await r.text()).trim().split('\n').slice(1)) {
    const [trial, demand] = line.split(',').map(Number)
    sums.set(trial, (sums.get(trial) ?? 0) + demand)
  }
  return [...sums.values()]
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

/** The address, the list's current row and the results: which run each names. */
async function whatIsShown(): Promise<{ address: string | null; list: string | null; results: string | null }> {
  return page.evaluate(() => ({
    address: new URLSearchParams(location.hash.slice(1)).get('run'),
    list: document.querySelector('#history tr.current')?.getAttribute('data-run') ?? null,
    results: document.getElementById('results-body')!.dataset.run || null,
  }))
}

/** Wait until the address, the list and the results all name `runId`. */
async function expectShown(runId: string): Promise<void> {
  await expect.poll(whatIsShown, { timeout: 30_000 }).toEqual({ address: runId, list: runId, results: runId })
}

/** Answer POST /scenarios/validate with "valid" (the server's verdict comes from POST /runs instead). */
async function validateEverything(): Promise<void> {
  await page.route('**/scenarios/validate', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ valid: true, scenario: { scenario_hash: '0'.repeat(64), trials: TRIALS, seed: 20150827 } }) }),
  )
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

  it('puts the validation message beside the field it concerns, and waits with Run until it is corrected', async () => {
    const error = page.locator(`${APPROVAL}-error`)
    await page.fill(APPROVAL, '1.4')
    await expect.poll(() => text(error), { timeout: 10_000 }).toBe('must be between 0 and 1, got 1.4')
    expect(await page.getAttribute(APPROVAL, 'aria-invalid')).toBe('true')
    expect(await page.getAttribute(APPROVAL, 'aria-describedby')).toContain(`${APPROVAL.slice(1)}-error`)
    expect(await text(page.locator('#figures-state'))).toMatch(/problem/)
    // Run waits for valid figures, and says why
    expect(await page.isDisabled('#run')).toBe(true)
    expect(await page.isVisible('#run-blocked')).toBe(true)
    // what only the page can see: not a number
    await page.fill('#f-trials', 'many')
    await expect.poll(() => text(page.locator('#f-trials-error'))).toBe('enter a number such as 10,000, not "many"')
    // corrected figures clear the messages and free the button
    await page.fill('#f-trials', String(TRIALS))
    await page.fill(APPROVAL, '85%')
    expect(await text(page.locator(`${APPROVAL}-hint`))).toBe('85%')
    await expect.poll(() => text(page.locator('#figures-state')), { timeout: 10_000 }).toMatch(/checked by the server/)
    expect(await error.isHidden()).toBe(true)
    expect(await page.getAttribute(APPROVAL, 'aria-invalid')).toBeNull()
    expect(await page.isEnabled('#run')).toBe(true)
    expect(await page.isHidden('#run-blocked')).toBe(true)
    await page.fill(APPROVAL, '0.85')
    await expect.poll(() => text(page.locator('#figures-state')), { timeout: 10_000 }).toMatch(/checked by the server/)
  })

  it('takes amounts as a planner types them, in 万 and 亿, and speaks of limits in the field’s unit', async () => {
    // shown in the page's units, and read back in yuan
    expect(await page.inputValue(CAP)).toBe('500 万元')
    expect(await page.inputValue('#f-appropriations-municipal-2015')).toBe('1.7 亿元')
    // (each hint says the amount the other way: in yuan, or in 万元/亿元)
    for (const typed of ['300万', '300 万元', '３００万']) {
      await page.fill(CAP, typed)
      expect(await text(page.locator(`${CAP}-hint`)), typed).toBe('= 3,000,000 CNY')
    }
    await page.fill(CAP, '3,000,000')
    expect(await text(page.locator(`${CAP}-hint`))).toBe('= 300 万元')
    await page.fill(CAP, '300')
    expect(await text(page.locator(`${CAP}-hint`))).toBe('= 300 CNY: did you mean 300万 or 300亿?')
    await page.fill(CAP, '300万')
    await page.fill('#f-appropriations-municipal-2015', '1.8亿')
    expect(await text(page.locator('#f-appropriations-municipal-2015-hint'))).toBe('= 180,000,000 CNY')
    await expect.poll(() => text(page.locator('#figures-state')), { timeout: 10_000 }).toBe('3 changes, checked by the server')
    // what cannot be read says what is expected, in the field's unit, never a share's 0.85
    await page.fill(CAP, '3 million')
    await expect.poll(() => text(page.locator(`${CAP}-error`))).toBe('enter an amount such as 300万, 300 万元 or 3,000,000 (CNY), not "3 million"')
    expect(await page.isDisabled('#run')).toBe(true)
    // the server's raw-yuan limits, restated in 亿元 beside an appropriation
    await page.fill(CAP, '300万')
    await page.fill('#f-appropriations-municipal-2015', '2,000,000,000,000,000')
    await expect.poll(() => text(page.locator('#f-appropriations-municipal-2015-error')), { timeout: 10_000 }).toBe('must be between 0 and 10,000,000 亿元, got 20,000,000 亿元')
    expect(await page.isDisabled('#run')).toBe(true)
    await page.fill('#f-appropriations-municipal-2015', '1.7亿')

    // a run the server rejects (422) puts each message beside its field, in the field's unit
    await validateEverything()
    await page.fill(CAP, '-5万')
    await expect.poll(() => page.isEnabled('#run'), { timeout: 10_000 }).toBe(true)
    const submitted = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/runs')
    await page.click('#run')
    expect((await submitted).status()).toBe(422)
    await expect.poll(() => text(page.locator('#run-problem')), { timeout: 10_000 }).toContain('The scenario is invalid')
    expect(await text(page.locator(`${CAP}-error`))).toBe('must be between 0 and 100,000,000,000 万元, got −5 万元')
    expect(await page.getAttribute(CAP, 'aria-invalid')).toBe('true')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(CAP.slice(1))
    expect(await page.isDisabled('#run')).toBe(true)
    expect((await api<{ total: number }>('/runs')).total).toBe(0)
    await page.unroute('**/scenarios/validate')
    await page.fill(CAP, '500万')
    await expect.poll(() => text(page.locator('#figures-state')), { timeout: 10_000 }).toBe('1 change, checked by the server')
    expect(await page.isEnabled('#run')).toBe(true)
    expect(await page.inputValue('#f-trials')).toBe(String(TRIALS))
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
    // the planner is taken to the answer
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('headline-h')
    expect(await inViewport(page, '#headline')).toBe(true)
    await expectShown(baselineRunId)

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
    // (a cell's own text: its standard error or interval is a keyed element inside it)
    const cells = await page.locator('#summary [data-key], #binding [data-key]').evaluateAll((els) =>
      els.map((el) => ({
        key: el.getAttribute('data-key')!,
        value: el.getAttribute('data-value')!,
        text: [...el.childNodes]
          .filter((n) => n.nodeType === Node.TEXT_NODE || !(n as Element).hasAttribute('data-key'))
          .map((n) => n.textContent)
          .join('')
          .trim(),
      })),
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
        // the interval under P(over) is keyed by its lower end, and reads "lo–hi"
        column = col === 'p_exceed_interval' ? 'p_exceed_lo' : col
        if (col === 'p_exceed_interval') expect(cell.text, cell.key).toBe(`${pctText(row!.p_exceed_lo as number)}–${pctText(row!.p_exceed_hi as number)}`)
      }
      expect(row, cell.key).toBeDefined()
      expect(Number(cell.value), cell.key).toBe(row![column])
      if (['mean', 'mean_se', 'p05', 'p50', 'p95', 'p99', 'appropriation', 'expected_excess'].includes(column) && !cell.key.startsWith('binding|')) {
        const shown = cell.text.replace(/^±\s*/, '')
        expect(Math.abs(parseShown(shown) - (row![column] as number)), `${cell.key} shown as ${shown}`).toBeLessThanOrEqual(500) // 0.05 万元
      }
      if (column === 'p_exceed') expect(cell.text, cell.key).toBe(pctText(row![column] as number))
      checked++
    }
    expect(checked).toBeGreaterThan(150)
  })

  it('keeps the columns that matter in view at 1280 px, and no chart label cut', async () => {
    expect(await keyCellsOutOfView(page, 'by-level', ['Year and level', 'Mean', 'Appropriation', 'P(over)', 'Expected excess'])).toEqual([])
    expect(await keyCellsOutOfView(page, 'binding', ['Programme', 'Rule', 'Capped applicants', 'Money the cap saves', 'Turned away by the quota'])).toEqual([])
    expect(await captionProblems(page)).toEqual([])
    expect(await chartTextProblems(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280)
  })

  it('marks P5, P50 and P95 on the histogram', async () => {
    const dist = await api<DistributionBody>(`/runs/${baselineRunId}/distribution?year=2015&level=municipal`)
    const titles = await page.locator('figure[data-chart="histogram"] g[aria-description="percentiles"] > * title').allTextContents()
    expect(titles).toEqual([`P5: ${formatCny(dist.quantiles.p05)}`, `P50: ${formatCny(dist.quantiles.p50)}`, `P95: ${formatCny(dist.quantiles.p95)}`])
    const labels = await page.locator('figure[data-chart="histogram"] g[aria-description="percentile labels"] text').allTextContents()
    expect(labels.sort()).toEqual(['P5', 'P50', 'P95'])
  })

  it('answers “the chance outlay exceeds X” for an amount typed in 万 or 亿', async () => {
    const dist = await api<DistributionBody>(`/runs/${baselineRunId}/distribution?year=2015&level=municipal`)
    const { rows } = await api<{ rows: Row[] }>(`/runs/${baselineRunId}/summary`)
    const head = rowFor(rows, '2015', 'all', 'municipal', 'demand')!
    const answer = page.locator('#exceed-answer')
    for (const typed of ['1.7亿', '17,000 万元', '170,000,000']) {
      await page.fill('#exceed-x', typed)
      await expect.poll(() => answer.getAttribute('data-x')).toBe('170000000')
      const p = Number(await answer.getAttribute('data-p'))
      // the curve's own step, and within one step of the exact share the summary gives
      expect(p).toBe(stepAbove(dist, 170_000_000))
      expect(Math.abs(p - (head.p_exceed as number))).toBeLessThanOrEqual(Math.ceil(dist.n / 200) / dist.n + 1e-12)
      expect(await text(answer)).toMatch(new RegExp(`^${pctText(p).replace('.', '\\.')} of trials need more than 1\\.70 亿元`))
    }
    expect(await page.locator('figure[data-chart="exceedance"] g[aria-description="query point"] > *').count()).toBe(1)
    // beyond every trial: never, and off the chart (which keeps its scale)
    await page.fill('#exceed-x', '50亿')
    await expect.poll(() => answer.getAttribute('data-p')).toBe('0')
    expect(await page.locator('figure[data-chart="exceedance"] g[aria-description="query point"]').count()).toBe(0)
    await page.fill('#exceed-x', '1.8 billion')
    await expect.poll(() => text(answer)).toMatch(/^enter an amount such as 1\.7亿/)
    await page.fill('#exceed-x', '')
    expect(await page.locator('figure[data-chart="exceedance"] g[aria-description="query point"]').count()).toBe(0)
  })

  it('explains the terms where they appear, from the keyboard, and in a Help section', async () => {
    const tvar = page.locator('#summary table[data-table="by-level"] thead button.term[data-term="tvar"]')
    await tvar.focus()
    await page.keyboard.press('Enter')
    const pop = page.locator('#term-tvar')
    await expect.poll(() => pop.evaluate((el) => el.matches(':popover-open'))).toBe(true)
    expect(await text(pop)).toContain('The average outlay in the worst 5% of trials')
    const box = (await pop.boundingBox())!
    expect(box.x).toBeGreaterThanOrEqual(0)
    expect(box.x + box.width).toBeLessThanOrEqual(1280)
    await page.keyboard.press('Escape')
    expect(await pop.evaluate((el) => el.matches(':popover-open'))).toBe(false)
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.term)).toBe('tvar')
    // every term the brief names is explained where it appears
    for (const key of ['p-over', 'expected-excess', 'tvar', 'standard-error', 'percentiles', 'distribution'])
      expect(await page.locator(`#results-body button.term[data-term="${key}"]`).count(), key).toBeGreaterThan(0)
    // the popover leads to the Help section, without touching the address (it names the run)
    const address = page.url()
    await page.locator('button.term[data-term="p-over"]').first().click()
    await page.locator('#term-p-over').getByRole('button', { name: 'All the terms, in Help' }).click()
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('help-p-over')
    expect(await inViewport(page, '#help-p-over')).toBe(true)
    expect(page.url()).toBe(address)
    expect(await page.locator('#help dt[id^="help-"]').count()).toBeGreaterThanOrEqual(6)
    // and to the README's sections, served with the page
    const readme = await page.locator('#help a[href^="README.md#"]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))
    expect(readme.length).toBeGreaterThan(0)
    const served = await fetch(readme[0])
    expect(served.status).toBe(200)
    const markdown = await served.text()
    for (const href of readme) expect(markdown, href).toContain(`## ${{ results: 'Results', 'how-the-engine-works': 'How the engine works', 'the-web-page': 'The web page', distributions: 'Distributions', 'policy-seeds-where-every-number-comes-from': 'Policy seeds: where every number comes from', 'decision-analysis': 'Decision analysis', 'sensitivity-the-tornado-and-the-contribution-to-variance': 'Sensitivity: the tornado and the contribution to variance', 'goal-seek': 'Goal seek', 'runs-to-a-precision': 'Runs to a precision', 'budget-impact': 'Budget impact' }[new URL(href).hash.slice(1)]}`)
    await scrollToTop()
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
    await page.locator('figure[data-chart="histogram"][data-drawn="true"]').waitFor()
    expect(await page.locator('figure[data-chart="histogram"] g[aria-description="appropriation"]').count()).toBe(0)
    await page.selectOption('#sel-level', 'municipal')
    await page.selectOption('#sel-year', '2015')
    await expect.poll(() => text(page.locator('#headline h2'))).toContain('Municipal outlay in 2015')
  })

  it('sums the appropriations of the levels that set one, for all levels together, with their overrun chance', async () => {
    await page.selectOption('#sel-level', 'all')
    const slot = page.locator('#headline .odds-levels')
    await expect.poll(() => slot.getAttribute('data-p-exceed'), { timeout: 10_000 }).not.toBeNull()
    // the national level sets none; provincial and municipal 2015: 50 and 170 million
    expect(await slot.getAttribute('data-levels')).toBe('provincial,municipal')
    expect(Number(await slot.getAttribute('data-appropriation'))).toBe(220_000_000)
    const sums = await trialSums(baselineRunId, 'year=2015&level=provincial&level=municipal')
    expect(sums).toHaveLength(TRIALS)
    const p = sums.filter((v) => v > 220_000_000).length / TRIALS
    expect(Number(await slot.getAttribute('data-p-exceed'))).toBe(p)
    expect(await text(slot)).toBe(`Provincial and municipal set an appropriation in 2015, 2.20 亿元 together; national sets none. Chance that their combined outlay exceeds it: ${pctText(p)}, about 1 in ${Math.round(1 / p)} years.`)
    // over all three years too
    await page.selectOption('#sel-year', 'all')
    await expect.poll(() => page.locator('#headline .odds-levels').getAttribute('data-appropriation'), { timeout: 10_000 }).toBe(String(570_000_000 + 150_000_000))
    await page.selectOption('#sel-level', 'municipal')
    await page.selectOption('#sel-year', '2015')
    await expect.poll(() => text(page.locator('#headline h2'))).toContain('Municipal outlay in 2015')
    await page.locator('#results-main:not([aria-busy])').waitFor()
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
    cancelledRunId = runs[0].id
    expect(await page.isEnabled('#run')).toBe(true)
    await page.fill('#f-trials', String(TRIALS))
    // the run on screen is still the one before
    await expectShown(baselineRunId)
  })

  it('opens a cancelled run with the address, the list and the results all on it', async () => {
    await page.locator(`#history tr[data-run="${cancelledRunId}"]`).getByRole('button', { name: /^Open run/ }).click()
    await expectShown(cancelledRunId)
    expect(await page.getAttribute('#results-body .run-state', 'data-status')).toBe('cancelled')
    expect(await text(page.locator('#results-body .run-state'))).toContain('This run was cancelled after')
    // the Run panel spoke of this run, and still does
    expect(await text(page.locator('#run-status'))).toBe('The run was cancelled.')
    await page.goBack()
    await expectShown(baselineRunId)
    await waitForResults()
    // back on another run, it no longer speaks of the cancelled one
    expect(await text(page.locator('#run-status'))).toBe('')
    expect(await page.locator('#progress-area .progress-row').count()).toBe(0)
  })

  it('runs a named reform beside its baseline, its effect first, overlaid, with the difference', async () => {
    await page.selectOption('#preset', 'reform-cap-3m')
    await expect.poll(() => page.locator('#compare').inputValue()).toBe(BASELINE)
    await page.fill('#f-trials', String(TRIALS))
    // a name must be one the schema takes; the page says so before the server does
    await page.fill('#f-name', 'Cap 3M planner')
    await expect.poll(() => text(page.locator('#f-name-error'))).toBe('use lower-case letters, digits, ".", "_" or "-", starting with a letter or digit (for example cap-3m-planner)')
    expect(await page.isDisabled('#run')).toBe(true)
    await page.fill('#f-name', REFORM_NAME)
    await page.fill('#f-title', REFORM_TITLE)
    await expect.poll(() => text(page.locator('#figures-state')), { timeout: 10_000 }).toMatch(/checked by the server/)
    const lookupsBefore = requests.length
    const submitted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/runs')
    await page.click('#run')
    expect((await submitted).postDataJSON()).toEqual({ preset: 'reform-cap-3m', overrides: { name: REFORM_NAME, title: REFORM_TITLE, trials: TRIALS } })
    await expect.poll(() => page.locator('.progress-row[data-status="done"]').count(), { timeout: 60_000 }).toBe(2)
    await page.locator('#comparison figure[data-chart="difference"][data-drawn="true"]').waitFor({ timeout: 60_000 })
    await waitForResults()
    const reformId = runIdFromUrl()
    reformRunId = reformId
    expect(await text(page.locator('#run-title'))).toBe(REFORM_TITLE)
    // the answer comes first, and the planner is taken to it
    expect(await page.evaluate(() => document.getElementById('results-main')!.firstElementChild!.id)).toBe('comparison')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('comparison-h')
    expect(await inViewport(page, '#comparison')).toBe(true)
    // the baseline with the same trials and seed was reused, not simulated again
    expect(baselineIdFromUrl()).toBe(baselineRunId)
    expect((await api<{ total: number }>('/runs')).total).toBe(3)
    // found by one filtered request for the untouched preset on the same draws, not by a scan; the
    // reform itself was looked for by its scenario hash first (and not found)
    const preset = await api<{ resolved: { scenario_hash: string; seed: number } }>(`/scenarios/${BASELINE}`)
    const reformRun = await api<{ scenario_hash: string }>(`/runs/${reformId}`)
    const lookups = requests.slice(lookupsBefore).filter((u) => u.pathname === '/runs' && u.searchParams.has('status'))
    expect(lookups.map((u) => Object.fromEntries(u.searchParams))).toEqual([
      { status: 'done', scenario_hash: reformRun.scenario_hash, seed: String(preset.resolved.seed), trials: String(TRIALS), limit: '1' },
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
    // the list names the reform and says what it changes against its baseline
    const listed = page.locator(`#history tr[data-run="${reformId}"]`)
    expect(await text(listed.locator('.run-name'))).toBe(REFORM_TITLE)
    await expect.poll(() => text(listed.locator('.run-changes'))).toBe(`against ${BASELINE}: Technology transaction subsidy: cap 500 万元 → 300 万元`)
    await expect.poll(() => text(page.locator(`#history tr[data-run="${baselineRunId}"] .run-changes`))).toBe(`as ${BASELINE}`)
    expect(await chartTextProblems(page)).toEqual([])
    await scrollToTop()
    await screenshot('reform-1280.tmp.png')
  })

  it('shows the reform’s budget impact by year and level, every number that of GET /runs/:id/compare', async () => {
    const impact = await api<{ trials: number; seed: string; rows: Record<string, number | string | null>[] }>(`/runs/${reformRunId}/compare?against=${baselineRunId}`)
    expect(impact.trials).toBe(TRIALS)
    const table = page.locator('#comparison table[data-table="impact"]')
    await table.waitFor()
    // every year (then all) and level (then all), in the API's order
    expect(await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-year')}|${tr.getAttribute('data-level')}`))).toEqual(impact.rows.map((r) => `${r.year}|${r.level}`))
    expect(impact.rows).toHaveLength(4 * 4)
    const cells = await table.locator('[data-key]').evaluateAll((els) =>
      els.map((el) => ({
        key: el.getAttribute('data-key')!,
        value: el.getAttribute('data-value')!,
        text: [...el.childNodes]
          .filter((n) => n.nodeType === Node.TEXT_NODE || !(n as Element).hasAttribute('data-key'))
          .map((n) => n.textContent)
          .join('')
          .trim(),
      })),
    )
    const columns = ['mean_before', 'mean_after', 'difference', 'difference_se', 'p_exceed_before', 'p_exceed_after', 'p95_before', 'p95_after', 'appropriation_after']
    expect(cells).toHaveLength(impact.rows.length * columns.length)
    for (const cell of cells) {
      const [, year, level, column] = cell.key.split('|')
      const row = impact.rows.find((r) => String(r.year) === year && r.level === level)!
      const expected = row[column]
      expect(cell.value, cell.key).toBe(expected === null ? '' : String(expected))
      if (expected === null) expect(cell.text, cell.key).toBe('–')
      else if (column.startsWith('p_exceed')) expect(cell.text, cell.key).toBe(pctText(expected as number))
      else expect(Math.abs(parseShown(cell.text.replace(/^±\s*/, '')) - (expected as number)), `${cell.key} shown as ${cell.text}`).toBeLessThanOrEqual(500) // 0.05 万元
      if (column === 'difference' && (expected as number) > 500) expect(cell.text, cell.key).toMatch(/^\+/)
    }
    // a lower cap costs less in the years it binds; the paired difference agrees with the one drawn above
    const municipal2015 = impact.rows.find((r) => r.year === 2015 && r.level === 'municipal')!
    expect(municipal2015.difference as number).toBeLessThan(0)
    const diff = await api<{ mean: number }>(`/runs/${reformRunId}/distribution?year=2015&level=municipal&against=${baselineRunId}`)
    expect(municipal2015.difference as number).toBeCloseTo(diff.mean, 3)
    // the level and year on screen are marked, and follow the selection
    expect(await table.locator('tr.selected').evaluate((tr) => `${tr.getAttribute('data-year')}|${tr.getAttribute('data-level')}`)).toBe('2015|municipal')
    await page.selectOption('#sel-year', '2017')
    await expect.poll(() => page.locator('#comparison table[data-table="impact"] tr.selected').evaluate((tr) => `${tr.getAttribute('data-year')}|${tr.getAttribute('data-level')}`)).toBe('2017|municipal')
    expect(await keyCellsOutOfView(page, 'impact', ['Year and level', 'Mean before', 'Mean after', 'Difference', 'P(over) before', 'P(over) after'])).toEqual([])
    expect(await captionProblems(page)).toEqual([])
    await page.selectOption('#sel-year', '2015')
    await page.locator('#comparison figure[data-chart="difference"][data-drawn="true"]').waitFor()
    // the report to file has the budget impact against this baseline
    const reports = await page.locator('#downloads a[data-report]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
    expect(reports).toEqual([`/runs/${reformRunId}/report.pdf?against=${baselineRunId}`, `/runs/${reformRunId}/report.html?against=${baselineRunId}`])
    const html = await fetch(`${server.base}${reports[1]}`)
    expect(html.status).toBe(200)
    expect(await html.text()).toContain(`Budget impact against ${BASELINE}`)
  })

  it('follows its address: a pasted address, Back and Forward show the run they name', async () => {
    // open the baseline from the list: a new history entry
    await page.locator(`#history tr[data-run="${baselineRunId}"]`).getByRole('button', { name: /^Open run/ }).click()
    await expectShown(baselineRunId)
    expect(baselineIdFromUrl()).toBeNull()
    expect(await text(page.locator('#run-title'))).toBe('Guangzhou S&T service programmes 2015-2017, baseline')
    // Back: the reform with its baseline again; Forward: the baseline
    await page.goBack()
    await expectShown(reformRunId)
    expect(baselineIdFromUrl()).toBe(baselineRunId)
    await page.locator('#comparison figure[data-chart="difference"][data-drawn="true"]').waitFor()
    expect(await text(page.locator('#run-title'))).toBe(REFORM_TITLE)
    await page.goForward()
    await expectShown(baselineRunId)
    await waitForResults()
    expect(await page.locator('#comparison').count()).toBe(0)
    // an address pasted over the current one
    await page.evaluate((id) => (location.hash = `#run=${id}`), reformRunId)
    await expectShown(reformRunId)
    await waitForResults()
    expect(await text(page.locator('#run-title'))).toBe(REFORM_TITLE)
    expect(await page.locator('#comparison').count()).toBe(0)
    // and the page's own links within it leave the address alone
    await page.focus('.skip-link')
    await page.keyboard.press('Enter')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('results')
    expect(runIdFromUrl()).toBe(reformRunId)
    await expectShown(reformRunId)
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

  it('holds together on a phone: nothing that matters is cut', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await expect
      .poll(() => page.locator('figure[data-chart="histogram"] svg').evaluate((s) => s.getBoundingClientRect().width), { timeout: 10_000 })
      .toBeLessThanOrEqual(360)
    await page.locator('figure[data-chart="histogram"][data-drawn="true"]').waitFor()
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await expect.poll(() => chartTextProblems(page)).toEqual([])
    expect(await captionProblems(page)).toEqual([])
    // a wide table scrolls within its card, its row headers staying in view
    expect(await keyCellsOutOfView(page, 'by-level', ['Year and level'])).toEqual([])
    await page.evaluate(() => document.querySelector('.run-head')!.scrollIntoView())
    await screenshot('page-390.png')
  })

  it('takes the planner to the answer on a phone, after a run and for a comparison', async () => {
    // a new run: the results are far below the editor on a phone
    await page.selectOption('#preset', BASELINE)
    await expect.poll(() => page.inputValue('#f-trials')).toBe('10,000')
    await page.selectOption('#compare', 'none')
    await page.fill('#f-trials', '300')
    await expect.poll(() => text(page.locator('#figures-state')), { timeout: 10_000 }).toMatch(/checked by the server/)
    const top = await page.evaluate(() => document.getElementById('headline')?.getBoundingClientRect().top ?? document.getElementById('results')!.getBoundingClientRect().top)
    expect(top).toBeGreaterThan(844) // the results start below the screen
    await page.click('#run')
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), { timeout: 60_000 }).toBe('headline-h')
    expect(await inViewport(page, '#headline')).toBe(true)
    await waitForResults()
    // a comparison: its answer first, in view (the reform and its baseline ran already, so both are reused)
    await page.selectOption('#preset', 'reform-cap-3m')
    await expect.poll(() => page.locator('#compare').inputValue()).toBe(BASELINE)
    await page.fill('#f-trials', String(TRIALS))
    await expect.poll(() => text(page.locator('#figures-state')), { timeout: 10_000 }).toMatch(/checked by the server/)
    await page.click('#run')
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), { timeout: 60_000 }).toBe('comparison-h')
    expect(runIdFromUrl()).toBe(reformRunId)
    expect(await inViewport(page, '#comparison')).toBe(true)
    await page.locator('#comparison figure[data-chart="difference"][data-drawn="true"]').waitFor()
    await waitForResults()
    await expect.poll(() => chartTextProblems(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
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
    await expect.poll(() => page.inputValue('#f-programmes-tech-transaction-subsidy-cap')).toBe('400 万元')
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

    const shownBefore = runIdFromUrl()
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
    await expect.poll(() => runIdFromUrl(), { timeout: 60_000 }).not.toBe(shownBefore)
    const runId = runIdFromUrl()
    await expectShown(runId)
    await waitForResults()
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

  it('reuses a finished run of the same scenario, trials and seed, and runs it again when asked', async () => {
    await page.selectOption('#preset', BASELINE)
    await expect.poll(() => page.inputValue('#f-trials')).toBe('10,000')
    await page.selectOption('#compare', 'none')
    await page.fill('#f-trials', String(TRIALS))
    await expect.poll(() => text(page.locator('#figures-state')), { timeout: 10_000 }).toMatch(/checked by the server/)
    const before = (await api<{ total: number }>('/runs')).total
    const posted: string[] = []
    const onRequest = (r: { method: () => string; url: () => string }) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/runs') posted.push(r.url())
    }
    page.on('request', onRequest)
    await page.click('#run')
    await expectShown(baselineRunId)
    await waitForResults()
    expect(await text(page.locator('#run-reused'))).toContain(`This scenario already ran with these trials and seed (run ${baselineRunId.slice(0, 8)}`)
    expect(posted).toEqual([])
    expect((await api<{ total: number }>('/runs')).total).toBe(before)
    // "run again anyway" submits it
    await page.click('#run-again')
    await expect.poll(() => posted.length, { timeout: 10_000 }).toBe(1)
    await expect.poll(() => runIdFromUrl(), { timeout: 60_000 }).not.toBe(baselineRunId)
    await waitForResults()
    const again = runIdFromUrl()
    await expectShown(again)
    expect(await api<{ scenario_hash: string; trials: number }>(`/runs/${again}`)).toMatchObject({ scenario_hash: (await api<{ scenario_hash: string }>(`/runs/${baselineRunId}`)).scenario_hash, trials: TRIALS })
    expect((await api<{ total: number }>('/runs')).total).toBe(before + 1)
    page.off('request', onRequest)
  })

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([])
  })
})
