// Why: the report a finance bureau files about a run: a title page that identifies it (scenario,
// date, engine version, seed, trials, spec and seeds hashes), the headline answers (the chance of
// overrunning each appropriation, by level and year, with its Wilson interval, and the expected
// excess), the scenario (programmes, years, appropriations), charts (the distribution of outlay
// against the appropriation, the exceedance curve, the fan chart by year), the summary tables with
// Monte Carlo standard errors, and where every figure comes from (each parameter's value with the
// policy clause and its quote, or the assumption with its rationale and calibration facts; dated
// values year by year). Every number is the summary's (GET /runs/:id/summary) or a distribution
// read from the run's trials (GET /runs/:id/distribution); each cell carries its raw value.
//
// Each part is a section builder, exported, so another kind of result can reuse the ones it needs
// (see ./document.ts for how to add sections of its own).
import type { DocumentInfo } from '../policy/seedSchema.js'
import type { RunMetadata } from '../results/metadata.js'
import type { DatedParameter, Provenance } from '../scenario/resolveScenario.js'
import type { ProgrammeView, ScenarioView } from '../scenario/scenarioView.js'
import type { SummaryRow } from '../summary/summarize.js'
import type { ImpactRow } from '../analysis/budgetImpact.js'
import { budgetImpactSection, type ComparedRuns } from './budgetImpactSection.js'
import { chartFigure, dataTable, numberCell, type ReportDocument, type ReportSection } from './document.js'
import { capitalise, describeValue, formatCny, formatCount, formatPercent, formatWan, oddsInWords, parameterName } from './format.js'
import { attrs, html, type Html } from './html.js'
import { exceedanceSvg, fanSvg, histogramSvg, type ChartDistribution } from './svgCharts.js'

/** The funding levels a bureau reads first: its own (the city), then the province, then the nation. */
const LEVEL_PRIORITY = ['municipal', 'provincial', 'national']
const LEVEL_ORDER = ['national', 'provincial', 'municipal']

export type YearChoice = number | 'all'

/** One distribution drawn in the report: one total per trial of demand at `level` in `year`. */
export interface ChartSelection {
  level: string
  year: YearChoice
}

export interface SelectedDistribution extends ChartSelection {
  distribution: ChartDistribution
}

export interface RunReportInput {
  /** the run's metadata (summary.json's `metadata`) */
  metadata: RunMetadata
  /** the summary rows (GET /runs/:id/summary's `rows`) */
  rows: SummaryRow[]
  /** the run's scenario with provenance (GET /runs/:id/scenario) */
  scenario: ScenarioView
  /** the policy documents the seeds cite (GET /programmes's `documents`) */
  documents: DocumentInfo[]
  /** the distributions `chartSelections` asked for */
  distributions: SelectedDistribution[]
  /** the run on a server, when there is one */
  run?: { id: string; created_at?: string | null; finished_at?: string | null } | null
  /** when the report was made (the title page's date) */
  generatedAt: Date
  /** with a baseline: the budget-impact table of this run against it (GET /runs/:id/compare), after the answer */
  comparison?: { rows: ImpactRow[]; runs: ComparedRuns } | null
}

// ---- looking numbers up

export interface SummaryLookup {
  years: number[]
  levels: string[]
  programmes: string[]
  get(year: YearChoice, programme: string, level: string, measure: string): SummaryRow | undefined
}

export function summaryLookup(rows: SummaryRow[]): SummaryLookup {
  const key = (y: YearChoice | null, p: string, l: string, m: string) => `${y === null || y === 'all' ? 'all' : y}|${p}|${l}|${m}`
  const map = new Map<string, SummaryRow>()
  for (const r of rows) map.set(key(r.year, r.programme, r.level, r.measure), r)
  const years = [...new Set(rows.map((r) => r.year).filter((y): y is number => y !== null))].sort((a, b) => a - b)
  const levelSet = new Set(rows.map((r) => r.level))
  const levels = LEVEL_ORDER.filter((l) => levelSet.has(l))
  const programmes = [...new Set(rows.map((r) => r.programme).filter((p) => p !== 'all'))]
  return { years, levels, programmes, get: (y, p, l, m) => map.get(key(y, p, l, m)) }
}

/** The levels whose appropriations the report is about, the bureau's own first; ['all'] when none sets one. */
export function focusLevels(index: SummaryLookup): string[] {
  const withBudget = LEVEL_PRIORITY.filter((l) => index.years.some((y) => index.get(y, 'all', l, 'demand')?.appropriation != null))
  return withBudget.length > 0 ? withBudget : ['all']
}

