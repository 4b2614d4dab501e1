// Why: decision analyses need the per-trial values of a few summary groups (the municipal outlay
// of 2017, the total over all years), not just their statistics: paired differences between runs
// on the same draws, rank correlations and precision checks are computed from them. A selector
// names a group by the labels of its summary row; this finds the stored series behind it.
import { BudgetSimError } from '../errors.js'
import type { SummaryLayout } from '../summary/SummaryLayout.js'

/** A summary group: year (null for all years), programme ("all" or an id), level ("all" or an id), measure. */
export interface SeriesSelector {
  year: number | null
  programme: string
  level: string
  measure: string
}

/**
 * The index of the stored series behind a selector's summary row, -1 for a series that is zero
 * by construction. Throws ANALYSIS_INVALID when the layout has no such row, unless `missing` is
 * 'zero' (a group without rows in the run, such as a level no programme funds in a year, has
 * outlay 0 in every trial): then -1.
 */
export function seriesIndexOf(layout: SummaryLayout, s: SeriesSelector, options: { missing?: 'error' | 'zero' } = {}): number {
  const row = layout.rows.find((r) => r.year === s.year && r.programme === s.programme && r.level === s.level && r.measure === s.measure)
  if (!row && options.missing === 'zero') return -1
  if (!row)
    throw new BudgetSimError('ANALYSIS_INVALID', `the run has no summary group ${describeSelector(s)}`, {
      issues: [{ path: 'target', message: `no summary group ${describeSelector(s)} in this run` }],
    })
  return row.series
}

export function describeSelector(s: SeriesSelector): string {
  return `${s.measure} of ${s.programme === 'all' ? 'all programmes' : s.programme}, ${s.level === 'all' ? 'all levels' : s.level}, ${s.year === null ? 'all years' : s.year}`
}
