// Why: a decision analysis is filed like a run: the tornado (which assumption moves the figure
// most, each swing with its paired Monte Carlo error, those indistinguishable from noise marked)
// with the contribution to variance and the ranges studied, or a goal seek's answer with its
// uncertainty, the statistic there and the points evaluated; then the scenario and where every
// figure comes from, as in a run's report (./runReport.ts). Every number is the analysis's result
// (GET /analyses/:id); each cell carries its raw value.
import type { DocumentInfo } from '../policy/seedSchema.js'
import type { RunMetadata } from '../results/metadata.js'
import type { ScenarioView } from '../scenario/scenarioView.js'
import { chartFigure, dataTable, numberCell, type ReportDocument, type ReportSection } from './document.js'
import { capitalise, figureText, formatParameterValue, formatPercent, formatStatistic, formatStatisticChange, parameterLabel, STATISTIC_NAMES, yearsText } from './format.js'
import { attrs, html, type Html } from './html.js'
import { dateText, provenanceSection, scenarioSection, titleSection } from './runReport.js'
import { contributionSvg, goalSeekSvg, tornadoSvg, type TornadoChartBar } from './svgCharts.js'
import type { TornadoResult } from '../analysis/tornado.js'

/** The figure an analysis is about (its `target`). */
export interface AnalysisTarget {
  measure: string
  level: string
  year: number | 'all'
  statistic: string
}

interface Estimate {
  value: number
  se: number | null
}

/** The tornado's result as GET /analyses/:id gives it (kind sensitivity). */
export type TornadoReportResult = TornadoResult

/** A goal seek's result as GET /analyses/:id gives it (kind goal_seek). */
export interface GoalSeekReportResult {
  method: string
  parameter: string
  unit: string
  origin: string
  current: number | null
  target: AnalysisTarget
  condition: { statistic: string; op: string; value: number }
  interval: number[] | null
  interval_source: string | null
  trials: number
  seed: string
  answer: number
  answer_sd: number | null
  answer_se: number | null
  at_answer: Estimate
  replicates: { seed: string; answer: number | null; error: { code: string; message: string } | null }[]
  points: ({ input: number; met: boolean } & Estimate)[]
  iterations: number
  resolution: number
}

export interface AnalysisReportInput {
  analysis: { id: string; kind: 'sensitivity' | 'goal_seek'; created_at?: string | null; finished_at?: string | null; runs: number; draws: number | null }
  result: TornadoReportResult | GoalSeekReportResult
  /** the metadata of the analysis's run as given (runMetadata of its specification) */
  metadata: RunMetadata
  /** the scenario with provenance (GET /runs/:id/scenario's view of the analysis's specification) */
  scenario: ScenarioView
  documents: DocumentInfo[]
  generatedAt: Date
}

const ORIGIN: Record<string, string> = { policy: 'Policy', assumption: 'Assumption', scenario: 'Scenario', default: 'Default' }
const titlesOf = (s: ScenarioView) => new Map(s.programmes.map((p) => [p.id, p.title]))
const figureOf = (t: AnalysisTarget) => figureText(t)
/** "Mean outlay, municipal level, 2017" */
const Figure = (t: AnalysisTarget) => capitalise(figureOf(t))
const estimateText = (statistic: string, e: Estimate) => `${formatStatistic(statistic, e.value)}${e.se === null ? '' : ` ± ${formatStatisticChange(statistic, e.se).replace(/^\+/, '')}`}`
const seText = (statistic: string, se: number | null) => (se === null ? '' : `± ${formatStatisticChange(statistic, se).replace(/^\+/, '')}`)
/** An axis title for the figure: "Mean outlay, municipal level, 2017". */
const axisTitle = (t: AnalysisTarget) => Figure(t)

// ---- the tornado

