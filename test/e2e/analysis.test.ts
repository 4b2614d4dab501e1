// Why: proof that the page's decision analysis works end to end: headless Debian Chromium asks the
// real server for a tornado of the scenario in the editor, follows its runs over server-sent events,
// draws it, and every number shown (the table's cells, the chart's bars, the contribution to
// variance) is GET /analyses/:id's; Analyse waits while a field is incomplete or wrong and the
// server's problems (`ranges[1]`) appear beside their fields; an analysis can be cancelled; a goal
// seek shows the API's answer, its uncertainty and the points evaluated; an earlier analysis reopens
// from the list; "run until precise" sends `precision` with the trials as the maximum and says, as
// the API does, whether the target was met and at how many trials (a reform's baseline then runs on
// the trials the reform stopped at, so both share their draws); the print view keeps the
// analysis and a comparison's budget-impact table; nothing is cut at 1280 px or on a phone. Runs are
// small (300 trials) so the suite stays fast.
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Analysis, GoalSeekResult, Run, TornadoResult } from '../../web/src/api/types'
import { formatParameterValue, formatStatistic, formatStatisticChange } from '../../web/src/format/analysis'
import { formatPercent } from '../../web/src/format/odds'
import { launchBrowser, type Browser } from './browser'
import { captionProblems, chartTextProblems, keyCellsOutOfView } from './layout'
import { repoRoot, startServer, type RunningServer } from './server'

const TRIALS = 300
const BASELINE = 'guangzhou-2015-2017-baseline'
const APPROPRIATION = 'appropriations.municipal.2017'
const CAP = 'programmes.tech-transaction-subsidy.cap'
/** screenshots to look at (gitignored) */
const shot = (name: string) => join(repoRoot, 'test/e2e/screenshots', `${name}.tmp.png`)

let server: RunningServer
let browser: Browser
let page: Page
const pageErrors: string[] = []
let tornadoId = ''
let cancelledId = ''
let goalSeekId = ''

const api = async <T>(path: string): Promise<T> => {
  const r = await fetch(`${server.base}${path}`)
  expect(r.status, `GET ${path}`).toBe(200)
  return (await r.json()) as T
}

async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim()
}

/** Every keyed cell in `scope`: its key, raw value and own text (without a keyed error inside it). */
function keyedCells(scope: string): Promise<Map<string, { value: string; text: string }>> {
  return page
    .locator(`${scope} [data-key]`)
    .evaluateAll((els) =>
      els.map((el) => [
        el.getAttribute('data-key')!,
        {
          value: el.getAttribute('data-value')!,
          text: [...el.childNodes]
            .filter((n) => n.nodeType === Node.TEXT_NODE || !(n as Element).hasAttribute('data-key'))
            .map((n) => n.textContent)
            .join('')
            .trim(),
        },
      ]),
    )
    .then((entries) => new Map(entries as [string, { value: string; text: string }][]))
}

/** A standard error as the analysis tables write it: "± 75.1 万元", "± 0.41 pp". */
const seText = (statistic: string, se: number) => `± ${formatStatisticChange(statistic, se).replace(/^\+/, '')}`

/** Submit the analysis box and wait for its analysis to end; returns the request body and the analysis. */
async function analyse(): Promise<{ body: Record<string, unknown>; analysis: Analysis }> {
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/analyses')
  await page.click('#analyse')
  const response = await answered
  expect(response.status()).toBe(202)
  const body = response.request().postDataJSON() as Record<string, unknown>
  const { id } = (await response.json()) as Analysis
  const row = page.locator(`#analysis-progress .progress-row[data-analysis="${id}"]`)
  await expect.poll(() => row.getAttribute('data-status'), { timeout: 120_000 }).toMatch(/^(done|failed)$/)
  await expect.poll(() => page.locator('#analysis').getAttribute('data-analysis'), { timeout: 10_000 }).toBe(id)
  return { body, analysis: await api<Analysis>(`/analyses/${id}`) }
}

