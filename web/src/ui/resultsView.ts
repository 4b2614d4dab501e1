// Why: the planner's picture of one run (and its baseline, when comparing): the reform's effect
// first when comparing (with its budget impact by year and level), the chance of overrun in words
// (for all levels, that of the levels that set an appropriation), the distribution and exceedance
// charts (with "the chance outlay exceeds X" for a typed X), the fan chart by year, outlay by
// programme and by funding level, how binding caps and quotas are, the summary table with standard
// errors, where each figure comes from, and the downloads; a run to a precision says whether its
// target was met, and at how many trials. The funding level and year chosen at the top redraw it
// all; a run and its baseline are drawn on the same histogram bins (see results/sharedBins.ts).
// After a run the planner is taken to the answer, which on a phone is far below the editor.
import { getJson } from '../api/client'
import type { Comparison, Distribution, Measure, PolicyDocument, ResolvedScenario, Run, Summary, SummaryRow } from '../api/types'
import { bindingChart, CAPPED, outlayBars, REJECTED, type BarDatum, type BindingDatum } from '../charts/breakdownCharts'
import { exceedanceChart, histogramChart, type DistributionChartInput } from '../charts/distributionCharts'
import { fanChart } from '../charts/fanChart'
import { chartFigure, COLOURS, redraw, type LegendItem } from '../charts/frame'
import { parseAmount } from '../format/amount'
import { formatCny, UNIT_YI } from '../format/cny'
import { formatPercent, oddsInWords } from '../format/odds'
import { describeRule } from '../format/parameters'
import { chanceAbove } from '../results/exceedance'
import { levelsWithAppropriation, loadLevelsOverrun } from '../results/levelsOverrun'
import { distributionUrl, loadSharedDistributions } from '../results/sharedBins'
import { capitalise, defaultSelection, describeSelection, indexSummary, type Selection, type SummaryIndex } from '../results/summaryIndex'
import { precisionOutcome } from '../runs/precisionTarget'
import { comparisonSection } from './comparisonView'
import { h, replace } from './dom'
import { downloadsSection } from './downloads'
import { fillLevelsOverrun, headline } from './headline'
import { impactUrl } from './impactTable'
import { showProblem } from './problemView'
import { provenanceSection } from './provenanceView'
import { AMOUNT_MEASURES, bindingTable, summaryTables, type BindingRow } from './summaryTables'
import { term } from './terms'

export interface RunResults {
  run: Run
  summary: Summary
  scenario: ResolvedScenario
}

export interface ResultsInput extends RunResults {
  baseline: RunResults | null
  documents: PolicyDocument[]
  /** load this run's scenario into the editor */
  onEditScenario: (run: Run) => void
  onStopComparing: () => void
  /** take the planner to the answer once it is drawn (after a run: on a phone it is far below) */
  focus?: boolean
}

/** Move focus to the answer and bring its card into view when it is not (a phone, a long editor above it). */
function focusAnswer(heading: HTMLElement): void {
  heading.focus({ preventScroll: true })
  const card = heading.closest('section') ?? heading
  const top = card.getBoundingClientRect().top
  if (top < 0 || top > window.innerHeight * 0.5) card.scrollIntoView({ block: 'start' })
}

/** Fetch what the results view needs for one finished run. */
export async function loadRunResults(id: string): Promise<RunResults> {
  const [run, summary, scenario] = await Promise.all([
    getJson<Run>(`/runs/${id}`),
    getJson<Summary>(`/runs/${id}/summary`),
    getJson<ResolvedScenario>(`/runs/${id}/scenario`),
  ])
  return { run, summary, scenario }
}

const runTitle = (r: RunResults) => (typeof r.run.scenario.title === 'string' && r.run.scenario.title) || r.scenario.title || r.run.name

function barData(index: SummaryIndex, base: SummaryIndex | null, pairs: { label: string; programme: string; level: Selection['level'] }[], year: Selection['year']): BarDatum[] {
  return pairs
    .map(({ label, programme, level }): BarDatum | null => {
      const r = index.get(year, programme, level, 'demand')
      if (!r) return null
      return { label, mean: r.mean, p05: r.p05, p95: r.p95, appropriation: programme === 'all' ? r.appropriation : null, baselineMean: base?.get(year, programme, level, 'demand')?.mean ?? null }
    })
    .filter((d): d is BarDatum => d !== null)
}