/** The tornado: a sentence on the largest swing, the chart, the table of every bar. */
export function tornadoSection(r: TornadoReportResult, scenario: ScenarioView): ReportSection {
  const titles = titlesOf(scenario)
  const label = (b: TornadoReportResult['bars'][number]) => parameterLabel(b.parameter, titles, b.years)
  const s = r.statistic
  const top = r.bars[0]
  const noise = r.bars.filter((b) => b.crosses_zero)
  const leadText = html`<p class="lead" data-base="${String(r.base.value)}">In the scenario as it is, the ${figureOf(r.target)} is <strong>${estimateText(s, r.base)}</strong>.${
    top
      ? html` <strong>${label(top)}</strong> moves it most: ${formatStatistic(s, top.low.value)} at its low (${formatParameterValue(top.low.input, top.unit)}) and ${formatStatistic(s, top.high.value)} at its high (${formatParameterValue(top.high.input, top.unit)}), a swing of <strong>${formatStatisticChange(s, top.swing)}</strong> ${seText(s, top.swing_se)}.`
      : ''
  }</p>`
  const chartBars: TornadoChartBar[] = r.bars.map((b) => ({ parameter: b.parameter, label: label(b), low: b.low, high: b.high, swing: b.swing, swing_se: b.swing_se, crosses_zero: b.crosses_zero }))
  const units = new Map(r.bars.map((b) => [b.parameter, b.unit]))
  const chart = chartFigure({
    name: 'tornado',
    title: `What moves the ${figureOf(r.target)}`,
    svg: tornadoSvg(chartBars, {
      id: 'tornado',
      label: `Tornado of the ${figureOf(r.target)}: each parameter at its low and at its high`,
      statistic: s,
      base: r.base.value,
      axisTitle: axisTitle(r.target),
      inputText: (b, end) => formatParameterValue(b[end].input, units.get(b.parameter) ?? ''),
    }),
    caption: `Each bar runs from the figure in the scenario as it is (the solid line, ${formatStatistic(s, r.base.value)}) to the figure with the parameter at its low (grey) and at its high (hatched), everything else unchanged, on the same ${r.trials.toLocaleString('en-US')} trials.${r.bars.length > 25 ? ` The ${r.bars.length - 25} smallest swings are in the table only.` : ''}`,
    data: { statistic: s, base: r.base.value },
  })
  const rows = r.bars.map((b) => {
    const k = (c: string) => `tornado|${b.parameter}|${c}`
    return html`<tr${attrs({ 'data-parameter': b.parameter, class: b.crosses_zero ? 'noise' : null })}><th scope="row">${label(b)}</th><td>${ORIGIN[b.origin] ?? b.origin}</td>${numberCell(k('low_input'), b.low.input, formatParameterValue(b.low.input, b.unit))}${numberCell(k('high_input'), b.high.input, formatParameterValue(b.high.input, b.unit))}${numberCell(k('low'), b.low.value, formatStatistic(s, b.low.value))}${numberCell(k('high'), b.high.value, formatStatistic(s, b.high.value))}${numberCell(k('swing'), b.swing, `${formatStatisticChange(s, b.swing)}${b.crosses_zero ? ' *' : ''}`, { key: k('swing_se'), value: b.swing_se, text: seText(s, b.swing_se) })}</tr>`
  })
  const skipped = r.skipped ?? []
  return {
    id: 'tornado',
    title: `The tornado: what moves the ${figureOf(r.target)}`,
    newPage: true,
    body: html`${leadText}
${chart}
${dataTable({
  name: 'tornado',
  caption: `${Figure(r.target)} with each parameter at its low and at its high, largest swing first (swing = figure at high − figure at low; ± is its paired Monte Carlo standard error)`,
  head: ['Parameter', 'Origin', 'Low', 'High', 'At low', 'At high', 'Swing ± s.e.'],
  numeric: [2, 3, 4, 5, 6],
  rows,
})}
<p class="small">Every run shares the scenario's random draws (the same seed), so a swing is the parameter's effect alone and its standard error is paired: ${s === 'mean' ? 'the standard deviation of the per-trial differences over the square root of the trials' : 'from batch means of the per-trial differences over 20 batches of trials'}.${s === 'p_exceed' ? ' Swings of a chance are in percentage points (pp).' : ''}${noise.length > 0 ? html` * ${noise.length === 1 ? "This swing's" : `These ${noise.length} swings'`} 95% interval (swing ± 1.96 s.e.) contains zero: not distinguishable from Monte Carlo noise.` : ''}</p>
${skipped.length > 0 ? html`<p class="small">Not varied: ${skipped.map((x, i) => html`${i > 0 ? '; ' : ''}${parameterLabel(x.parameter, titles)} (${x.reason})`)}.</p>` : ''}`,
  }
}