describe('decision analysis on the page', () => {
  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
    page = await browser.context.newPage()
    page.on('pageerror', (e) => pageErrors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text())
    })
    await page.goto(server.base)
    await page.locator('body[data-ready="true"]').waitFor()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('waits with Analyse while a field is incomplete or wrong, and says which', async () => {
    // the defaults ask a complete question of the preset in the editor
    await expect.poll(() => page.isEnabled('#analyse')).toBe(true)
    expect(await page.isHidden('#analysis-blocked')).toBe(true)
    expect(await page.inputValue('#a-level')).toBe('municipal')
    expect(await page.inputValue('#a-year')).toBe('2017')
    // what only the page can see, beside its field
    await page.fill('#a-trials', 'many')
    await expect.poll(() => text(page.locator('#a-trials-error'))).toBe('enter a number such as 1,000, not "many"')
    expect(await page.getAttribute('#a-trials', 'aria-invalid')).toBe('true')
    expect(await page.isDisabled('#analyse')).toBe(true)
    expect(await text(page.locator('#analysis-blocked'))).toBe('Complete or correct Trials of each run, then analyse.')
    await page.fill('#a-trials', String(TRIALS))
    expect(await page.isHidden('#a-trials-error')).toBe(true)
    await page.fill('#a-vectors', '8')
    await page.fill('#a-tpv', '4')
    expect(await page.isEnabled('#analyse')).toBe(true)
    // a range of the planner's own: its empty ends are asked for, not scolded before they are typed
    await page.click('#a-add-range')
    expect(await page.isDisabled('#analyse')).toBe(true)
    expect(await text(page.locator('#analysis-blocked'))).toBe('Complete or correct Range 1: low, Range 1: high, then analyse.')
    expect(await page.isHidden('#a-range-0-low-error')).toBe(true)
    await page.selectOption('#a-range-0-path', APPROPRIATION)
    expect(await text(page.locator('#a-range-0-path-hint'))).toBe('now 2.1 亿元; in 万, 亿 or yuan')
    await page.fill('#a-range-0-low', '2.5亿')
    await page.fill('#a-range-0-high', '1.5亿')
    await expect.poll(() => text(page.locator('#a-range-0-error'))).toBe('the low must not exceed the high')
    for (const end of ['low', 'high']) expect(await page.getAttribute(`#a-range-0-${end}`, 'aria-invalid')).toBe('true')
    expect(await page.isDisabled('#analyse')).toBe(true)
    await page.fill('#a-range-0-low', '15,000万')
    await page.fill('#a-range-0-high', '250,000,000')
    expect(await page.isHidden('#a-range-0-error')).toBe(true)
    expect(await page.isEnabled('#analyse')).toBe(true)
  })

  it('puts the server’s problem beside the field it names, and waits until that field is edited', async () => {
    await page.click('#a-add-range')
    await page.selectOption('#a-range-1-path', 'programmes.tech-transaction-subsidy.approval_rate')
    await page.fill('#a-range-1-low', '50%')
    await page.fill('#a-range-1-high', '150%')
    const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/analyses')
    await page.click('#analyse')
    const response = await answered
    expect(response.status()).toBe(422)
    const problem = (await response.json()) as { errors: { path: string; message: string }[] }
    expect(problem.errors.map((e) => e.path)).toEqual(['ranges[1]'])
    await expect.poll(() => text(page.locator('#a-range-1-error'))).toBe(problem.errors[0].message)
    expect(problem.errors[0].message).toContain('must stay between 0 and 1, got 0.5 to 1.5')
    expect(await page.getAttribute('#a-range-1-high', 'aria-invalid')).toBe('true')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('a-range-1-low')
    expect(await text(page.locator('#analysis-problem'))).toContain('The analysis was not started')
    expect(await page.isDisabled('#analyse')).toBe(true)
    expect(await text(page.locator('#analysis-blocked'))).toContain('Range 2')
    expect((await api<{ total: number }>('/analyses')).total).toBe(0)
    // edited, the server's verdict goes; removed, the range before it keeps its place
    await page.fill('#a-range-1-high', '95%')
    expect(await page.isHidden('#a-range-1-error')).toBe(true)
    expect(await page.isEnabled('#analyse')).toBe(true)
    await page.locator('fieldset.range-row[data-index="1"] button.remove-range').click()
    expect(await page.locator('fieldset.range-row').count()).toBe(1)
    expect(await page.inputValue('#a-range-0-path')).toBe(APPROPRIATION)
  })

  it('draws the tornado of the scenario in the editor with the numbers of GET /analyses/:id', async () => {
    const { body, analysis } = await analyse()
    expect(body).toEqual({
      kind: 'sensitivity',
      preset: BASELINE,
      trials: TRIALS,
      target: { measure: 'demand', level: 'municipal', year: 2017, statistic: 'mean' },
      ranges: [{ path: APPROPRIATION, low: 150_000_000, high: 250_000_000 }],
      contribution: { vectors: 8, trials_per_vector: 4 },
    })
    expect(analysis.status).toBe('done')
    tornadoId = analysis.id
    const r = analysis.result as TornadoResult
    const s = r.statistic
    // followed to the end, and the planner is taken to the answer
    expect(await text(page.locator('#analysis-progress .progress-text'))).toBe(`${analysis.progress.runs} of ${analysis.progress.runs} runs · done`)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('analysis-title')
    expect(await text(page.locator('#analysis-title'))).toBe('Which parameters move the mean outlay, municipal level, 2017?')
    await page.locator('#analysis figure[data-chart="tornado"][data-drawn="true"] svg').waitFor()
    await page.locator('#analysis figure[data-chart="contribution"][data-drawn="true"] svg').waitFor()

    // the base, as the lead sentence says it
    const lead = page.locator('#analysis .analysis-lead')
    expect(Number(await lead.getAttribute('data-base'))).toBe(r.base.value)
    expect(await text(lead.locator('.base-value'))).toBe(`${formatStatistic(s, r.base.value)} ${seText(s, r.base.se!)}`)

    // every bar of the table, in the API's order (largest swing first), every number the API's
    expect(r.bars.length).toBeGreaterThan(5)
    const rows = page.locator('#analysis table[data-table="tornado"] tbody tr')
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-parameter')))).toEqual(r.bars.map((b) => b.parameter))
    const cells = await keyedCells('#analysis table[data-table="tornado"]')
    for (const b of r.bars) {
      const cell = (c: string) => cells.get(`tornado|${b.parameter}|${c}`)!
      for (const [c, v] of [
        ['low_input', b.low.input],
        ['high_input', b.high.input],
        ['low', b.low.value],
        ['high', b.high.value],
        ['swing', b.swing],
        ['swing_se', b.swing_se],
      ] as const)
        expect(Number(cell(c).value), `${b.parameter} ${c}`).toBe(v)
      expect(cell('low_input').text).toBe(formatParameterValue(b.low.input, b.unit))
      expect(cell('high_input').text).toBe(formatParameterValue(b.high.input, b.unit))
      expect(cell('low').text).toBe(formatStatistic(s, b.low.value))
      expect(cell('high').text).toBe(formatStatistic(s, b.high.value))
      expect(cell('swing').text).toBe(`${formatStatisticChange(s, b.swing)}${b.crosses_zero ? ' *' : ''}`)
      expect(cell('swing_se').text).toBe(seText(s, b.swing_se!))
      // a swing whose 95% interval contains zero is marked, and only such a one
      expect(await page.locator(`#analysis table[data-table="tornado"] tr[data-parameter="${b.parameter}"]`).getAttribute('class'), b.parameter).toBe(b.crosses_zero ? 'noise' : '')
    }
    // the appropriation does not move the mean outlay: no swing, marked as noise
    const own = r.bars.find((b) => b.parameter === APPROPRIATION)!
    expect(own).toMatchObject({ source: 'request', swing: 0, crosses_zero: true, low: { input: 150_000_000 }, high: { input: 250_000_000 } })
    expect(r.bars[0].crosses_zero).toBe(false)

    // the chart draws the same bars: each end's value, top to bottom in the API's order
    const drawn = async (mark: string) =>
      page.locator(`#analysis figure[data-chart="tornado"] g[aria-description="${mark}"] rect`).evaluateAll((rects) =>
        rects.map((rect) => ({ parameter: rect.getAttribute('data-parameter')!, value: Number(rect.getAttribute('data-value')), y: rect.getBoundingClientRect().top })),
      )
    for (const [mark, end] of [
      ['at its low', 'low'],
      ['at its high', 'high'],
    ] as const) {
      const bars = await drawn(mark)
      expect(bars.map((d) => [d.parameter, d.value])).toEqual(r.bars.map((b) => [b.parameter, b[end].value]))
      expect([...bars].sort((a, b) => a.y - b.y).map((d) => d.parameter)).toEqual(r.bars.map((b) => b.parameter))
    }
    expect(await page.locator('#analysis figure[data-chart="tornado"] g[aria-description="noise"] rect').count()).toBe(2 * r.bars.filter((b) => b.crosses_zero).length)
    const swingLabels = await page.locator('#analysis figure[data-chart="tornado"] g[aria-description="swing"] text').allTextContents()
    expect(swingLabels[0]).toBe(`${formatStatisticChange(s, r.bars[0].swing)} ${seText(s, r.bars[0].swing_se!)}`)
    expect(swingLabels.filter((t) => t.endsWith(' *'))).toHaveLength(r.bars.filter((b) => b.crosses_zero).length)

    // the contribution to variance: every share, in the table and as drawn
    const c = r.contribution!
    expect(c).toMatchObject({ vectors: 8, trials_per_vector: 4 })
    const contribution = await keyedCells('#analysis table[data-table="contribution"]')
    for (const p of c.parameters) {
      expect(Number(contribution.get(`contribution|${p.parameter}|share`)!.value)).toBe(p.share)
      expect(contribution.get(`contribution|${p.parameter}|share`)!.text).toBe(formatPercent(p.share))
      expect(Number(contribution.get(`contribution|${p.parameter}|rank_correlation`)!.value)).toBe(p.rank_correlation)
    }
    const shares = await page.locator('#analysis figure[data-chart="contribution"] g[aria-description="share"] rect').evaluateAll((rects) => rects.map((rect) => [rect.getAttribute('data-parameter'), Number(rect.getAttribute('data-value'))]))
    expect(shares).toEqual(c.parameters.map((p) => [p.parameter, p.share]))

    // the report to file, and the list of analyses
    const reports = await page.locator('#analysis a[data-report]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
    expect(reports).toEqual([`/analyses/${tornadoId}/report.pdf`, `/analyses/${tornadoId}/report.html`])
    const html = await fetch(`${server.base}${reports[1]}`)
    expect(html.status).toBe(200)
    expect(await html.text()).toContain('Contribution to variance')
    await expect.poll(() => page.locator(`#analysis-history tr[data-analysis="${tornadoId}"]`).getAttribute('aria-current')).toBe('true')
    for (const key of ['swing', 'contribution', 'standard-error']) expect(await page.locator(`#analysis .term[data-term="${key}"]`).count(), key).toBeGreaterThan(0)

    // the columns that matter are in view at 1280 px, and nothing of the charts is cut
    expect(await keyCellsOutOfView(page, 'tornado', ['Parameter', 'Origin', 'Low', 'High', 'At low', 'At high', 'Swing'])).toEqual([])
    await page.locator('#analysis').screenshot({ path: shot('tornado-1280'), animations: 'disabled' })
    await page.locator('.analysis-box').screenshot({ path: shot('analysis-box-1280'), animations: 'disabled' })
    expect(await chartTextProblems(page)).toEqual([])
    expect(await captionProblems(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280)
  })

  it('cancels an analysis, and keeps the answer on screen', async () => {
    await page.fill('#a-trials', '20,000')
    await page.click('#analyse')
    const row = page.locator('#analysis-progress .progress-row')
    await expect.poll(() => row.getAttribute('data-analysis')).not.toBe(tornadoId)
    await expect.poll(() => page.isEnabled('#analysis-cancel'), { timeout: 10_000 }).toBe(true)
    expect(await page.isDisabled('#analyse')).toBe(true)
    cancelledId = (await row.getAttribute('data-analysis'))!
    await page.click('#analysis-cancel')
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled')
    await expect.poll(() => text(page.locator('#analysis-status'))).toBe('The analysis was cancelled.')
    expect((await api<Analysis>(`/analyses/${cancelledId}`)).status).toBe('cancelled')
    expect(await page.getAttribute('#analysis', 'data-analysis')).toBe(tornadoId)
    expect(await page.isEnabled('#analyse')).toBe(true)
    await page.fill('#a-trials', String(TRIALS))
  })

  it('seeks a goal and shows the API’s answer, its uncertainty and the points evaluated', async () => {
    await page.check('#a-kind-goal_seek')
    expect(await page.isVisible('#a-goal')).toBe(true)
    expect(await page.isHidden('#a-sensitivity')).toBe(true)
    await page.selectOption('#a-statistic', 'p_exceed')
    await page.selectOption('#a-parameter', CAP)
    expect(await text(page.locator('#a-parameter-hint'))).toBe('now 500 万元; typed in its unit (300万 or 3,000,000)')
    // the target is asked for before anything is sent
    expect(await page.isDisabled('#analyse')).toBe(true)
    expect(await text(page.locator('#analysis-blocked'))).toBe('Complete or correct Target value, then analyse.')
    await page.fill('#a-value', '150%')
    await expect.poll(() => text(page.locator('#a-value-error'))).toBe('a chance is between 0% and 100%, not 150%')
    await page.fill('#a-value', '10%')
    await page.fill('#a-interval-low', '100万')
    await page.fill('#a-interval-high', '500万')
    await page.fill('#a-replicates', '2')
    expect(await page.isEnabled('#analyse')).toBe(true)
    const { body, analysis } = await analyse()
    expect(body).toEqual({
      kind: 'goal_seek',
      preset: BASELINE,
      trials: TRIALS,
      parameter: CAP,
      target: { measure: 'demand', level: 'municipal', year: 2017, statistic: 'p_exceed', op: '<=', value: 0.1 },
      interval: [1_000_000, 5_000_000],
      replicates: 2,
    })
    expect(analysis.status).toBe('done')
    goalSeekId = analysis.id
    const r = analysis.result as GoalSeekResult
    expect(r).toMatchObject({ method: 'bisection', current: 5_000_000, interval: [1_000_000, 5_000_000], interval_source: 'request' })
    expect(r.at_answer.value).toBeLessThanOrEqual(0.1)

    // the answer, its uncertainty, the chance there and the value now, as the API gives them
    expect(Number(await page.getAttribute('#analysis .analysis-lead', 'data-answer'))).toBe(r.answer)
    expect(await text(page.locator('#analysis .goal-answer'))).toBe(formatParameterValue(r.answer, 'CNY'))
    const facts = await keyedCells('#analysis .goal-facts')
    expect(Number(facts.get('goal|answer')!.value)).toBe(r.answer)
    expect(Number(facts.get('goal|uncertainty')!.value)).toBe(r.answer_sd)
    expect(facts.get('goal|uncertainty')!.text).toContain(`± ${formatParameterValue(r.answer_sd, 'CNY')}`)
    expect(Number(facts.get('goal|at_answer')!.value)).toBe(r.at_answer.value)
    expect(facts.get('goal|at_answer')!.text).toContain(formatPercent(r.at_answer.value))
    expect(Number(facts.get('goal|current')!.value)).toBe(5_000_000)
    expect(await text(page.locator('#analysis-title'))).toBe('Technology transaction subsidy: cap so that the chance of overrunning the appropriation (municipal level, 2017) is at most 10.0%')

    // every point evaluated, in the table and on the chart
    const points = await keyedCells('#analysis table[data-table="goal-seek-points"]')
    expect(await page.locator('#analysis table[data-table="goal-seek-points"] tbody tr').count()).toBe(r.points.length)
    for (const p of r.points) {
      expect(Number(points.get(`point|${p.input}|value`)!.value)).toBe(p.value)
      expect(points.get(`point|${p.input}|value`)!.text).toBe(formatPercent(p.value))
      expect(points.get(`point|${p.input}|met`)!.value).toBe(String(p.met))
    }
    await page.locator('#analysis figure[data-chart="goal-seek"][data-drawn="true"] svg').waitFor()
    expect(await page.locator('#analysis figure[data-chart="goal-seek"] g[aria-description="points"] circle').count()).toBe(r.points.length)
    expect(await page.locator('#analysis table[data-table="goal-seek-replicates"] tbody tr').count()).toBe(2)
    await page.locator('#analysis').screenshot({ path: shot('goal-seek-1280'), animations: 'disabled' })
    expect(await chartTextProblems(page)).toEqual([])
  })

  it('lists the analyses and opens an earlier one again', async () => {
    const rows = page.locator('#analysis-history tbody tr')
    await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-analysis')))).toEqual([goalSeekId, cancelledId, tornadoId])
    expect(await text(page.locator(`#analysis-history tr[data-analysis="${cancelledId}"] .status`))).toBe('Cancelled')
    await page.locator(`#analysis-history tr[data-analysis="${tornadoId}"]`).getByRole('button', { name: /^Open analysis/ }).click()
    await expect.poll(() => page.getAttribute('#analysis', 'data-analysis')).toBe(tornadoId)
    await page.locator('#analysis figure[data-chart="tornado"][data-drawn="true"] svg').waitFor()
    await page.click('#analysis-close')
    expect(await page.isHidden('#analysis')).toBe(true)
    await page.locator(`#analysis-history tr[data-analysis="${tornadoId}"]`).getByRole('button', { name: /^Open analysis/ }).click()
    await page.locator('#analysis figure[data-chart="tornado"][data-drawn="true"] svg').waitFor()
  })

  it('runs until precise: the maximum trials, the target met or not, at the trials the API reports', async () => {
    await page.fill('#f-trials', '2,000')
    await page.check('#precision-on')
    // the ± is asked for first, beside its field
    expect(await text(page.locator('#precision-se-error'))).toBe('enter the standard error you need, such as 50万 or 500,000')
    expect(await page.isDisabled('#run')).toBe(true)
    expect(await text(page.locator('#run-blocked'))).toBe('Enter the precision wanted (±), or untick Run until precise, then run.')
    await page.selectOption('#precision-statistic', 'mean')
    await page.selectOption('#precision-level', 'municipal')
    await page.selectOption('#precision-year', '2017')
    await page.fill('#precision-se', '50万')
    await expect.poll(() => text(page.locator('#figures-state')), { timeout: 10_000 }).toMatch(/checked by the server/)
    expect(await page.isEnabled('#run')).toBe(true)

    const runOnce = async (): Promise<{ body: Record<string, unknown>; run: Run }> => {
      const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/runs')
      const before = new URL(page.url()).hash
      await page.click('#run')
      const body = (await posted).postDataJSON() as Record<string, unknown>
      await expect.poll(() => new URL(page.url()).hash, { timeout: 60_000 }).not.toBe(before)
      const id = new URL(page.url()).hash.match(/run=([0-9a-f-]{36})/)![1]
      await page.locator('.precision-outcome').waitFor({ timeout: 60_000 })
      return { body, run: await api<Run>(`/runs/${id}`) }
    }
    const outcome = page.locator('#results-body .precision-outcome')

    // precise enough before the maximum
    const first = await runOnce()
    expect(first.body).toEqual({ preset: BASELINE, overrides: { trials: 2000 }, precision: [{ statistic: 'mean', level: 'municipal', year: 2017, measure: 'demand', se: 500_000 }] })
    const met = first.run.precision!
    expect(met).toMatchObject({ met: true, max_trials: 2000 })
    expect(first.run.trials).toBe(met.trials_used)
    expect(met.trials_used).toBeLessThan(2000)
    expect(await outcome.getAttribute('data-met')).toBe('true')
    expect(Number(await outcome.getAttribute('data-trials-used'))).toBe(met.trials_used)
    expect(Number(await outcome.getAttribute('data-max-trials'))).toBe(2000)
    const se = met.checks.at(-1)!.se[0]!
    expect(Number(await outcome.getAttribute('data-se'))).toBe(se)
    expect(await text(outcome)).toBe(
      `Run until precise: Precise enough at ${met.trials_used!.toLocaleString('en-US')} trials (of at most 2,000): the standard error of the mean outlay, municipal level, 2017 is ${formatStatistic('mean', se)} (asked: ± 50.0 万元).`,
    )
    expect(await text(page.locator('#run-status'))).toContain(`Precise enough at ${met.trials_used!.toLocaleString('en-US')} trials`)
    expect(await text(page.locator('#results-body .run-meta'))).toContain(`${met.trials_used!.toLocaleString('en-US')} trials`)

    // not precise enough at the maximum
    await page.fill('#f-trials', '1,400')
    await page.fill('#precision-se', '1万')
    await expect.poll(() => text(page.locator('#figures-state')), { timeout: 10_000 }).toMatch(/checked by the server/)
    const second = await runOnce()
    const notMet = second.run.precision!
    expect(notMet).toMatchObject({ met: false, trials_used: 1400, max_trials: 1400 })
    expect(notMet.checks.map((c) => c.trials)).toEqual([1000, 1400])
    expect(await outcome.getAttribute('data-met')).toBe('false')
    expect(Number(await outcome.getAttribute('data-trials-used'))).toBe(1400)
    expect(await text(outcome)).toContain(`Not precise enough at the maximum of 1,400 trials: the standard error of the mean outlay, municipal level, 2017 is ${formatStatistic('mean', notMet.checks.at(-1)!.se[0])} (asked: ± 1.00 万元)`)
    await page.locator('.run-box').screenshot({ path: shot('precision-run-box-1280'), animations: 'disabled' })
    await page.locator('#results-body .run-head').screenshot({ path: shot('precision-outcome-1280'), animations: 'disabled' })
    await page.uncheck('#precision-on')
    await page.fill('#f-trials', String(TRIALS))
  })

  it('runs a reform until precise beside its baseline, the baseline on the trials the reform stopped at', async () => {
    await page.selectOption('#preset', 'reform-cap-3m')
    await expect.poll(() => page.locator('#compare').inputValue()).toBe(BASELINE)
    await page.fill('#f-trials', '2,000')
    await page.check('#precision-on')
    await page.fill('#precision-se', '50万')
    await expect.poll(() => text(page.locator('#figures-state')), { timeout: 10_000 }).toMatch(/checked by the server/)
    await page.click('#run')
    await expect.poll(() => page.locator('#progress-area .progress-row[data-status="done"]').count(), { timeout: 60_000 }).toBe(2)
    await page.locator('#comparison table[data-table="impact"]').waitFor({ timeout: 60_000 })
    const hash = new URLSearchParams(new URL(page.url()).hash.slice(1))
    const [reform, baseline] = await Promise.all([api<Run>(`/runs/${hash.get('run')}`), api<Run>(`/runs/${hash.get('baseline')}`)])
    expect(reform.precision).toMatchObject({ met: true, max_trials: 2000 })
    expect(baseline).toMatchObject({ preset: BASELINE, trials: reform.precision!.trials_used, seed: reform.seed })
    expect((await api<{ trials: number }>(`/runs/${reform.id}/compare?against=${baseline.id}`)).trials).toBe(reform.trials)
    expect(await page.locator('#comparison table[data-table="impact"] tbody tr').count()).toBe(16)
    await page.uncheck('#precision-on')
  })

  it('prints the analysis, and a comparison with its budget-impact table', async () => {
    await page.locator('#comparison').screenshot({ path: shot('impact-1280'), animations: 'disabled' })
    await page.emulateMedia({ media: 'print' })
    try {
      for (const shown of ['#analysis-title', '#analysis figure[data-chart="tornado"] svg', '#analysis figure[data-chart="contribution"] svg', '#analysis table[data-table="tornado"]', '#comparison', '#comparison table[data-table="impact"]', '#headline'])
        expect(await page.locator(shown).first().isVisible(), shown).toBe(true)
      for (const hidden of ['.editor', '.analysis-box', '#analysis-history', '#history', '.analysis-reports', '#analysis-close'])
        expect(await page.locator(hidden).first().isVisible(), hidden).toBe(false)
      const styles = await page.evaluate(() => ({
        figure: getComputedStyle(document.querySelector('#analysis figure[data-chart="tornado"]')!).breakInside,
        row: getComputedStyle(document.querySelector('table[data-table="impact"] tbody tr')!).breakInside,
        head: getComputedStyle(document.querySelector('table[data-table="impact"] thead')!).display,
      }))
      expect(styles).toEqual({ figure: 'avoid', row: 'avoid', head: 'table-header-group' })
    } finally {
      await page.emulateMedia({ media: null })
    }
  })

  it('holds together on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await expect.poll(() => page.locator('#analysis figure[data-chart="tornado"] svg').evaluate((s) => s.getBoundingClientRect().width), { timeout: 10_000 }).toBeLessThanOrEqual(360)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await expect.poll(() => chartTextProblems(page)).toEqual([])
    expect(await captionProblems(page)).toEqual([])
    expect(await keyCellsOutOfView(page, 'tornado', ['Parameter'])).toEqual([])
    await page.locator('#analysis').screenshot({ path: shot('tornado-390'), animations: 'disabled' })
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([])
  })
})
