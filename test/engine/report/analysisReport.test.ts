// The report of a decision analysis: the same words and numbers as the page (statistics, swings,
// parameter values and names), the tornado, contribution and goal-seek charts drawn from the
// numbers given, and the sections a tornado, a goal seek and a budget impact add, every number
// keyed with its raw value.
import { describe, expect, it } from 'vitest'
import type { ImpactRow } from '../../../engine/analysis/budgetImpact.js'
import { buildAnalysisReport, type GoalSeekReportResult, type TornadoReportResult } from '../../../engine/report/analysisReport.js'
import { budgetImpactSection } from '../../../engine/report/budgetImpactSection.js'
import { renderReportHtml } from '../../../engine/report/document.js'
import * as report from '../../../engine/report/format.js'
import { contributionSvg, goalSeekSvg, tornadoSvg, type TornadoChartBar } from '../../../engine/report/svgCharts.js'
import { runMetadata } from '../../../engine/results/metadata.js'
import { createRunSpec } from '../../../engine/run/RunSpec.js'
import { loadPresetData } from '../../../engine/scenario/presets.js'
import { resolveScenario } from '../../../engine/scenario/resolveScenario.js'
import { scenarioView } from '../../../engine/scenario/scenarioView.js'
import * as page from '../../../web/src/format/analysis'
import { fact, keyedCells } from '../../helpers/reportHtml.js'

const spec = createRunSpec(resolveScenario(loadPresetData('guangzhou-2015-2017-baseline')), { trials: 300 })
const scenario = scenarioView(spec)
const titles = new Map(scenario.programmes.map((p) => [p.id, p.title]))

const bar = (parameter: string, unit: string, low: [number, number], high: [number, number], se: number | null, extra: Partial<TornadoReportResult['bars'][number]> = {}): TornadoReportResult['bars'][number] => ({
  parameter,
  origin: 'assumption',
  unit,
  value: (low[0] + high[0]) / 2,
  source: 'seed',
  rationale: 'a range the seed gives',
  years: null,
  low: { input: low[0], value: low[1], se: 1e5 },
  high: { input: high[0], value: high[1], se: 1e5 },
  swing: high[1] - low[1],
  swing_se: se,
  crosses_zero: se === null ? null : Math.abs(high[1] - low[1]) <= 1.96 * se,
  ...extra,
})

const tornado: TornadoReportResult = {
  statistic: 'mean',
  target: { measure: 'demand', level: 'municipal', year: 2017, statistic: 'mean' },
  trials: 300,
  seed: '20150827',
  base: { value: 197_410_178, se: 908_840 },
  bars: [
    bar('programmes.tech-transaction-subsidy.approval_rate', 'share', [0.7, 168_212_772], [0.95, 216_797_714], 476_684),
    bar('programmes.tech-transaction-subsidy.cap', 'CNY', [2_000_000, 190_346_791], [8_000_000, 198_531_076], 331_394, { origin: 'policy', source: 'request', rationale: null }),
    bar('programmes.torch-pilot-matching.approval_rate', 'share', [0.7, 197_410_178], [1, 197_410_178], 0, { years: [2016, 2017] }),
  ],
  contribution: {
    method: 'contribution to variance',
    vectors: 8,
    trials_per_vector: 4,
    parameters: [
      { parameter: 'programmes.tech-transaction-subsidy.approval_rate', rank_correlation: 0.79, share: 0.9936 },
      { parameter: 'programmes.tech-transaction-subsidy.cap', rank_correlation: -0.063, share: 0.0064 },
      { parameter: 'programmes.torch-pilot-matching.approval_rate', rank_correlation: 0, share: 0 },
    ],
  },
  skipped: [{ parameter: 'programmes.testing-certification-award.funding.municipal', reason: 'no other level to take the rest' }],
}

const goalSeek: GoalSeekReportResult = {
  method: 'bisection',
  parameter: 'programmes.tech-transaction-subsidy.cap',
  unit: 'CNY',
  origin: 'policy',
  current: 5_000_000,
  target: { measure: 'demand', level: 'municipal', year: 2017, statistic: 'p_exceed' },
  condition: { statistic: 'p_exceed', op: '<=', value: 0.1 },
  interval: [1_000_000, 5_000_000],
  interval_source: 'request',
  trials: 300,
  seed: '20150827',
  answer: 2_792_968.75,
  answer_sd: 153_408.4,
  answer_se: null,
  at_answer: { value: 0.1, se: 0.0178 },
  replicates: [
    { seed: '20150827', answer: 2_792_968.75, error: null },
    { seed: '20150827:goal-seek-replicate-1', answer: 2_488_281.25, error: null },
    { seed: '20150827:goal-seek-replicate-2', answer: null, error: { code: 'GOAL_NOT_BRACKETED', message: 'met at both ends' } },
  ],
  points: [
    { input: 1_000_000, value: 0, se: 0, met: true },
    { input: 2_792_968.75, value: 0.1, se: 0.0178, met: true },
    { input: 2_800_000, value: 0.1033, se: 0.018, met: false },
    { input: 5_000_000, value: 0.17, se: 0.02, met: false },
  ],
  iterations: 10,
  resolution: 3906.25,
}