/** The contribution to variance: each parameter's share, from a Latin hypercube over all the ranges together. */
export function contributionSection(r: TornadoReportResult, scenario: ScenarioView): ReportSection | null {
  const c = r.contribution
  if (!c) return null
  const titles = titlesOf(scenario)
  const years = new Map(r.bars.map((b) => [b.parameter, b.years]))
  const label = (p: string) => parameterLabel(p, titles, years.get(p))
  const rows = c.parameters.map((p) => {
    const k = (col: string) => `contribution|${p.parameter}|${col}`
    return html`<tr data-parameter="${p.parameter}"><th scope="row">${label(p.parameter)}</th>${numberCell(k('rank_correlation'), p.rank_correlation, p.rank_correlation.toFixed(3))}${numberCell(k('share'), p.share, formatPercent(p.share))}</tr>`
  })
  return {
    id: 'contribution',
    title: 'Contribution to variance',
    body: html`<p>All the ranged parameters drawn together: a Latin hypercube of ${c.vectors} vectors over their ranges, each simulated for ${c.trials_per_vector} trials on the same draws; a parameter's share is its squared Spearman rank correlation with the outlay of the figure's group (${r.target.level === 'all' ? 'all levels' : `${r.target.level} level`}, ${r.target.year === 'all' ? 'all years' : r.target.year}), normalised to sum to 100% (Crystal Ball's "contribution to variance"). It describes the outlay, whatever the statistic.</p>
${chartFigure({
  name: 'contribution',
  title: 'Share of the variance of outlay, by parameter',
  svg: contributionSvg(
    c.parameters.map((p) => ({ parameter: p.parameter, label: label(p.parameter), share: p.share, rank_correlation: p.rank_correlation })),
    { id: 'contribution', label: 'Contribution to variance by parameter' },
  ),
  caption: 'Solid bars: outlay rises with the parameter; hatched: it falls (the sign of the rank correlation ρ).',
})}
${dataTable({ name: 'contribution', caption: 'Contribution to variance (rank correlation with the outlay, and its squared share)', head: ['Parameter', 'Rank correlation', 'Share'], numeric: [1, 2], rows })}`,
  }
}

/** The ranges studied: where each low and high comes from (a seed's assumption with its rationale, or the request). */
export function rangesSection(r: TornadoReportResult, scenario: ScenarioView): ReportSection {
  const titles = titlesOf(scenario)
  const rows = r.bars.map(
    (b) =>
      html`<tr data-parameter="${b.parameter}"><th scope="row">${parameterLabel(b.parameter, titles, b.years)}<br><code class="small">${b.parameter}</code></th>${numberCell(`range|${b.parameter}|value`, b.value, formatParameterValue(b.value, b.unit))}<td>${formatParameterValue(b.low.input, b.unit)} to ${formatParameterValue(b.high.input, b.unit)}</td><td>${b.source === 'seed' ? "the seed's range of this assumption" : 'the request'}${b.years ? html`<br><span class="small">in ${yearsText(b.years)} only</span>` : ''}</td><td class="small">${b.rationale ?? ''}</td></tr>`,
  )
  return {
    id: 'ranges',
    title: 'The ranges studied',
    body: dataTable({ name: 'ranges', className: 'provenance', caption: "Each parameter's value in the scenario, the range it was moved over, and why", head: ['Parameter', 'In the scenario', 'Range', 'Range from', 'Why this range'], numeric: [1], rows }),
  }
}

// ---- goal seek

const OP_WORDS: Record<string, string> = { '<=': 'at most', '>=': 'at least' }

/** The condition in words: "the chance of overrunning the appropriation is at most 10.0%". */
function conditionText(r: GoalSeekReportResult): string {
  return `the ${STATISTIC_NAMES[r.condition.statistic] ?? r.condition.statistic} is ${OP_WORDS[r.condition.op] ?? r.condition.op} ${formatStatistic(r.condition.statistic, r.condition.value)}`
}

