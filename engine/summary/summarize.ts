// Why: planners read outlay by year, programme and funding level, and in total. This turns the
// per-trial series of a run (see SummaryLayout) into summary rows. The streaming pipeline calls
// `describeLayoutSeries` for series it reads back from disk; `summarize` does the same from rows
// held in memory (tests, small runs), so both give the same numbers to the last bit.
import type { Plan } from '../plan/compilePlan.js'
import type { TrialColumns } from '../simulate/TrialColumns.js'
import { describeExceedance, describeScratch, describeSeries, type SampleStatistics, type SeriesStatistics } from './describeSample.js'
import { ALL, groupAppropriation, Measures, seriesTotals, summaryLayout, type Measure, type SummaryLayout } from './SummaryLayout.js'

export { ALL, Measures, groupAppropriation, type Measure }

export interface SummaryRow extends SampleStatistics {
  /** the year, or null for all years together */
  year: number | null
  /** a programme id, or "all" */
  programme: string
  /** a funding level, or "all" */
  level: string
  measure: Measure
}

/** The statistics of one stored series, with its exceedance against each appropriation its rows need. */
export interface DescribedSeries {
  series: number
  stats: SeriesStatistics
  /** appropriation (as a string key, "null" for none) -> exceedance statistics */
  exceedance: Record<string, ReturnType<typeof describeExceedance>>
}

/** The appropriations the summary rows of each series are measured against. */
export function appropriationsBySeries(layout: SummaryLayout): number[][] {
  const out: number[][] = layout.series.map(() => [])
  for (const row of layout.rows)
    if (row.series >= 0 && row.appropriation !== null && !out[row.series].includes(row.appropriation)) out[row.series].push(row.appropriation)
  return out
}

/** Describe series `index` of a layout from its values (trial order). */
export function describeLayoutSeries(index: number, values: Float64Array, appropriations: number[], scratch?: Float64Array): DescribedSeries {
  const exceedance: DescribedSeries['exceedance'] = { null: describeExceedance(values, null) }
  for (const a of appropriations) exceedance[String(a)] = describeExceedance(values, a)
  return { series: index, stats: describeSeries(values, scratch), exceedance }
}

/** The summary rows of a layout, given every series described (index -> description). */
export function assembleSummary(layout: SummaryLayout, described: (DescribedSeries | undefined)[], trials: number): SummaryRow[] {
  let zero: DescribedSeries | null = null
  const zeroSeries = (appropriation: number | null): DescribedSeries => {
    if (!zero) {
      const values = new Float64Array(trials)
      zero = describeLayoutSeries(-1, values, [])
    }
    if (appropriation !== null && !zero.exceedance[String(appropriation)])
      zero.exceedance[String(appropriation)] = describeExceedance(new Float64Array(trials), appropriation)
    return zero
  }
  return layout.rows.map((row) => {
    const d = row.series < 0 ? zeroSeries(row.appropriation) : described[row.series]
    if (!d) throw new Error(`summary: series ${row.series} was not described`)
    return {
      year: row.year,
      programme: row.programme,
      level: row.level,
      measure: row.measure,
      ...d.stats,
      ...d.exceedance[String(row.appropriation)],
    }
  })
}

/**
 * Summarise a run held in memory. Money measures (demand, paid, shortfall, cap_saved) are given
 * for every group; counts (applicants, approved, capped, quota_rejected, recipients) only where
 * level is "all". Appropriations, and so overrun probabilities, apply to groups over all
 * programmes, for demand and paid.
 */
export function summarize(plan: Plan, columns: TrialColumns, trials: number): SummaryRow[] {
  const layout = summaryLayout(plan)
  const totals = seriesTotals(layout, columns, trials)
  const appropriations = appropriationsBySeries(layout)
  const scratch = describeScratch(trials)
  const described = layout.series.map((_, s) => describeLayoutSeries(s, totals.subarray(s * trials, (s + 1) * trials), appropriations[s], scratch))
  return assembleSummary(layout, described, trials)
}