const cells = (markup: string) => new Map(keyedCells(markup).map((c) => [c.key, c]))
/** The text of a goal seek's fact (its <dd> carries the raw value too). */
const answerFact = (markup: string, name: string) => fact(markup.replace(new RegExp(`<dd data-fact="${name}" data-value="[^"]*">`), `<dd data-fact="${name}">`), name)

describe("the report writes an analysis's figures and parameters as the page does", () => {
  it('statistics and their changes: amounts by the page’s rule, chances in per cent and percentage points', () => {
    for (const statistic of ['mean', 'p95', 'p_exceed'])
      for (const v of [0, 0.0004, 0.042, -0.0123, 0.5, 1, 12_345, -2_229_000, 197_410_178, null, Number.NaN]) {
        expect(report.formatStatistic(statistic, v), `${statistic} ${v}`).toBe(page.formatStatistic(statistic, v))
        expect(report.formatStatisticChange(statistic, v), `${statistic} ${v}`).toBe(page.formatStatisticChange(statistic, v))
      }
    expect(page.formatStatisticChange('p_exceed', 0.042)).toBe('+4.2 pp')
    expect(page.formatStatisticChange('p_exceed', -0.0123)).toBe('\u22121.2 pp')
    expect(page.formatStatisticChange('p_exceed', 0)).toBe('0.0 pp')
    expect(page.formatStatisticChange('mean', 48_584_942)).toBe('+4,858 万元')
    expect(page.formatStatistic('mean', 197_410_178)).toBe('1.97 亿元')
  })

  it('parameter values in their unit, and parameter paths in words', () => {
    const values: [number | null, string, string][] = [
      [800_000, 'CNY', '80 万元'],
      [2_792_968.75, 'CNY', '279 万元'],
      [219_816_701, 'CNY', '2.20 亿元'],
      [170_000_000, 'CNY', '1.7 亿元'],
      [0.85, 'share', '85%'],
      [0.0123456, 'share', '1.23%'],
      [0.067, 'a year', '6.7% a year'],
      [1200, 'applicants a year', '1,200'],
      [0.2, 'contracts', '0.2'],
      [1.6, '1', '1.6'],
      [2.345678, 'ratio', '2.346'],
      [null, 'CNY', '–'],
    ]
    for (const [v, unit, text] of values) {
      expect(page.formatParameterValue(v, unit), `${v} ${unit}`).toBe(text)
      expect(report.formatParameterValue(v, unit), `${v} ${unit}`).toBe(text)
    }
    const paths: [string, number[] | null, string][] = [
      ['programmes.tech-transaction-subsidy.approval_rate', null, 'Technology transaction subsidy: approval rate'],
      ['programmes.tech-transaction-subsidy.contract_value.lognormal.median', null, 'Technology transaction subsidy: contract value (lognormal median)'],
      ['programmes.tech-transaction-subsidy.rate', [2018, 2019, 2020], 'Technology transaction subsidy: rate (2018–2020)'],
      ['programmes.torch-pilot-matching.matching.provincial.ratio', [2016, 2018], 'Torch S&T service system pilot support with provincial matching: matching (provincial ratio) (2016, 2018)'],
      ['programmes.unknown-programme.quota.per_year', null, 'unknown-programme: quota (per year)'],
      ['appropriations.municipal.2017', null, 'Municipal appropriation 2017'],
    ]
    for (const [path, years, text] of paths) {
      expect(page.parameterLabel(path, titles, years), path).toBe(text)
      expect(report.parameterLabel(path, titles, years), path).toBe(text)
    }
    const target = { statistic: 'p_exceed', level: 'municipal', year: 2017, measure: 'demand' }
    expect(report.figureText(target)).toBe(page.figureText(target))
    expect(page.figureText({ statistic: 'mean', level: 'all', year: 'all', measure: 'paid' })).toBe('mean outlay (paid), all levels, all years')
  })
})