/**
 * The distributions the report draws: for each focus level, each year, and all years together when
 * the whole period has an appropriation (each year has one) or no level has any.
 */
export function chartSelections(rows: SummaryRow[]): ChartSelection[] {
  const index = summaryLookup(rows)
  const out: ChartSelection[] = []
  for (const level of focusLevels(index)) {
    for (const year of index.years) out.push({ level, year })
    if (index.years.length > 1 && (level === 'all' || index.get('all', 'all', level, 'demand')?.appropriation != null)) out.push({ level, year: 'all' })
  }
  return out
}

/** Read the distributions `chartSelections` names with `read` (a worker-thread read of the trials), two at a time. */
export async function loadDistributions(rows: SummaryRow[], read: (s: ChartSelection) => Promise<Omit<ChartDistribution, 'appropriation'>>): Promise<SelectedDistribution[]> {
  const index = summaryLookup(rows)
  const selections = chartSelections(rows)
  const out: SelectedDistribution[] = new Array(selections.length)
  let next = 0
  const worker = async () => {
    while (next < selections.length) {
      const i = next++
      const s = selections[i]
      const d = await read(s)
      // the appropriation the chart draws is the summary's (summed over years when each has one)
      out[i] = { ...s, distribution: { ...d, appropriation: index.get(s.year, 'all', s.level, 'demand')?.appropriation ?? null } }
    }
  }
  await Promise.all([worker(), worker()])
  return out
}

// ---- words

const levelName = (l: string) => (l === 'all' ? 'All levels' : capitalise(l))
const period = (years: number[]) => (years.length > 1 ? `${years[0]}–${years[years.length - 1]}` : String(years[0] ?? ''))
const yearText = (y: YearChoice, years: number[]) => (y === 'all' ? period(years) : String(y))
const whatText = (level: string) => (level === 'all' ? 'Outlay at all funding levels' : `${capitalise(level)} outlay`)
const whenText = (y: YearChoice, years: number[]) => (y === 'all' ? (years.length > 1 ? `over ${period(years)}` : `in ${years[0]}`) : `in ${y}`)
const EXHAUSTION: Record<string, string> = {
  record: 'record: all demand is paid and an overrun shows as the chance that demand exceeds the appropriation',
  pro_rata: 'pro rata: when demand exceeds the appropriation, every claim is paid the same share of it',
  first_come: 'first come, first served: claims are paid in order of arrival until the money runs out',
}
const cellKey = (year: YearChoice | null, programme: string, level: string, measure: string, column: string) => `${year === null ? 'all' : year}|${programme}|${level}|${measure}|${column}`

