// Why: the budget-impact table is what a finance bureau quotes about a reform: for every year (and
// the whole period) and funding level (and all levels), the mean outlay before (the baseline) and
// after (the reform), the difference with its paired standard error (both runs on the same draws),
// the chance of overrunning the appropriation before and after, and P95 before and after. Every
// number is the server's (GET /runs/:id/compare?against=<baseline>), in 万元 like the summary table,
// each cell keyed with its raw value; the row of the level and year on screen is marked.
import type { Comparison, ImpactRow } from '../api/types'
import { formatWan } from '../format/cny'
import { formatPercent } from '../format/odds'
import { capitalise, type Selection } from '../results/summaryIndex'
import { h } from './dom'
import { table, td, withError } from './summaryTables'
import { term } from './terms'

/** The address of the budget-impact table of `runId` against `baselineId`. */
export function impactUrl(runId: string, baselineId: string): string {
  return `/runs/${runId}/compare?against=${encodeURIComponent(baselineId)}`
}

/** "+1,234.5" / "−237.0" (万元): a difference says its sign. */
const signedWan = (v: number) => `${v > 0 && formatWan(v) !== '0.0' ? '+' : ''}${formatWan(v)}`

/** An appropriation, with the baseline's beside it when the reform changes it. */
function appropriationCell(r: ImpactRow, key: string): HTMLElement {
  const after = r.appropriation_after
  const before = r.appropriation_before
  return td(after, h('span', {}, after === null ? '–' : formatWan(after), before !== after ? h('span', { class: 'baseline-value' }, `baseline ${before === null ? 'none' : formatWan(before)}`) : null), key)
}

export function impactTable(comparison: Comparison, years: number[], selection: Selection): HTMLElement {
  const period = `${years[0]}–${years[years.length - 1]}`
  const rows = comparison.rows.map((r) => {
    const k = (column: string) => `impact|${r.year}|${r.level}|${column}`
    const selected = String(r.year) === String(selection.year) && r.level === selection.level
    return h(
      'tr',
      { class: [r.level === 'all' ? 'total-row' : '', selected ? 'selected' : ''].join(' ').trim(), 'data-year': String(r.year), 'data-level': r.level, 'aria-current': selected ? 'true' : null },
      h('th', { scope: 'row' }, h('span', { class: 'row-year' }, r.year === 'all' ? period : String(r.year)), ' ', h('span', { class: 'row-level' }, r.level === 'all' ? 'All levels' : capitalise(r.level))),
      td(r.mean_before, formatWan(r.mean_before), k('mean_before')),
      td(r.mean_after, formatWan(r.mean_after), k('mean_after')),
      withError(k('difference'), r.difference, signedWan(r.difference), k('difference_se'), r.difference_se, `± ${formatWan(r.difference_se)}`),
      td(r.p_exceed_before, formatPercent(r.p_exceed_before), k('p_exceed_before')),
      td(r.p_exceed_after, formatPercent(r.p_exceed_after), k('p_exceed_after')),
      td(r.p95_before, formatWan(r.p95_before), k('p95_before')),
      td(r.p95_after, formatWan(r.p95_after), k('p95_after')),
      appropriationCell(r, k('appropriation_after')),
    )
  })
  return h(
    'section',
    { class: 'impact', id: 'impact', 'aria-labelledby': 'impact-h' },
    h('h3', { id: 'impact-h' }, term('budget-impact', 'Budget impact'), ', by year and funding level'),
    h(
      'p',
      { class: 'muted small' },
      `This run (after) against its baseline (before), both on the same ${comparison.trials.toLocaleString('en-US')} trials (seed ${comparison.seed}); ± is the `,
      term('paired-difference', 'paired'),
      ' ',
      term('standard-error', 'standard error'),
      ' of the difference. The level and year on screen are highlighted.',
    ),
    table(
      `Mean outlay before and after, the difference, the chance of overrun and P95 (万元; outlay demanded by the rules)`,
      [
        'Year and level',
        'Mean before',
        'Mean after',
        h('span', {}, 'Difference ± ', term('standard-error', 's.e.')),
        h('span', {}, term('p-over', 'P(over)'), ' before'),
        h('span', {}, term('p-over', 'P(over)'), ' after'),
        h('span', {}, term('percentiles', 'P95'), ' before'),
        h('span', {}, term('percentiles', 'P95'), ' after'),
        term('appropriation', 'Appropriation'),
      ],
      rows,
      'impact',
    ),
  )
}