describe('analysis charts', () => {
  const chartBars: TornadoChartBar[] = tornado.bars.map((b) => ({ ...b, label: page.parameterLabel(b.parameter, titles, b.years) }))

  it('draws the tornado from the base to the figure at each low and high, largest swing first, with the swing and its error, marking noise', () => {
    const svg = tornadoSvg(chartBars, { id: 't', label: 'Tornado', statistic: 'mean', base: tornado.base.value, axisTitle: 'Mean outlay', inputText: (b, end) => page.formatParameterValue(b[end].input, 'share') }).text
    const groups = [...svg.matchAll(/<g class="tornado-bar" data-parameter="([^"]+)" data-swing="([^"]+)" data-swing-se="([^"]*)" data-crosses-zero="([^"]*)">([\s\S]*?)<\/g>/g)]
    expect(groups.map((g) => g[1])).toEqual(tornado.bars.map((b) => b.parameter))
    // the base line, and each segment from it to the figure at the low and at the high
    const base = Number(/<g class="base" data-value="[^"]+"><line x1="([^"]+)"/.exec(svg)![1])
    groups.forEach((g, i) => {
      const b = tornado.bars[i]
      expect(Number(g[2])).toBe(b.swing)
      expect(g[4]).toBe(String(b.crosses_zero))
      const rects = Object.fromEntries([...g[5].matchAll(/<rect class="(low|high)" data-input="([^"]+)" data-value="([^"]+)" x="([^"]+)" y="[^"]+" width="([^"]+)"/g)].map((m) => [m[1], { input: Number(m[2]), value: Number(m[3]), x: Number(m[4]), w: Number(m[5]) }]))
      expect(rects.low).toMatchObject({ input: b.low.input, value: b.low.value })
      expect(rects.high).toMatchObject({ input: b.high.input, value: b.high.value })
      // the higher figure's segment reaches further right than the lower's
      const right = (r: { x: number; w: number }) => r.x + r.w
      if (b.high.value > tornado.base.value) expect(right(rects.high)).toBeGreaterThan(base)
      if (b.low.value < tornado.base.value) expect(rects.low.x).toBeLessThan(base)
      expect(g[5]).toContain(`${page.formatStatisticChange('mean', b.swing)} ± ${page.formatStatisticChange('mean', b.swing_se).replace(/^\+/, '')}${b.crosses_zero ? ' *' : ''}`)
      expect(g[5]).toContain(page.parameterLabel(b.parameter, titles, b.years).replace(/&/g, '&amp;'))
    })
    // a swing that cannot be told from noise is outlined dashed
    expect(groups[2][5]).toContain('stroke-dasharray="2 1.5"')
    expect(groups[0][5]).not.toContain('stroke-dasharray')
    // at most maxBars bars
    expect([...tornadoSvg(chartBars, { label: 'T', statistic: 'mean', base: 1, axisTitle: 'x', inputText: () => '', maxBars: 2 }).text.matchAll(/class="tornado-bar"/g)]).toHaveLength(2)
    // a chance is drawn in per cent
    expect(tornadoSvg(chartBars.map((b) => ({ ...b, low: { ...b.low, value: 0.1 }, high: { ...b.high, value: 0.3 } })), { label: 'T', statistic: 'p_exceed', base: 0.2, axisTitle: 'Chance', inputText: () => '' }).text).toContain('Chance (%)')
  })

  it('draws each parameter’s share of the variance, hatching those whose correlation is negative', () => {
    const svg = contributionSvg(tornado.contribution!.parameters.map((p) => ({ ...p, label: p.parameter })), { label: 'C' }).text
    const shares = [...svg.matchAll(/data-parameter="([^"]+)" data-share="([^"]+)" data-rank-correlation="([^"]+)">[\s\S]*?<rect [^>]*fill="([^"]+)"/g)]
    expect(shares.map((m) => [m[1], Number(m[2]), Number(m[3])])).toEqual(tornado.contribution!.parameters.map((p) => [p.parameter, p.share, p.rank_correlation]))
    expect(shares[0][4]).toBe('#8a8a8a')
    expect(shares[1][4]).toMatch(/^url\(#hatch-/)
    expect(svg).toContain('99.4% (ρ +0.79)')
    expect(svg).toContain('0.64% (ρ \u22120.06)')
  })

  it('draws a goal seek’s points, filled where the target is met, with the target and the answer', () => {
    const svg = goalSeekSvg(goalSeek.points, { label: 'G', statistic: 'p_exceed', threshold: 0.1, answer: goalSeek.answer, unit: 'CNY', parameterTitle: 'Cap', statisticTitle: 'Chance', answerText: 'Answer 279 万元' }).text
    const points = [...svg.matchAll(/<circle data-input="([^"]+)" data-value="([^"]+)" data-met="([^"]+)"[^>]* fill="([^"]+)"/g)]
    expect(points.map((m) => [Number(m[1]), Number(m[2]), m[3] === 'true', m[4]])).toEqual(goalSeek.points.map((p) => [p.input, p.value, p.met, p.met ? '#000' : '#fff']))
    expect(svg).toContain('<line class="threshold" data-value="0.1"')
    expect(svg).toContain(`<g class="answer" data-value="${goalSeek.answer}">`)
    expect(svg).toContain('Cap (万元)')
    expect(svg).toContain('Chance (%)')
  })
})

describe("an analysis's report", () => {
  const metadata = runMetadata(spec)
  const analysis = { id: 'a78c4ee3-cc2b-4ae1-b362-8625f0156935', created_at: '2026-11-25T10:08:11.678Z', finished_at: '2026-11-25T10:08:12.594Z', runs: 13, draws: 7_581_312 }
  const generatedAt = new Date('2026-11-25T12:00:00Z')

  it('of a sensitivity analysis: the tornado with every bar’s numbers, the contribution, the ranges, then the scenario and every source', () => {
    const doc = buildAnalysisReport({ analysis: { ...analysis, kind: 'sensitivity' }, result: tornado, metadata, scenario, documents: [], generatedAt })
    expect(doc.sections.map((s) => s.id)).toEqual(['tornado', 'contribution', 'ranges', 'scenario', 'provenance'])
    const markup = renderReportHtml(doc)
    expect(fact(markup, 'analysis')).toBe(`${analysis.id}, finished 2026-11-25 10:08 UTC`)
    expect(fact(markup, 'figure')).toBe('Mean outlay, municipal level, 2017')
    expect(fact(markup, 'runs')).toBe('13 runs on the same random draws, 7,581,312 random draws in all')
    expect(fact(markup, 'spec_hash')).toBe(spec.spec_hash)
    expect(markup).toContain('Sensitivity analysis: mean outlay, municipal level, 2017')
    const c = cells(markup)
    for (const b of tornado.bars) {
      const k = (col: string) => c.get(`tornado|${b.parameter}|${col}`)!
      expect(Number(k('low').value)).toBe(b.low.value)
      expect(k('low').text).toBe(page.formatStatistic('mean', b.low.value))
      expect(Number(k('high').value)).toBe(b.high.value)
      expect(Number(k('low_input').value)).toBe(b.low.input)
      expect(k('low_input').text).toBe(page.formatParameterValue(b.low.input, b.unit))
      expect(Number(k('swing').value)).toBe(b.swing)
      expect(k('swing').text).toBe(`${page.formatStatisticChange('mean', b.swing)}${b.crosses_zero ? ' *' : ''}`)
      expect(Number(k('swing_se').value)).toBe(b.swing_se)
    }
    for (const p of tornado.contribution!.parameters) expect(Number(c.get(`contribution|${p.parameter}|share`)!.value)).toBe(p.share)
    expect(markup).toContain('This swing&#39;s 95% interval (swing ± 1.96 s.e.) contains zero')
    expect(markup).toContain('Not varied: testing-certification-award: funding shares (municipal) (no other level to take the rest)'.replace('testing-certification-award', titles.get('testing-certification-award')!).replace(/&/g, '&amp;'))
    expect(markup).toContain('in 2016–2017 only')
    expect(markup).toContain('<figure class="chart" data-chart="tornado"')
    expect(markup).toContain('<figure class="chart" data-chart="contribution"')
  })

  it('of a goal seek: the answer with its uncertainty, the statistic there, the points and the replicates', () => {
    const doc = buildAnalysisReport({ analysis: { ...analysis, kind: 'goal_seek' }, result: goalSeek, metadata, scenario, documents: [], generatedAt })
    expect(doc.sections.map((s) => s.id)).toEqual(['goal-seek', 'scenario', 'provenance'])
    const markup = renderReportHtml(doc)
    expect(fact(markup, 'target')).toBe('Technology transaction subsidy: cap such that the chance of overrunning the appropriation is at most 10.0%')
    expect(markup).toMatch(/<dd data-fact="answer" data-value="2792968.75"><strong>279 万元<\/strong> \(2,792,969 CNY\)<\/dd>/)
    expect(answerFact(markup, 'uncertainty')).toBe('± 15.3 万元 (the standard deviation of the answers on 2 independent seeds)')
    expect(answerFact(markup, 'at_answer')).toBe('10.0% ± 1.8 pp')
    expect(answerFact(markup, 'current')).toBe('500 万元 (policy)')
    const c = cells(markup)
    for (const p of goalSeek.points) {
      expect(Number(c.get(`point|${p.input}|value`)!.value)).toBe(p.value)
      expect(c.get(`point|${p.input}|input`)!.text).toBe(page.formatParameterValue(p.input, 'CNY'))
    }
    expect(Number(c.get('replicate|1|answer')!.value)).toBe(2_488_281.25)
    expect(markup).toContain('GOAL_NOT_BRACKETED: met at both ends')
    expect(markup).toContain('<figure class="chart" data-chart="goal-seek"')
    // an appropriation for a confidence is a quantile: no bisection, no chart
    const quantile = renderReportHtml(buildAnalysisReport({ analysis: { ...analysis, kind: 'goal_seek' }, result: { ...goalSeek, method: 'quantile', parameter: 'appropriations.municipal.2017', answer: 219_816_701, answer_sd: null, answer_se: 265_142, points: [], replicates: [], interval: null, interval_source: null }, metadata, scenario, documents: [], generatedAt }))
    expect(answerFact(quantile, 'uncertainty')).toBe('± 26.5 万元 (the batch-means standard error of the quantile)')
    expect(fact(quantile, 'method')).toBe("the 90.0% quantile of the group's outlay in one run (no bisection needed)")
    expect(quantile).not.toContain('data-chart="goal-seek"')
  })
})

describe('the budget-impact section', () => {
  const row = (year: number | 'all', level: string, before: number, after: number, extra: Partial<ImpactRow> = {}): ImpactRow => ({
    year,
    level,
    measure: 'demand',
    appropriation_before: null,
    appropriation_after: null,
    mean_before: before,
    mean_after: after,
    difference: after - before,
    difference_se: 12_345,
    p95_before: before * 1.2,
    p95_after: after * 1.2,
    p_exceed_before: null,
    p_exceed_after: null,
    ...extra,
  })
  const rows = [
    row(2017, 'municipal', 198_600_000, 195_754_000, { appropriation_before: 210_000_000, appropriation_after: 210_000_000, p_exceed_before: 0.17, p_exceed_after: 0.12 }),
    row(2017, 'all', 263_965_000, 261_119_000),
    row('all', 'municipal', 534_257_000, 526_923_000, { appropriation_before: 570_000_000, appropriation_after: 560_000_000, p_exceed_before: 0.048, p_exceed_after: 0.02 }),
    row('all', 'all', 733_758_000, 726_425_000),
  ]
  const runs = { baseline: { id: '67ae5d1c-670f-4b92-8059-67a03a6b80cc', name: 'guangzhou-2015-2017-baseline', title: 'Baseline' }, reform: { name: 'reform-cap-3m', title: 'Cap 3m' }, trials: 400, seed: '20150827' }

  it('gives every row’s means, difference with its paired error, P95 and chances before and after, keyed with their values', () => {
    const section = budgetImpactSection(rows, runs)
    expect(section).toMatchObject({ id: 'budget-impact', title: 'Budget impact against guangzhou-2015-2017-baseline', newPage: true })
    const c = cells(section.body.text)
    for (const r of rows)
      for (const col of ['mean_before', 'mean_after', 'difference', 'difference_se', 'p95_before', 'p95_after', 'p_exceed_before', 'p_exceed_after'] as const)
        expect(c.get(`impact|${r.year}|${r.level}|${col}`)!.value, `${r.year} ${r.level} ${col}`).toBe(r[col] === null ? '' : String(r[col]))
    expect(c.get('impact|2017|municipal|difference')!.text).toBe('\u2212284.6')
    expect(c.get('impact|2017|municipal|p_exceed_after')!.text).toBe('12.0%')
    // an appropriation the reform changes reads before → after
    expect(c.get('impact|all|municipal|appropriation_after')!.text).toBe('57,000.0 → 56,000.0')
    expect(section.body.text).toContain('Cap 3m costs <strong>733 万元 less</strong> than Baseline in 2017')
    expect(section.body.text).toContain('Municipal: the chance of overrunning the appropriation in 2017 goes from <strong>4.8%</strong> to <strong>2.0%</strong>')
    expect(section.body.text).toContain('The baseline is run <code>67ae5d1c-670f-4b92-8059-67a03a6b80cc</code>')
  })
})
