// Why: the first thing a planner reads about a run: for the chosen funding level and year, the chance
// of needing more than the appropriation, in per cent and in words ("about 1 in 7 years"), with the
// mean (and its standard error), median, 95th percentile, appropriation and expected excess, each
// taken from the summary row, and the baseline's beside them when comparing.
import { formatCny } from '../format/cny'
import { formatPercent, oddsInWords } from '../format/odds'
import { describeSelection, type Selection, type SummaryIndex } from '../results/summaryIndex'
import { h } from './dom'

function kpi(label: string, value: number | null | undefined, key: string, extra?: string | null, baseline?: number | null): HTMLElement {
  return h(
    'div',
    { class: 'kpi' },
    h('dt', {}, label),
    h('dd', { 'data-key': key, 'data-value': value === null || value === undefined ? '' : String(value) }, h('span', { class: 'kpi-value' }, formatCny(value)), extra ? h('span', { class: 'kpi-extra' }, ` ${extra}`) : null),
    baseline !== undefined && baseline !== null ? h('dd', { class: 'kpi-baseline' }, `baseline ${formatCny(baseline)}`) : null,
  )
}

export function headline(index: SummaryIndex, sel: Selection, baseIndex: SummaryIndex | null): HTMLElement {
  const row = index.get(sel.year, 'all', sel.level, 'demand')
  const base = baseIndex?.get(sel.year, 'all', sel.level, 'demand') ?? null
  const { what, when, span } = describeSelection(sel, index.years)
  if (!row) return h('section', { class: 'card headline', id: 'headline' }, h('p', {}, 'The summary has no row for this selection.'))
  const p = row.p_exceed
  const odds =
    row.appropriation === null
      ? h(
          'p',
          { class: 'odds odds-none', 'data-p-exceed': '' },
          !index.levels.some((l) => index.get(sel.year, 'all', l, 'demand')?.appropriation != null)
            ? `The scenario sets no appropriation ${when}, so there is no budget line to overrun; the charts show the spread of outlay.`
            : sel.level === 'all'
              ? 'No single appropriation covers all funding levels together: choose a level above to see the chance of overrunning its budget line.'
              : `No appropriation is set for this level ${when}, so there is no budget line to overrun.`,
        )
      : h(
          'p',
          { class: 'odds', 'data-p-exceed': String(p) },
          `Chance of needing more than the appropriation of ${formatCny(row.appropriation)}: `,
          h('strong', { class: 'odds-percent' }, formatPercent(p)),
          ', ',
          h('strong', { class: 'odds-words' }, oddsInWords(p, { years: span, trials: row.n })),
          h('span', { class: 'muted' }, ` (95% interval ${formatPercent(row.p_exceed_lo)}–${formatPercent(row.p_exceed_hi)}).`),
          base && base.p_exceed !== null ? h('span', { class: 'odds-baseline' }, ` Baseline: ${formatPercent(base.p_exceed)}, ${oddsInWords(base.p_exceed, { years: span, trials: base.n })}.`) : null,
        )
  return h(
    'section',
    { class: 'card headline', id: 'headline', 'aria-labelledby': 'headline-h' },
    h('h2', { id: 'headline-h' }, `${what} ${when}`, h('span', { class: 'muted' }, ', all programmes')),
    odds,
    h(
      'dl',
      { class: 'kpis' },
      kpi('Mean outlay', row.mean, 'mean', `± ${formatCny(row.mean_se)} (s.e.)`, base?.mean),
      kpi('Median', row.p50, 'p50', null, base?.p50),
      kpi('95th percentile', row.p95, 'p95', null, base?.p95),
      kpi('Appropriation', row.appropriation, 'appropriation'),
      row.expected_excess !== null ? kpi('Expected excess', row.expected_excess, 'expected_excess', null, base?.expected_excess) : null,
    ),
  )
}