function bindingRows(input: ResultsInput, index: SummaryIndex, base: SummaryIndex | null, year: Selection['year']): BindingRow[] {
  return input.scenario.programmes
    .filter((p) => p.parameters.cap !== null && p.parameters.cap !== undefined ? true : p.parameters.quota !== undefined && p.parameters.quota !== null)
    .map((p) => {
      const get = (i: SummaryIndex | null, m: Measure) => i?.get(year, p.id, 'all', m)
      return {
        programme: p.id,
        title: p.title,
        rule: describeRule(p.parameters.cap, p.parameters.quota),
        approved: get(index, 'approved'),
        capped: p.parameters.cap != null ? get(index, 'capped') : undefined,
        capSaved: p.parameters.cap != null ? get(index, 'cap_saved') : undefined,
        rejected: p.parameters.quota ? get(index, 'quota_rejected') : undefined,
        baselineCapped: get(base, 'capped'),
        baselineCapSaved: get(base, 'cap_saved'),
        baselineRejected: get(base, 'quota_rejected'),
      }
    })
}

function share(part: SummaryRow | undefined, whole: SummaryRow | undefined): number | null {
  if (!part || !whole) return null
  return whole.mean > 0 ? Math.min(1, part.mean / whole.mean) : 0
}

/** Draw the results of `input` into `container`. */
export function renderResults(container: HTMLElement, input: ResultsInput): void {
  const index = indexSummary(input.summary)
  const baseIndex = input.baseline ? indexSummary(input.baseline.summary) : null
  const titles = new Map(input.scenario.programmes.map((p) => [p.id, p.title]))
  let selection = defaultSelection(index)
  let measure: Measure = 'demand'
  let token = 0

  const levelSelect = h(
    'select',
    { id: 'sel-level' },
    [...index.levels, 'all' as const].map((l) => h('option', { value: l, selected: l === selection.level }, l === 'all' ? 'All levels together' : capitalise(l))),
  ) as HTMLSelectElement
  const yearSelect = h(
    'select',
    { id: 'sel-year' },
    [...index.years, 'all' as const].map((y) => h('option', { value: String(y), selected: y === selection.year }, y === 'all' ? `All years (${index.years[0]}–${index.years[index.years.length - 1]})` : String(y))),
  ) as HTMLSelectElement
  const body = h('div', { class: 'results-body', id: 'results-main' })
  // the headline is redrawn for each selection; this region stays and tells screen readers what changed
  const announcer = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' })
  const tableArea = h('div', {})
  const measureSelect = h('select', { id: 'sel-measure' }, AMOUNT_MEASURES.map((m) => h('option', { value: m.value }, m.label))) as HTMLSelectElement

  const run = input.run
  const finished = run.finished_at ? new Date(run.finished_at) : null
  // a reform's budget impact against its baseline, every year and level: asked once, shown in each selection's comparison
  const impact = input.baseline ? getJson<Comparison>(impactUrl(run.id, input.baseline.run.id)) : null
  const precise = run.precision ? precisionOutcome(run.precision) : null
  replace(
    container,
    h(
      'section',
      { class: 'run-head card', 'aria-labelledby': 'run-title' },
      h('h2', { id: 'run-title', tabindex: '-1' }, runTitle(input)),
      h(
        'p',
        { class: 'run-meta' },
        `${run.trials.toLocaleString('en-US')} trials · seed ${run.seed} · ${input.scenario.years.length > 1 ? `${input.scenario.years[0]}–${input.scenario.years.at(-1)}` : input.scenario.years[0]} · ${(run.applications_simulated ?? 0).toLocaleString('en-US')} applications simulated`,
        h('span', { class: 'volatile', 'data-volatile': '' }, ` · run ${run.id.slice(0, 8)}${finished ? `, finished ${finished.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}` : ''}`),
      ),
      precise
        ? h(
            'p',
            { class: 'precision-outcome', 'data-met': String(precise.met), 'data-trials-used': String(precise.trialsUsed ?? ''), 'data-max-trials': String(precise.maxTrials), 'data-se': precise.se.map(String).join(',') },
            term('precision', 'Run until precise'),
            ': ',
            precise.text,
          )
        : null,
      input.baseline
        ? h(
            'p',
            { class: 'comparing' },
            h('span', { class: 'swatch swatch-line', style: `--swatch:${COLOURS.baseline}`, 'aria-hidden': 'true' }),
            ` Compared with ${runTitle(input.baseline)} `,
            h('span', { class: 'volatile', 'data-volatile': '' }, `(run ${input.baseline.run.id.slice(0, 8)})`),
            ' on the same random draws. ',
            h('button', { type: 'button', class: 'link-button', onclick: () => input.onStopComparing() }, 'Stop comparing'),
          )
        : null,
      h(
        'div',
        { class: 'selection' },
        h('div', { class: 'field' }, h('label', { for: 'sel-level' }, 'Funding level'), levelSelect),
        h('div', { class: 'field' }, h('label', { for: 'sel-year' }, 'Year'), yearSelect),
        h('button', { type: 'button', class: 'secondary', id: 'edit-run-scenario', onclick: () => input.onEditScenario(run) }, 'Edit this run’s scenario'),
      ),
      announcer,
    ),
    body,
    h(
      'section',
      { class: 'card summary', id: 'summary', 'aria-labelledby': 'summary-h' },
      h('h2', { id: 'summary-h' }, 'Summary table'),
      h('div', { class: 'field inline' }, h('label', { for: 'sel-measure' }, 'Measure'), measureSelect),
      tableArea,
    ),
    provenanceSection(input.scenario, input.documents),
    downloadsSection(run, input.baseline?.run ?? null),
  )
  container.querySelector('details.prov-programme')?.setAttribute('open', '')

  const drawTables = () => replace(tableArea, summaryTables(index, measure, titles))
  measureSelect.addEventListener('change', () => {
    measure = measureSelect.value as Measure
    drawTables()
  })
  drawTables()

  // an amount the planner asked about on the exceedance chart ("1.8亿"), kept across selections
  let queryText = ''
  let focusPending = input.focus === true

  const drawBody = async () => {
    const mine = ++token
    const sel = { ...selection }
    const { what, when, span } = describeSelection(sel, index.years)
    body.setAttribute('aria-busy', 'true')
    const errors = h('div', { class: 'problem', role: 'alert', hidden: true })
    // all levels, some with an appropriation and some without: the chance for those with one
    const partial = sel.level === 'all' && index.get(sel.year, 'all', 'all', 'demand')?.appropriation == null && levelsWithAppropriation(index, sel.year).levels.length > 0
    const levelsSlot = partial ? h('p', { class: 'odds odds-levels', 'aria-busy': 'true' }, 'Summing the appropriations of the levels that set one…') : null
    const comparison = input.baseline && impact ? comparisonSection(sel, index, baseIndex!, input.baseline.run.trials, impact) : null
    const head = headline(index, sel, baseIndex, { levelsSlot })
    const charts = h('div', { class: 'charts' }, h('p', { class: 'muted loading' }, 'Drawing the charts…'))
    // a comparison's answer first, then the chance of overrun; they stay while the charts load
    replace(body, comparison?.element, head, errors, charts)
    if (focusPending) {
      focusPending = false
      const target = comparison?.heading ?? head.querySelector<HTMLElement>('#headline-h')
      if (target) focusAnswer(target)
    }
    if (levelsSlot)
      void loadLevelsOverrun(run.id, index, sel.year).then(
        (o) => {
          if (mine === token && o) fillLevelsOverrun(levelsSlot, o, sel, index.years)
        },
        (e: unknown) => {
          if (mine !== token) return
          levelsSlot.removeAttribute('aria-busy')
          replace(levelsSlot, 'The chance for the levels with an appropriation could not be computed.')
          showProblem(errors, e, 'The levels’ combined outlay is not available')
        },
      )
    let dist: Distribution
    let baseDist: Distribution | null = null
    let diff: Distribution | null = null
    try {
      const base = input.baseline
      if (base) {
        // both histograms over one range, so the baseline's bins are the run's
        const summaryRow = (i: SummaryIndex) => i.get(sel.year, 'all', sel.level, 'demand')
        let pair: { run: Distribution; baseline: Distribution }
        ;[pair, diff] = await Promise.all([
          loadSharedDistributions(run.id, base.run.id, sel, summaryRow(index), summaryRow(baseIndex!)),
          getJson<Distribution>(distributionUrl(run.id, sel, { against: base.run.id })).catch((e: unknown) => (showProblem(errors, e, 'The paired difference is not available'), null)),
        ])
        dist = pair.run
        baseDist = pair.baseline
      } else {
        dist = await getJson<Distribution>(distributionUrl(run.id, sel))
      }
    } catch (e) {
      if (mine !== token) return
      charts.querySelector('.loading')?.remove()
      comparison?.fail()
      showProblem(errors, e, 'The distribution could not be loaded')
      body.removeAttribute('aria-busy')
      return
    }
    if (mine !== token) return
    if (comparison) {
      if (diff) comparison.fill(diff)
      else comparison.fail()
    }
    const row = index.get(sel.year, 'all', sel.level, 'demand')
    const runLegend: LegendItem[] = [
      { label: input.baseline ? 'This run' : 'Share of trials', colour: COLOURS.run },
      ...(input.baseline ? [{ label: 'Baseline', colour: COLOURS.baseline, shape: 'line' as const }] : []),
      { label: 'P5, P50, P95', colour: COLOURS.ink, shape: 'dash' },
      ...(dist.appropriation !== null ? [{ label: 'Appropriation', colour: COLOURS.appropriation, shape: 'dash' as const }] : []),
    ]
    const distInput: DistributionChartInput = { run: dist, baseline: baseDist, pExceed: row?.p_exceed ?? null, query: null }
    const exceedText =
      dist.appropriation !== null && row?.p_exceed !== null && row?.p_exceed !== undefined ? ` The appropriation of ${formatCny(dist.appropriation)} is exceeded in ${formatPercent(row.p_exceed)} of trials.` : ''

    // "the chance outlay exceeds X" for an X the planner types, read off the curve drawn
    const queryInput = h('input', { type: 'text', id: 'exceed-x', autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. 1.8亿 or 18,000万', 'aria-describedby': 'exceed-answer' }) as HTMLInputElement
    queryInput.value = queryText
    const answer = h('output', { id: 'exceed-answer', for: 'exceed-x', class: 'exceed-answer', 'aria-live': 'polite' })
    const ask = () => {
      queryText = queryInput.value
      const parsed = parseAmount(queryText, UNIT_YI)
      answer.removeAttribute('data-p')
      if (!parsed.ok) {
        distInput.query = null
        answer.textContent = parsed.message
      } else if (parsed.value === null) {
        distInput.query = null
        answer.textContent = ''
      } else {
        const p = chanceAbove(dist, parsed.value)
        distInput.query = { x: parsed.value, p }
        answer.dataset.p = String(p)
        answer.dataset.x = String(parsed.value)
        replace(
          answer,
          h('strong', {}, formatPercent(p)),
          ` of trials need more than ${formatCny(parsed.value)} (${oddsInWords(p, { years: span, trials: dist.n })})`,
          baseDist ? `; baseline ${formatPercent(chanceAbove(baseDist, parsed.value))}` : '',
          '.',
        )
      }
      redraw(exceedanceFigure)
    }
    queryInput.addEventListener('input', ask)
    const exceedanceFigure = chartFigure({
      name: 'exceedance',
      title: 'Probability that outlay exceeds x',
      description: `Read across from any amount to the chance that ${what.toLowerCase()} ${when} is larger.${exceedText}`,
      legend: [
        { label: input.baseline ? 'This run' : 'Exceedance', colour: COLOURS.run, shape: 'line' },
        ...(input.baseline ? [{ label: 'Baseline', colour: COLOURS.baseline, shape: 'dash' as const }] : []),
        ...(dist.appropriation !== null ? [{ label: 'Appropriation', colour: COLOURS.appropriation, shape: 'dash' as const }] : []),
      ],
      draw: (w) => exceedanceChart(distInput, w),
      note: h('div', { class: 'exceed-query' }, h('label', { for: 'exceed-x' }, 'Chance that outlay exceeds'), queryInput, answer),
    })
    if (queryText.trim() !== '') ask()

    const levelPairs = [...index.levels, 'all' as const].map((l) => ({ label: l === 'all' ? 'All levels' : capitalise(l), programme: 'all', level: l }))
    const programmePairs = index.programmes.map((p) => ({ label: titles.get(p) ?? p, programme: p, level: sel.level }))
    const programmeBars = barData(index, baseIndex, programmePairs, sel.year)
    const levelBars = barData(index, baseIndex, levelPairs, sel.year)
    const fanRows = index.years.map((y) => index.get(y, 'all', sel.level, 'demand')).filter((r): r is SummaryRow => r !== undefined)
    const fanBase = baseIndex ? index.years.map((y) => baseIndex.get(y, 'all', sel.level, 'demand')).filter((r): r is SummaryRow => r !== undefined) : undefined
    const binding = bindingRows(input, index, baseIndex, sel.year)
    const bindingData: BindingDatum[] = binding.map((b) => ({
      label: b.title,
      cappedShare: b.capped ? share(b.capped, index.get(sel.year, b.programme, 'all', 'recipients')) : null,
      rejectedShare: b.rejected ? share(b.rejected, b.approved) : null,
    }))
    const barLegend: LegendItem[] = [
      { label: 'Mean', colour: COLOURS.run },
      { label: 'P5–P95', colour: COLOURS.ink, shape: 'line' },
      ...(input.baseline ? [{ label: 'Baseline mean', colour: COLOURS.baseline, shape: 'line' as const }] : []),
    ]
    const levelLabel = sel.level === 'all' ? 'all levels' : `${sel.level} level`

    replace(
      charts,
      h(
        'div',
        { class: 'grid-2' },
        chartFigure({
          name: 'histogram',
          title: `Distribution of ${what.toLowerCase()} ${when}`,
          description: `How often each amount of outlay occurred across ${dist.n.toLocaleString('en-US')} trials; dotted lines mark the percentiles P5 (${formatCny(dist.quantiles.p05)}), P50 (${formatCny(dist.quantiles.p50)}) and P95 (${formatCny(dist.quantiles.p95)}).${exceedText}`,
          legend: runLegend,
          draw: (w) => histogramChart(distInput, w),
        }),
        exceedanceFigure,
      ),
      chartFigure({
        name: 'fan',
        title: `${what} by year`,
        description: `The darker band holds the middle half of trials (P25–P75), the lighter band nine in ten (P5–P95); the line is the median.${fanRows.some((r) => r.appropriation !== null) ? ' Red diamonds are the appropriations.' : ''}`,
        legend: [
          { label: 'P5–P95', colour: COLOURS.runPale },
          { label: 'P25–P75', colour: COLOURS.runLight },
          { label: 'Median', colour: COLOURS.run, shape: 'line' },
          ...(input.baseline ? [{ label: 'Baseline median', colour: COLOURS.baseline, shape: 'dash' as const }] : []),
          ...(fanRows.some((r) => r.appropriation !== null) ? [{ label: 'Appropriation', colour: COLOURS.appropriation, shape: 'dash' as const }] : []),
        ],
        draw: (w) => fanChart({ rows: fanRows, baselineRows: fanBase }, w),
      }),
      h(
        'div',
        { class: 'grid-2' },
        chartFigure({
          name: 'programmes',
          title: `Outlay by programme, ${levelLabel}, ${when.replace(/^(in|over) /, '')}`,
          description: 'Mean outlay of each programme, with the range that holds nine trials in ten (P5–P95).',
          legend: barLegend,
          draw: (w) => outlayBars(programmeBars, w, 'Outlay'),
        }),
        chartFigure({
          name: 'levels',
          title: `Outlay by funding level, ${when.replace(/^(in|over) /, '')}`,
          description: 'Mean outlay at each funding level with P5–P95; a red dashed tick marks the appropriation where one is set.',
          legend: [...barLegend, { label: 'Appropriation', colour: COLOURS.appropriation, shape: 'dash' }],
          draw: (w) => outlayBars(levelBars, w, 'Outlay'),
        }),
      ),
      binding.length > 0
        ? h(
            'section',
            { class: 'binding', id: 'binding', 'aria-labelledby': 'binding-h' },
            h('h2', { id: 'binding-h', class: 'section-title' }, 'How binding are the caps and quotas?'),
            chartFigure({
              name: 'binding',
              title: `Caps and quotas ${when}`,
              description: 'For each programme with a cap or a quota: the share of recipients whose grant is cut by the cap, and the share of approved applications the quota turns away.',
              legend: [
                { label: CAPPED, colour: COLOURS.capped, shape: 'dot' },
                { label: REJECTED, colour: COLOURS.quota, shape: 'square' },
              ],
              draw: (w) => bindingChart(bindingData, w),
              note: bindingTable(binding, when.replace(/^(in|over) /, ''), input.baseline !== null),
            }),
          )
        : null,
    )
    body.removeAttribute('aria-busy')
    announcer.textContent = `Showing ${what.toLowerCase()} ${when}${row?.p_exceed != null ? `: ${formatPercent(row.p_exceed)} chance of overrunning the appropriation, ${oddsInWords(row.p_exceed, { years: describeSelection(sel, index.years).span, trials: row.n })}` : ''}.`
  }

  const onSelect = () => {
    selection = { level: levelSelect.value as Selection['level'], year: yearSelect.value === 'all' ? 'all' : Number(yearSelect.value) }
    void drawBody()
  }
  levelSelect.addEventListener('change', onSelect)
  yearSelect.addEventListener('change', onSelect)
  void drawBody()
}
