// Why: the summary describes, for every (year | all) x (programme | all) x (level | all) group and
// measure, one total per trial. Those per-trial totals ("series") are what exact statistics need,
// so a block of trials produces them where it is simulated and the coordinator stores them in
// trial order. This module fixes, from the plan alone, which groups exist, which series they need
// (groups with the same rows share one series; series that are zero by construction, such as the
// shortfall when appropriations are only recorded, are not stored), and how a series value is
// summed from a trial's rows. Every path (the streaming pipeline and the in-memory reference)
// uses `seriesTotals`, so their numbers agree to the last bit.
import { Exhaustion, type Plan } from '../plan/compilePlan.js'
import { CountColumns, MoneyColumns, type TrialColumns } from '../simulate/TrialColumns.js'

export const ALL = 'all'

/** What a summary row describes. */
export const Measures = [...MoneyColumns, ...CountColumns] as const
export type Measure = (typeof Measures)[number]

/** A stored series: one value per trial, the sum of `column` over `rows` (offsets within a trial). */
export interface SeriesDefinition {
  column: Measure
  money: boolean
  rows: Int32Array
}

/** A summary row to produce: its labels, the series it describes, and its appropriation. */
export interface SummaryRowSpec {
  year: number | null
  programme: string
  level: string
  measure: Measure
  /** index into `series`, or -1 for a series that is zero by construction */
  series: number
  appropriation: number | null
}

export interface SummaryLayout {
  series: SeriesDefinition[]
  rows: SummaryRowSpec[]
  rowsPerTrial: number
}

/**
 * The summary layout of a plan. Rows come in a fixed order: years then "all"; within each,
 * programmes then "all"; within each, levels then "all"; money measures, then counts (counts only
 * where the level is "all", since a programme's counts do not depend on the level).
 */
export function summaryLayout(plan: Plan): SummaryLayout {
  const R = plan.rowsPerTrial
  const nYears = plan.years.length
  const nProgrammes = plan.programmes.length
  const nLevels = plan.levels.length
  const series: SeriesDefinition[] = []
  const byKey = new Map<string, number>()
  const rows: SummaryRowSpec[] = []
  const recordOnly = plan.exhaustion === Exhaustion.record

  const seriesFor = (column: Measure, members: number[]): number => {
    if (members.length === 0 || zeroByConstruction(plan, column, members, recordOnly)) return -1
    // with appropriations only recorded, paid is demand row for row
    const stored = recordOnly && column === 'paid' ? 'demand' : column
    const key = `${stored}:${members.join(',')}`
    let index = byKey.get(key)
    if (index === undefined) {
      index = series.length
      series.push({ column: stored, money: (MoneyColumns as readonly string[]).includes(stored), rows: Int32Array.from(members) })
      byKey.set(key, index)
    }
    return index
  }

  for (let ys = 0; ys <= nYears; ys++) {
    for (let ps = 0; ps <= nProgrammes; ps++) {
      for (let ls = 0; ls <= nLevels; ls++) {
        const allYears = ys === nYears
        const allProgrammes = ps === nProgrammes
        const allLevels = ls === nLevels
        const members: number[] = []
        const firstOfProgrammeYear: number[] = []
        for (let r = 0; r < R; r++) {
          if (!allYears && plan.rowYear[r] !== ys) continue
          if (!allProgrammes && plan.rowProgramme[r] !== ps) continue
          if (!allLevels && plan.rowLevel[r] !== ls) continue
          members.push(r)
          if (r === 0 || plan.rowProgramme[r - 1] !== plan.rowProgramme[r] || plan.rowYear[r - 1] !== plan.rowYear[r]) firstOfProgrammeYear.push(r)
        }
        if (members.length === 0) continue
        const label = {
          year: allYears ? null : plan.years[ys],
          programme: allProgrammes ? ALL : plan.programmes[ps].id,
          level: allLevels ? ALL : plan.levels[ls],
        }
        const appropriation = allProgrammes ? groupAppropriation(plan, allYears ? -1 : ys, allLevels ? -1 : ls) : null
        for (const measure of MoneyColumns) {
          const budget = measure === 'demand' || measure === 'paid' ? appropriation : null
          rows.push({ ...label, measure, series: seriesFor(measure, members), appropriation: budget })
        }
        if (!allLevels) continue
        for (const measure of CountColumns) rows.push({ ...label, measure, series: seriesFor(measure, firstOfProgrammeYear), appropriation: null })
      }
    }
  }
  return { series, rows, rowsPerTrial: R }
}

/** Columns that cannot be other than zero for these rows, whatever the draws. */
function zeroByConstruction(plan: Plan, column: Measure, members: number[], recordOnly: boolean): boolean {
  if (column === 'shortfall') return recordOnly
  const programmes = new Set(members.map((r) => plan.rowProgramme[r]))
  // a column that only some mechanism can fill is zero when none of the rows' programmes has one
  const conditional: readonly string[] = ['capped', 'cap_saved', 'quota_rejected', 'budget_rejected', 'budget_cut']
  if (!conditional.includes(column)) return false
  return [...programmes].every((p) => !(plan.programmes[p].columns as readonly string[]).includes(column))
}

/**
 * The appropriation a group is measured against: for one level and year, that figure; summed
 * over years and/or levels when every one of them has an appropriation; otherwise null.
 */
export function groupAppropriation(plan: Plan, yearIndex: number, levelIndex: number): number | null {
  const nYears = plan.years.length
  const years = yearIndex < 0 ? [...Array(nYears).keys()] : [yearIndex]
  const levels = levelIndex < 0 ? [...plan.levels.keys()] : [levelIndex]
  let total = 0
  for (const l of levels)
    for (const y of years) {
      const a = plan.appropriation[l * nYears + y]
      if (Number.isNaN(a)) return null
      total += a
    }
  return total
}

/**
 * The series of trials [0, trials) of `columns` (rows of consecutive trials), series-major:
 * out[s * trials + t] = sum over the series' rows r, in row order, of column[t * R + r].
 */
export function seriesTotals(layout: SummaryLayout, columns: TrialColumns, trials: number, out = new Float64Array(layout.series.length * trials)): Float64Array {
  const R = layout.rowsPerTrial
  for (let s = 0; s < layout.series.length; s++) {
    const def = layout.series[s]
    const source: Float64Array | Int32Array = def.money ? columns.money[def.column as (typeof MoneyColumns)[number]] : columns.counts[def.column as (typeof CountColumns)[number]]
    const rows = def.rows
    const m = rows.length
    const base = s * trials
    for (let t = 0; t < trials; t++) {
      const at = t * R
      let sum = 0
      for (let k = 0; k < m; k++) sum += source[at + rows[k]]
      out[base + t] = sum
    }
  }
  return out
}