export function dateText(d: Date): string {
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`
}

// ---- sections

/** A fact of the title page: its term, its text (or markup), and its data-fact key. */
export type TitleFact = [string, Html | string, string]

/**
 * The title page: what the report is about and what identifies the run exactly. `facts` are
 * listed after the report's date (another kind of report says what it is: an analysis's id, the
 * run compared with).
 */
export function titleSection(input: Pick<RunReportInput, 'metadata' | 'scenario' | 'run' | 'generatedAt'>, kicker = 'Fiscal exposure report', facts: TitleFact[] = []): ReportSection {
  const { metadata: m, scenario: s, run } = input
  // a preset run "extends" the preset it is named after: say so only of other presets
  const lineage = s.lineage.filter((l) => l !== s.name)
  const all: TitleFact[] = [
    ['Scenario', html`<code>${s.name}</code>${lineage.length > 0 ? html` (extends ${lineage.join(' → ')})` : ''}`, 'scenario'],
    ['Years', period(s.years), 'years'],
    ['Report date', dateText(input.generatedAt), 'date'],
    ...facts,
    ...(run ? ([['Run', html`<code>${run.id}</code>${run.finished_at ? html`, finished ${dateText(new Date(run.finished_at))}` : ''}`, 'run']] as [string, Html, string][]) : []),
    ['Engine version', `budget-sim ${m.engine_version} (Node ${m.node_version})`, 'engine_version'],
    ['Seed', String(m.seed), 'seed'],
    ['Trials', m.trials.toLocaleString('en-US'), 'trials'],
    ...(m.applications_simulated !== undefined ? ([['Applications simulated', m.applications_simulated.toLocaleString('en-US'), 'applications']] as [string, string, string][]) : []),
    ['Exhaustion rule', m.exhaustion_rule, 'exhaustion_rule'],
    ['Spec hash', html`<code>${m.spec_hash}</code>`, 'spec_hash'],
    ['Seeds hash', html`<code>${m.seeds_hash}</code>`, 'seeds_hash'],
    ['Scenario hash', html`<code>${m.scenario_hash}</code>`, 'scenario_hash'],
  ]
  return {
    id: 'title',
    title: '',
    body: html`<p class="kicker">${kicker}</p>
<h1>${s.title ?? s.name}</h1>
<p class="scenario-name"><code>${s.name}</code></p>
${s.description ? html`<p class="description">${s.description}</p>` : ''}
<dl class="facts">${all.map(([dt, dd, key]) => html`<dt>${dt}</dt><dd data-fact="${key}">${dd}</dd>`)}</dl>
<p class="small muted">The same scenario, seed, trials and engine version give the same numbers to the last digit: the spec hash identifies them, the seeds hash the policy seeds the parameters were read from. Amounts are in CNY, written in 万元 (10,000 CNY) and 亿元 (100 million CNY); ± is the Monte Carlo standard error.</p>`,
  }
}

/** The headline answers: the chance of overrun per level and year, with its Wilson interval and the expected excess. */
export function headlineSection(input: Pick<RunReportInput, 'rows'>): ReportSection {
  const index = summaryLookup(input.rows)
  const levels = focusLevels(index)
  const years = index.years
  const periods: YearChoice[] = [...years, ...(years.length > 1 ? (['all'] as const) : [])]
  if (levels[0] === 'all') {
    const rows = periods
      .map((y) => ({ y, r: index.get(y, 'all', 'all', 'demand') }))
      .filter((x): x is { y: YearChoice; r: SummaryRow } => x.r !== undefined)
      .map(({ y, r }) => html`<tr><th scope="row">${yearText(y, years)}</th>${numberCell(cellKey(y, 'all', 'all', 'demand', 'mean'), r.mean, formatCny(r.mean), { key: cellKey(y, 'all', 'all', 'demand', 'mean_se'), value: r.mean_se, text: `± ${formatCny(r.mean_se)}` })}${numberCell(cellKey(y, 'all', 'all', 'demand', 'p50'), r.p50, formatCny(r.p50))}${numberCell(cellKey(y, 'all', 'all', 'demand', 'p95'), r.p95, formatCny(r.p95))}</tr>`)
    return {
      id: 'headline',
      title: 'The answer',
      body: html`<p class="lead" data-p-exceed="">The scenario sets no appropriation, so there is no budget line to overrun. The outlay it needs, at all funding levels:</p>
${dataTable({ name: 'headline', caption: 'Outlay at all funding levels (± is the Monte Carlo standard error)', head: ['Year', 'Mean ± s.e.', 'Median (P50)', 'P95'], numeric: [1, 2, 3], rows })}`,
    }
  }
  const first = levels[0]
  const lead = index.get(years[0], 'all', first, 'demand')
  const leadText = lead
    ? html`<p class="lead" data-p-exceed="${lead.p_exceed === null ? '' : String(lead.p_exceed)}">${whatText(first)} ${whenText(years[0], years)}: <strong>${formatPercent(lead.p_exceed)}</strong> chance of needing more than the appropriation of ${formatCny(lead.appropriation)}, <strong>${oddsInWords(lead.p_exceed, { years: 1, trials: lead.n })}</strong> (95% interval ${formatPercent(lead.p_exceed_lo)}–${formatPercent(lead.p_exceed_hi)}). Mean outlay ${formatCny(lead.mean)} ± ${formatCny(lead.mean_se)}; expected excess over the appropriation ${formatCny(lead.expected_excess)}.</p>`
    : ''
  const rows: Html[] = []
  for (const level of levels)
    for (const y of periods) {
      const r = index.get(y, 'all', level, 'demand')
      if (!r) continue
      const k = (c: string) => cellKey(y, 'all', level, 'demand', c)
      const span = y === 'all' ? years.length : 1
      rows.push(
        html`<tr${attrs({ class: y === 'all' ? 'total' : null, 'data-level': level, 'data-year': String(y) })}><th scope="row">${levelName(level)}</th><td>${yearText(y, years)}</td>${numberCell(k('appropriation'), r.appropriation, formatCny(r.appropriation))}${numberCell(k('mean'), r.mean, formatCny(r.mean), { key: k('mean_se'), value: r.mean_se, text: `± ${formatCny(r.mean_se)}` })}${numberCell(k('p95'), r.p95, formatCny(r.p95))}${numberCell(k('p_exceed'), r.p_exceed, formatPercent(r.p_exceed), r.p_exceed === null ? null : { key: k('p_exceed_interval'), value: r.p_exceed_lo, text: `${formatPercent(r.p_exceed_lo)}–${formatPercent(r.p_exceed_hi)}` })}<td class="words">${r.appropriation === null ? 'no appropriation' : oddsInWords(r.p_exceed, { years: span, trials: r.n })}</td>${numberCell(k('expected_excess'), r.expected_excess, formatCny(r.expected_excess))}</tr>`,
      )
    }
  const levelsWithout = index.levels.filter((l) => !levels.includes(l))
  return {
    id: 'headline',
    title: 'The answer: chance of overrunning the appropriation',
    body: html`${leadText}
${dataTable({
  name: 'headline',
  caption: 'Chance that outlay demanded exceeds the appropriation, by funding level and year (the interval is the Wilson 95% interval; expected excess = the mean of max(outlay − appropriation, 0))',
  head: ['Level', 'Year', 'Appropriation', 'Mean outlay ± s.e.', 'P95', 'P(over), 95% interval', 'In words', 'Expected excess'],
  numeric: [2, 3, 4, 5, 7],
  rows,
})}
${levelsWithout.length > 0 ? html`<p class="small">${levelsWithout.map(levelName).join(', ')}: no appropriation is set, so there is nothing to overrun; their outlay is in the tables.</p>` : ''}`,
  }
}

function ruleText(p: ProgrammeView): string {
  const v = p.parameters
  const parts: string[] = []
  if (typeof v.rate === 'number' && v.rate > 0) parts.push(`${describeValue('rate', v.rate)} of the basis`)
  if (typeof v.amount === 'number' && v.amount > 0) parts.push(`${describeValue('amount', v.amount)} per recipient`)
  if (v.tier_amounts) parts.push(`tier amounts: ${describeValue('tier_amounts', v.tier_amounts)}`)
  if (typeof v.cap === 'number') parts.push(`cap ${describeValue('cap', v.cap)} per applicant and year`)
  if (v.quota) parts.push(`quota: ${describeValue('quota', v.quota)}`)
  if (v.matching) parts.push(`matching: ${describeValue('matching', v.matching)}`)
  return parts.join('; ')
}

/** The scenario: programmes and their years, the appropriations and why they are what they are. */
export function scenarioSection(input: Pick<RunReportInput, 'scenario'>): ReportSection {
  const s = input.scenario
  const lineage = s.lineage.filter((l) => l !== s.name)
  const programmes = s.programmes.map(
    (p) =>
      html`<tr data-programme="${p.id}"><th scope="row">${p.title}<br><code class="small">${p.id}</code></th><td>${describeValue('years', (p.parameters.years as number[] | undefined) ?? s.years)}</td><td>${describeValue('funding', p.parameters.funding)}</td><td>${ruleText(p)}</td><td class="small">${p.note ?? ''}</td></tr>`,
  )
  const levels = LEVEL_ORDER.filter((l) => s.appropriations[l as keyof typeof s.appropriations])
  const appropriationRows = levels.map((l) => {
    const byYear = s.appropriations[l as keyof typeof s.appropriations] ?? {}
    return html`<tr data-level="${l}"><th scope="row">${levelName(l)}</th>${s.years.map((y) => numberCell(`appropriation|${l}|${y}`, byYear[String(y)] ?? null, formatCny(byYear[String(y)] ?? null)))}</tr>`
  })
  const assumptions = Object.entries(s.assumptions ?? {})
  return {
    id: 'scenario',
    title: 'The scenario',
    newPage: true,
    body: html`<dl class="facts"><dt>Name</dt><dd><code>${s.name}</code></dd>${s.title ? html`<dt>Title</dt><dd>${s.title}</dd>` : ''}${lineage.length > 0 ? html`<dt>Extends</dt><dd>${lineage.join(' → ')}</dd>` : ''}<dt>Years</dt><dd data-fact="years">${s.years.join(', ')}</dd><dt>When money runs out</dt><dd>${EXHAUSTION[s.on_exhaustion] ?? s.on_exhaustion}</dd></dl>
${s.description ? html`<p>${s.description}</p>` : ''}
${dataTable({ name: 'programmes', caption: `The programmes (${s.programmes.length})`, head: ['Programme', 'Years', 'Funded by', 'Rule', 'Note'], rows: programmes })}
${
  levels.length > 0
    ? dataTable({ name: 'appropriations', caption: 'Appropriations: the budget line each funding level sets for these programmes', head: ['Level', ...s.years.map(String)], numeric: s.years.map((_, i) => i + 1), rows: appropriationRows })
    : html`<p>The scenario sets no appropriation.</p>`
}
${assumptions.length > 0 ? html`<h3>Assumptions of the scenario</h3><p class="small">Figures of the scenario that no document fixes, with why they are what they are.</p><ul class="scenario-assumptions">${assumptions.map(([path, why]) => html`<li data-assumption="${path}"><code>${path}</code>: ${why}</li>`)}</ul>` : ''}`,
  }
}

/** The charts: per focus level, the fan chart by year, then each year's histogram beside its exceedance curve. */
export function chartsSection(input: Pick<RunReportInput, 'rows' | 'distributions'>): ReportSection {
  const index = summaryLookup(input.rows)
  const years = index.years
  const groups: Html[] = []
  for (const level of focusLevels(index)) {
    const fanRows = years
      .map((y) => index.get(y, 'all', level, 'demand'))
      .filter((r): r is SummaryRow => r !== undefined)
      .map((r) => ({ year: r.year!, p05: r.p05, p25: r.p25, p50: r.p50, p75: r.p75, p95: r.p95, appropriation: r.appropriation }))
    const what = whatText(level)
    const pairs = input.distributions
      .filter((d) => d.level === level)
      .map((d) => {
        const row = index.get(d.year, 'all', level, 'demand')
        const dist = d.distribution
        const when = whenText(d.year, years)
        const id = `${level}-${d.year}`
        const exceeded = dist.appropriation !== null && row?.p_exceed != null ? ` The appropriation of ${formatCny(dist.appropriation)} is exceeded in ${formatPercent(row.p_exceed)} of trials.` : ''
        return html`<div class="chart-row" data-level="${level}" data-year="${String(d.year)}">${chartFigure({
          name: 'histogram',
          title: `Distribution of ${what.toLowerCase()} ${when}`,
          svg: histogramSvg(dist, { id: `h-${id}`, label: `Distribution of ${what.toLowerCase()} ${when}` }),
          caption: `${dist.n.toLocaleString('en-US')} trials; P5 ${formatCny(dist.quantiles.p05)}, P50 ${formatCny(dist.quantiles.p50)}, P95 ${formatCny(dist.quantiles.p95)}.${exceeded}`,
          data: { level, year: String(d.year), appropriation: dist.appropriation },
        })}${chartFigure({
          name: 'exceedance',
          title: `Chance that ${what.toLowerCase()} ${when} exceeds x`,
          svg: exceedanceSvg(dist, { id: `e-${id}`, label: `Exceedance curve of ${what.toLowerCase()} ${when}`, pExceed: row?.p_exceed ?? null }),
          caption: 'Read across from any amount x to the chance that outlay is larger.',
          data: { level, year: String(d.year), 'p-exceed': row?.p_exceed ?? null },
        })}</div>`
      })
    groups.push(
      html`<div class="chart-level" data-level="${level}"><h3>${what}</h3>${
        fanRows.length > 0
          ? chartFigure({
              name: 'fan',
              title: `${what} by year`,
              svg: fanSvg(fanRows, { id: `f-${level}`, label: `${what} by year: P5–P95, P25–P75 and the median` }),
              caption: `The lighter band holds nine trials in ten (P5–P95), the darker band the middle half (P25–P75); the line is the median.${fanRows.some((r) => r.appropriation !== null) ? ' Open diamonds on the dashed line are the appropriations.' : ''}`,
              data: { level },
            })
          : ''
      }${pairs}</div>`,
    )
  }
  return { id: 'charts', title: 'Charts', newPage: true, body: html`${groups}` }
}

const AMOUNT_LABEL: Record<string, string> = {
  demand: 'Outlay demanded by the rules',
  paid: 'Outlay paid (after appropriations)',
  shortfall: 'Shortfall (demanded but not paid)',
}

/** The summary tables: by year and level with standard errors, by programme, by programme and year. */
export function tablesSection(input: Pick<RunReportInput, 'rows' | 'scenario'>): ReportSection {
  const index = summaryLookup(input.rows)
  const years = index.years
  const periods: YearChoice[] = [...years, 'all']
  const titles = new Map(input.scenario.programmes.map((p) => [p.id, p.title]))
  const measures = input.scenario.on_exhaustion === 'record' ? ['demand'] : ['demand', 'paid', 'shortfall']
  const tables: Html[] = []
  for (const measure of measures) {
    const withBudget = measure !== 'shortfall'
    const rows: Html[] = []
    for (const y of periods)
      for (const level of [...index.levels, 'all']) {
        const r = index.get(y, 'all', level, measure)
        if (!r) continue
        const k = (c: string) => cellKey(y, 'all', level, measure, c)
        rows.push(
          html`<tr${attrs({ class: level === 'all' ? 'total' : null })}><th scope="row">${yearText(y, years)}</th><td>${levelName(level)}</td>${numberCell(k('mean'), r.mean, formatWan(r.mean), { key: k('mean_se'), value: r.mean_se, text: `± ${formatWan(r.mean_se)}` })}${
            withBudget
              ? [
                  numberCell(k('appropriation'), r.appropriation, formatWan(r.appropriation)),
                  numberCell(k('p_exceed'), r.p_exceed, formatPercent(r.p_exceed), r.p_exceed === null ? null : { key: k('p_exceed_interval'), value: r.p_exceed_lo, text: `${formatPercent(r.p_exceed_lo)}–${formatPercent(r.p_exceed_hi)}` }),
                  numberCell(k('expected_excess'), r.expected_excess, formatWan(r.expected_excess)),
                ]
              : ''
          }${numberCell(k('p05'), r.p05, formatWan(r.p05))}${numberCell(k('p50'), r.p50, formatWan(r.p50))}${numberCell(k('p95'), r.p95, formatWan(r.p95))}${numberCell(k('p99'), r.p99, formatWan(r.p99))}${numberCell(k('tvar95'), r.tvar95, formatWan(r.tvar95), { key: k('tvar95_se'), value: r.tvar95_se, text: `± ${formatWan(r.tvar95_se)}` })}</tr>`,
        )
      }
    const head = ['Year', 'Level', 'Mean ± s.e.', ...(withBudget ? ['Appropriation', 'P(over), 95% interval', 'Expected excess'] : []), 'P5', 'P50', 'P95', 'P99', 'TVaR 95% ± s.e.']
    tables.push(dataTable({ name: `by-level-${measure}`, caption: `${AMOUNT_LABEL[measure]} by year and funding level (万元; ± is the Monte Carlo standard error)`, head, numeric: head.map((_, i) => i).filter((i) => i >= 2), rows }))
  }
  const byProgramme = index.programmes
    .map((p) => {
      const r = index.get('all', p, 'all', 'demand')
      if (!r) return null
      const k = (c: string) => cellKey('all', p, 'all', 'demand', c)
      return html`<tr data-programme="${p}"><th scope="row">${titles.get(p) ?? p}</th>${numberCell(k('mean'), r.mean, formatWan(r.mean), { key: k('mean_se'), value: r.mean_se, text: `± ${formatWan(r.mean_se)}` })}${numberCell(k('p05'), r.p05, formatWan(r.p05))}${numberCell(k('p50'), r.p50, formatWan(r.p50))}${numberCell(k('p95'), r.p95, formatWan(r.p95))}${numberCell(k('p99'), r.p99, formatWan(r.p99))}${numberCell(k('tvar95'), r.tvar95, formatWan(r.tvar95), { key: k('tvar95_se'), value: r.tvar95_se, text: `± ${formatWan(r.tvar95_se)}` })}</tr>`
    })
    .filter((x): x is Html => x !== null)
  tables.push(
    dataTable({
      name: 'by-programme',
      caption: `Outlay demanded by programme, ${period(years)}, all funding levels (万元)`,
      head: ['Programme', 'Mean ± s.e.', 'P5', 'P50', 'P95', 'P99', 'TVaR 95% ± s.e.'],
      numeric: [1, 2, 3, 4, 5, 6],
      rows: byProgramme,
    }),
  )
  const byProgrammeYear: Html[] = []
  for (const p of index.programmes)
    for (const y of periods) {
      const r = index.get(y, p, 'all', 'demand')
      if (!r) continue
      const count = (m: string) => index.get(y, p, 'all', m)
      const k = (m: string, c: string) => cellKey(y, p, 'all', m, c)
      const countCell = (m: string) => numberCell(k(m, 'mean'), count(m)?.mean, formatCount(count(m)?.mean))
      byProgrammeYear.push(
        html`<tr${attrs({ class: y === 'all' ? 'total' : null, 'data-programme': p })}><th scope="row">${titles.get(p) ?? p}</th><td>${yearText(y, years)}</td>${numberCell(k('demand', 'mean'), r.mean, formatWan(r.mean), { key: k('demand', 'mean_se'), value: r.mean_se, text: `± ${formatWan(r.mean_se)}` })}${numberCell(k('demand', 'p95'), r.p95, formatWan(r.p95))}${countCell('applicants')}${countCell('recipients')}${countCell('capped')}${numberCell(k('cap_saved', 'mean'), count('cap_saved')?.mean, formatWan(count('cap_saved')?.mean))}${countCell('quota_rejected')}</tr>`,
      )
    }
  tables.push(
    dataTable({
      name: 'by-programme-year',
      caption: 'By programme and year: outlay demanded (万元) and what the rules did (means per trial; counts of applicants and grants)',
      head: ['Programme', 'Year', 'Mean ± s.e.', 'P95', 'Applicants', 'Recipients', 'Capped', 'Cap saves', 'Quota-rejected'],
      numeric: [2, 3, 4, 5, 6, 7, 8],
      rows: byProgrammeYear,
    }),
  )
  return { id: 'tables', title: 'Tables', newPage: true, body: html`${tables}` }
}

const ORIGIN_LABEL: Record<string, string> = { policy: 'Policy', assumption: 'Assumption', scenario: 'Scenario', default: 'Default' }

function citationList(items: { document: string; clause: string; quote?: string; fact?: string; note?: string }[], docs: Map<string, DocumentInfo>): Html {
  return html`<ul class="citations">${items.map((c) => {
    const d = docs.get(c.document)
    return html`<li><span class="clause">${c.document.slice(0, 3)} ${c.clause}</span>${d ? html` <span lang="zh">${d.title_zh ?? d.title}</span>` : ''}${c.fact ? html`: ${c.fact}` : ''}${c.quote ? html` <q class="quote" lang="zh">${c.quote}</q>` : ''}${c.note ? html` <span class="small">(${c.note})</span>` : ''}</li>`
  })}</ul>`
}

/** Why a value is what it is: the clause and its quote, or the assumption with its rationale and facts. */
export function provenanceHtml(p: Provenance | undefined, docs: Map<string, DocumentInfo>, scenarioAssumption?: string): Html {
  if (!p) return html`<span class="muted">engine default</span>`
  const when = p.from !== undefined || p.until !== undefined ? html` <span class="small">(in force${p.from !== undefined ? ` from ${p.from}` : ''}${p.until !== undefined ? ` until ${p.until}` : ''})</span>` : ''
  switch (p.origin) {
    case 'policy':
      return html`${citationList(p.source ?? [], docs)}${p.note ? html`<p class="small">${p.note}</p>` : ''}${when}`
    case 'assumption':
      return html`<p class="assumption">${p.assumption ?? ''}${when}</p>${p.informed_by?.length ? html`<p class="small">Informed by:</p>${citationList(p.informed_by, docs)}` : ''}${p.note ? html`<p class="small">${p.note}</p>` : ''}`
    case 'scenario':
      return html`<p>Set by the scenario <code>${p.scenario ?? ''}</code>${p.from !== undefined ? ` from ${p.from}` : ''}${p.note ? html`: ${p.note}` : ''}</p>${scenarioAssumption ? html`<p class="assumption">Assumption: ${scenarioAssumption}</p>` : ''}`
    default:
      return html`<p class="muted">${p.note ?? 'engine default'}</p>`
  }
}

/** "1 is", "17 are" */
const are = (n: number) => `${n} ${n === 1 ? 'is' : 'are'}`

const badge = (origin: string | undefined) => html`<span class="badge badge-${origin ?? 'default'}">${ORIGIN_LABEL[origin ?? 'default'] ?? origin}</span>`

/** A scenario assumption naming this parameter, or the programme, or any of its parents. */
function scenarioAssumptionFor(assumptions: Record<string, string>, programme: string, parameter: string): string | undefined {
  return assumptions[`programmes.${programme}.${parameter}`] ?? assumptions[`programmes.${programme}`]
}

function datedRows(programme: ProgrammeView, name: string, byYear: DatedParameter[], docs: Map<string, DocumentInfo>, assumptions: Record<string, string>): Html {
  return html`<tr data-programme="${programme.id}" data-parameter="${name}" data-origin="dated"><th scope="row">${parameterName(name)}<br><span class="small">year by year</span></th><td class="value"><ul class="dated">${byYear.map((d) => html`<li data-year="${d.year}"><strong>${d.year}</strong>: ${describeValue(name, d.value)}</li>`)}</ul></td><td class="origin">${[...new Set(byYear.map((d) => d.provenance?.origin))].map((o) => badge(o))}</td><td><ul class="dated">${byYear.map((d) => html`<li data-year="${d.year}"><strong>${d.year}</strong>: ${provenanceHtml(d.provenance, docs, scenarioAssumptionFor(assumptions, programme.id, name))}</li>`)}</ul></td></tr>`
}

/** Where every figure comes from: each programme's parameters with their provenance, the appropriations, the documents cited. */
export function provenanceSection(input: Pick<RunReportInput, 'scenario' | 'documents'>): ReportSection {
  const s = input.scenario
  const docs = new Map(input.documents.map((d) => [d.file, d]))
  const counts: Record<string, number> = { policy: 0, assumption: 0, scenario: 0, default: 0 }
  for (const p of s.programmes) for (const v of Object.values(p.provenance)) counts[v.origin] = (counts[v.origin] ?? 0) + 1
  const blocks = s.programmes.map((p) => {
    const names = [...new Set([...Object.keys(p.parameters), ...Object.keys(p.dated ?? {})])]
    const rows = names.map((name) => {
      const dated = p.dated?.[name]
      if (dated) return datedRows(p, name, dated, docs, s.assumptions ?? {})
      const prov = p.provenance[name]
      return html`<tr data-programme="${p.id}" data-parameter="${name}" data-origin="${prov?.origin ?? 'default'}"><th scope="row">${parameterName(name)}<br><code class="small">${name}</code></th><td class="value">${describeValue(name, p.parameters[name])}</td><td class="origin">${badge(prov?.origin)}</td><td>${provenanceHtml(prov, docs, scenarioAssumptionFor(s.assumptions ?? {}, p.id, name))}</td></tr>`
    })
    return html`<div class="programme-block" data-programme="${p.id}"><h3>${p.title} <code class="small">${p.id}</code></h3>${p.note ? html`<p class="note">${p.note}</p>` : ''}${dataTable({ name: `provenance-${p.id}`, className: 'provenance', caption: `Parameters of ${p.title}`, head: ['Parameter', 'Value', 'Origin', 'Source or reason'], rows })}</div>`
  })
  const approp = Object.entries(s.assumptions ?? {}).filter(([k]) => k === 'appropriations' || k.startsWith('appropriations.'))
  const cited = new Set<string>()
  for (const p of s.programmes) {
    const provs = [...Object.values(p.provenance), ...Object.values(p.dated ?? {}).flatMap((d) => d.map((x) => x.provenance))]
    for (const v of provs) for (const c of [...(v?.source ?? []), ...(v?.informed_by ?? [])]) cited.add(c.document)
  }
  const documents = input.documents.filter((d) => cited.has(d.file))
  return {
    id: 'provenance',
    title: 'Where every figure comes from',
    newPage: true,
    body: html`<p>Of the programmes' ${Object.values(counts).reduce((a, b) => a + b, 0)} figures, ${are(counts.policy)} fixed by policy documents (the clause and its words are quoted), ${are(counts.assumption)} assumptions (with the reason and the facts that informed them), ${are(counts.scenario)} set by this scenario and ${are(counts.default)} engine defaults. Counts and amounts nobody knows in advance are drawn from the distributions shown.</p>
<h3>Appropriations</h3>
${approp.length > 0 ? html`<ul class="scenario-assumptions">${approp.map(([path, why]) => html`<li data-assumption="${path}"><span class="badge badge-assumption">Assumption</span> <code>${path}</code>: ${why}</li>`)}</ul>` : html`<p>${Object.keys(s.appropriations).length > 0 ? 'Set by the scenario.' : 'The scenario sets none.'}</p>`}
${blocks}
<h3>Documents cited</h3>
<ul class="documents">${documents.map((d) => html`<li data-document="${d.file}"><span class="clause">${d.file.slice(0, 3)}</span> <span lang="zh">${d.title_zh ?? ''}</span> — ${d.title}${d.issuer ? html`; ${d.issuer}` : ''}${d.reference ? html`, ${d.reference}` : ''}${d.date ? html`, ${d.date}` : ''} <code class="small">${d.file}</code></li>`)}</ul>`,
  }
}

/** The whole report of a run; with a comparison, its budget impact against the baseline follows the answer. */
export function buildRunReport(input: RunReportInput): ReportDocument {
  const s = input.scenario
  const c = input.comparison ?? null
  const baseline = c?.runs.baseline
  return {
    title: `${s.title ?? s.name}: fiscal exposure report${baseline ? ` with budget impact against ${baseline.name}` : ''}`,
    footer: `${s.name}${baseline ? ` vs ${baseline.name}` : ''} · ${input.metadata.trials.toLocaleString('en-US')} trials · seed ${input.metadata.seed} · spec ${input.metadata.spec_hash.slice(0, 12)} · budget-sim ${input.metadata.engine_version}`,
    titlePage: baseline
      ? titleSection(input, 'Fiscal exposure report with budget impact', [
          ['Compared with', html`<code>${baseline.name}</code>${baseline.title ? ` (${baseline.title})` : ''}${baseline.id ? html`, run <code>${baseline.id}</code>` : ''}, on the same draws`, 'baseline'],
        ])
      : titleSection(input),
    sections: [headlineSection(input), ...(c ? [budgetImpactSection(c.rows, c.runs)] : []), scenarioSection(input), chartsSection(input), tablesSection(input), provenanceSection(input)],
  }
}
