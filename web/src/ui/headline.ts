// Why: the first thing a planner reads about a run: for the chosen funding level and year, the chance
// of needing more than the appropriation, in per cent and in words ("about 1 in 7 years"), with the
// mean (and its standard error), median, 95th percentile, appropriation and expected excess, each
// taken from the summary row, and the baseline's beside them when comparing. For all levels together
// when only some levels set an appropriation, a slot (filled by the results view) gives the chance
// that those levels' combined outlay exceeds their summed appropriations.
import { formatCny } from '../format/cny'
import { formatPercent, oddsInWords } from '../format/odds'
import type { LevelsOverrun } from '../results/levelsOverrun'
import { capitalise, describeSelection, type Selection, type SummaryIndex } from '../results/summaryIndex'
import { h, replace } from './dom'
import { term } from './terms'

function kpi(label: string | Node, value: number | null | undefined, key: string, extra?: Node | string | null, baseline?: number | null): HTMLElement {
  return h(
    'div',
    { class: 'kpi' },
    h('dt', {}, label),
    h('dd', { 'data-key': key, 'data-value': value === null || value === undefined ? '' : String(value) }, h('span', { class: 'kpi-value' }, formatCny(value)), extra ? h('span', { class: 'kpi-extra' }, ' ', extra) : null),
    baseline !== undefined && baseline !== null ? h('dd', { class: 'kpi-baseline' }, `baseline ${formatCny(baseline)}`) : null,
  )
}

const list = (levels: string[]) => (levels.length > 1 ? `${levels.slice(0, -1).join(', ')} and ${levels.at(-1)}` : (levels[0] ?? ''))

/** The slot's text once the chance is known: "Provincial and municipal set appropriations: 2.20 亿元 together in 2015 ..." */
export function fillLevelsOverrun(slot: HTMLElement, o: LevelsOverrun, sel: Selection, years: number[]): void {
  const { when, span } = describeSelection(sel, years)
  slot.removeAttribute('aria-busy')
  slot.dataset.pExceed = String(o.pExceed)
  slot.dataset.appropriation = String(o.appropriation)
  slot.dataset.levels = o.levels.join(',')
  replace(
    slot,
    `${capitalise(list(o.levels))} set${o.levels.length > 1 ? '' : 's'} an appropriation ${when}, `,
    h('strong', { class: 'levels-appropriation' }, formatCny(o.appropriation)),
    `${o.levels.length > 1 ? ' together' : ''}; ${list(o.without)} set${o.without.length > 1 ? '' : 's'} none. Chance that ${o.levels.length > 1 ? 'their combined' : 'its'} outlay exceeds it: `,
    h('strong', { class: 'odds-percent' }, formatPercent(o.pExceed)),
    ', ',
    h('strong', { class: 'odds-words' }, oddsInWords(o.pExceed, { years: span, trials: o.n })),
    '.',
  )
}

export interface HeadlineOptions {
  /** for all levels without a common appropriation: the element the levels' overrun chance goes in */
  levelsSlot?: HTMLElement | null
}

export function headline(index: SummaryIndex, sel: Selection, baseIndex: SummaryIndex | null, options: HeadlineOptions = {}): HTMLElement {
  const row = index.get(sel.year, 'all', sel.level, 'demand')
  const base = baseIndex?.get(sel.year, 'all', sel.level, 'demand') ?? null
  const { what, when, span } = describeSelection(sel, index.years)
  if (!row) return h('section', { class: 'card headline', id: 'headline' }, h('p', {}, 'The summary has no row for this selection.'))
  const p = row.p_exceed
  const odds =
    row.appropriation === null
      ? !index.levels.some((l) => index.get(sel.year, 'all', l, 'demand')?.appropriation != null)
        ? h('p', { class: 'odds odds-none', 'data-p-exceed': '' }, `The scenario sets no appropriation ${when}, so there is no budget line to overrun; the charts show the spread of outlay.`)
        : sel.level === 'all'
          ? (options.levelsSlot ?? h('p', { class: 'odds odds-none', 'data-p-exceed': '' }, 'No single appropriation covers all funding levels together: choose a level above to see the chance of overrunning its budget line.'))
          : h('p', { class: 'odds odds-none', 'data-p-exceed': '' }, `No appropriation is set for this level ${when}, so there is no budget line to overrun.`)
      : h(
          'p',
          { class: 'odds', 'data-p-exceed': String(p) },
          term('p-over', 'Chance'),
          ` of needing more than the appropriation of ${formatCny(row.appropriation)}: `,
          h('strong', { class: 'odds-percent' }, formatPercent(p)),
          ', ',
          h('strong', { class: 'odds-words' }, oddsInWords(p, { years: span, trials: row.n })),
          h('span', { class: 'muted' }, ` (95% interval ${formatPercent(row.p_exceed_lo)}–${formatPercent(row.p_exceed_hi)}).`),
          base && base.p_exceed !== null ? h('span', { class: 'odds-baseline' }, ` Baseline: ${formatPercent(base.p_exceed)}, ${oddsInWords(base.p_exceed, { years: span, trials: base.n })}.`) : null,
        )
  return h(
    'section',
    { class: 'card headline', id: 'headline', 'aria-labelledby': 'headline-h' },
    h('h2', { id: 'headline-h', tabindex: '-1' }, `${what} ${when}`, h('span', { class: 'muted' }, ', all programmes')),
    odds,
    h(
      'dl',
      { class: 'kpis' },
      kpi('Mean outlay', row.mean, 'mean', h('span', {}, `± ${formatCny(row.mean_se)} (`, term('standard-error', 's.e.'), ')'), base?.mean),
      kpi(term('percentiles', 'Median (P50)'), row.p50, 'p50', null, base?.p50),
      kpi(term('percentiles', '95th percentile'), row.p95, 'p95', null, base?.p95),
      kpi(term('appropriation', 'Appropriation'), row.appropriation, 'appropriation'),
      row.expected_excess !== null ? kpi(term('expected-excess', 'Expected excess'), row.expected_excess, 'expected_excess', null, base?.expected_excess) : null,
    ),
  )
}