/** The uncertainty of the answer: its size and how it was found ("the standard deviation of the answers on 5 independent seeds"). */
function uncertainty(r: GoalSeekReportResult): { amount: string | null; how: string } {
  if (r.answer_sd !== null) return { amount: formatParameterValue(r.answer_sd, r.unit), how: `the standard deviation of the answers on ${r.replicates.filter((x) => x.answer !== null).length} independent seeds` }
  if (r.answer_se !== null) return { amount: formatParameterValue(r.answer_se, r.unit), how: 'the batch-means standard error of the quantile' }
  return { amount: null, how: 'not estimated: one seed' }
}

/** "± 15.3 万元 (the standard deviation of the answers on 5 independent seeds)" */
function uncertaintyText(r: GoalSeekReportResult): string {
  const u = uncertainty(r)
  return u.amount === null ? u.how : `± ${u.amount} (${u.how})`
}

const INTERVAL_SOURCE: Record<string, string> = { request: 'as asked', range: "the parameter's range", rule: 'the rule: from 0 to twice its value' }

/** The goal seek's answer: a sentence, the facts, the points evaluated (and a chart of them), the replicates. */
export function goalSeekSection(r: GoalSeekReportResult, scenario: ScenarioView): ReportSection {
  const label = parameterLabel(r.parameter, titlesOf(scenario))
  const s = r.condition.statistic
  const v = (x: number | null) => formatParameterValue(x, r.unit)
  const facts: [string, Html | string, string, number | null][] = [
    ['Answer', html`<strong>${v(r.answer)}</strong>${r.unit === 'CNY' ? ` (${Math.round(r.answer).toLocaleString('en-US')} CNY)` : ''}`, 'answer', r.answer],
    ['Uncertainty', uncertaintyText(r), 'uncertainty', r.answer_sd ?? r.answer_se],
    [`${capitalise(STATISTIC_NAMES[s] ?? s)} at the answer`, estimateText(s, r.at_answer), 'at_answer', r.at_answer.value],
    ['In the scenario now', `${v(r.current)} (${(ORIGIN[r.origin] ?? r.origin).toLowerCase()})`, 'current', r.current],
    ...(r.method === 'bisection'
      ? ([
          ['Interval searched', `${v(r.interval?.[0] ?? null)} to ${v(r.interval?.[1] ?? null)} (${INTERVAL_SOURCE[r.interval_source ?? ''] ?? r.interval_source})`, 'interval', null],
          ['Method', `bisection on the same draws: ${r.iterations} halvings, a final bracket ${v(r.resolution)} wide`, 'method', null],
        ] as [string, string, string, number | null][])
      : ([['Method', `the ${formatPercent(1 - r.condition.value)} quantile of the group's outlay in one run (no bisection needed)`, 'method', null]] as [string, string, string, number | null][])),
  ]
  const points = r.points.map((p) => {
    const k = (c: string) => `point|${p.input}|${c}`
    return html`<tr data-input="${String(p.input)}">${numberCell(k('input'), p.input, v(p.input))}${numberCell(k('value'), p.value, formatStatistic(s, p.value), { key: k('se'), value: p.se, text: seText(s, p.se) })}<td>${p.met ? 'yes' : 'no'}</td></tr>`
  })
  const replicates = r.replicates.map(
    (x, i) => html`<tr data-replicate="${i}"><td><code>${x.seed}</code></td>${numberCell(`replicate|${i}|answer`, x.answer, v(x.answer))}<td>${x.error ? `${x.error.code}: ${x.error.message}` : ''}</td></tr>`,
  )
  return {
    id: 'goal-seek',
    title: 'The answer',
    newPage: true,
    body: html`<p class="lead" data-answer="${String(r.answer)}">${label}: <strong>${v(r.answer)}</strong> (${uncertainty(r).amount === null ? uncertainty(r).how : `± ${uncertainty(r).amount}, ${uncertainty(r).how}`}) is where ${conditionText(r)} (${figureOf(r.target).replace(/^[^,]*, /, '')}): there it is ${estimateText(s, r.at_answer)}. In the scenario now: ${v(r.current)}.</p>
<dl class="facts">${facts.map(([dt, dd, k, value]) => html`<dt>${dt}</dt><dd${attrs({ 'data-fact': k, 'data-value': value === null ? null : String(value) })}>${dd}</dd>`)}</dl>
${
  r.method === 'bisection' && r.points.length >= 2
    ? chartFigure({
        name: 'goal-seek',
        title: `${capitalise(STATISTIC_NAMES[s] ?? s)} against ${label.toLowerCase()}`,
        svg: goalSeekSvg(r.points, {
          id: 'goal-seek',
          label: `The ${STATISTIC_NAMES[s] ?? s} at each value of ${label} evaluated`,
          statistic: s,
          threshold: r.condition.value,
          answer: r.answer,
          unit: r.unit,
          parameterTitle: label,
          statisticTitle: capitalise(STATISTIC_NAMES[s] ?? s),
          answerText: `Answer ${v(r.answer)}`,
        }),
        caption: `Each point is a run on the same draws (${r.trials.toLocaleString('en-US')} trials, seed ${r.seed}); filled points meet the target (${r.condition.op} ${formatStatistic(s, r.condition.value)}, the dashed line).`,
      })
    : ''
}
${dataTable({ name: 'goal-seek-points', caption: `The values evaluated on the scenario's own seed and the ${STATISTIC_NAMES[s] ?? s} at each (± its Monte Carlo standard error)`, head: [label, `${capitalise(STATISTIC_NAMES[s] ?? s)} ± s.e.`, 'Meets the target'], numeric: [0, 1], rows: points })}
${r.replicates.length > 1 ? dataTable({ name: 'goal-seek-replicates', caption: "The answer on independent seeds (the first is the scenario's own): their spread is the answer's Monte Carlo uncertainty", head: ['Seed', 'Answer', 'Failed'], numeric: [1], rows: replicates }) : ''}`,
  }
}

// ---- the whole report

const KICKER = { sensitivity: 'Sensitivity analysis', goal_seek: 'Goal seek' } as const

/** The report of a finished analysis: its title page, its own sections, then the scenario and where every figure comes from. */
export function buildAnalysisReport(input: AnalysisReportInput): ReportDocument {
  const { analysis: a, scenario: s, metadata: m } = input
  const target = input.result.target
  const facts: [string, Html | string, string][] = [
    ['Analysis', html`<code>${a.id}</code>${a.finished_at ? html`, finished ${dateText(new Date(a.finished_at))}` : ''}`, 'analysis'],
    ['Figure', Figure(target), 'figure'],
    ['Runs', `${a.runs.toLocaleString('en-US')} runs on the same random draws${a.draws ? `, ${a.draws.toLocaleString('en-US')} random draws in all` : ''}`, 'runs'],
  ]
  if (a.kind === 'goal_seek') {
    const g = input.result as GoalSeekReportResult
    facts.splice(2, 0, ['Target', `${parameterLabel(g.parameter, titlesOf(s))} such that ${conditionText(g)}`, 'target'])
  }
  const sections: ReportSection[] =
    a.kind === 'sensitivity'
      ? [tornadoSection(input.result as TornadoReportResult, s), contributionSection(input.result as TornadoReportResult, s), rangesSection(input.result as TornadoReportResult, s)].filter((x): x is ReportSection => x !== null)
      : [goalSeekSection(input.result as GoalSeekReportResult, s)]
  return {
    title: `${s.title ?? s.name}: ${KICKER[a.kind].toLowerCase()} of the ${figureOf(target)}`,
    footer: `${s.name} · ${KICKER[a.kind].toLowerCase()} ${a.id.slice(0, 8)} · ${m.trials.toLocaleString('en-US')} trials a run · seed ${m.seed} · spec ${m.spec_hash.slice(0, 12)} · budget-sim ${m.engine_version}`,
    titlePage: titleSection({ metadata: m, scenario: s, run: null, generatedAt: input.generatedAt }, `${KICKER[a.kind]}: ${figureOf(target)}`, facts),
    sections: [...sections, scenarioSection({ scenario: s }), provenanceSection({ scenario: s, documents: input.documents })],
  }
}
