// Why: planners read outlay by year, programme and funding level, and in total. This groups the
// trial rows into every (year | all) x (programme | all) x (level | all) combination and
// describes each measure's distribution across trials.
import type { Plan } from '../plan/compilePlan.js'
import { CountColumns, MoneyColumns, type TrialColumns } from '../simulate/TrialColumns.js'
import { describeSample, type SampleStatistics } from './describeSample.js'

export const ALL = 'all'

/** What a summary row describes. */
export const Measures = [...MoneyColumns, ...CountColumns] as const
export type Measure = (typeof Measures)[number]

export interface SummaryRow extends SampleStatistics {
  /** the year, or null for all years together */
  year: number | null
  /** a programme id, or "all" */
  programme: string
  /** a funding level, or "all" */
  level: string
  measure: Measure
}

/**
 * Summarise a run. Money measures (demand, paid, shortfall, cap_saved) are given for every
 * group; counts (applicants, approved, capped, quota_rejected, recipients) only where level is
 * "all", since they do not depend on the level. Appropriations, and so overrun probabilities,
 * apply to groups over all programmes, for demand and paid.
 */
export function summarize(plan: Plan, columns: TrialColumns, trials: number): SummaryRow[] {
  const R = plan.rowsPerTrial
  const nYears = plan.years.length
  const nProgrammes = plan.programmes.length
  const nLevels = plan.levels.length
  const values = new Float64Array(trials)
  const scratch = new Float64Array(2 * trials)
  const rows: SummaryRow[] = []

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
          if (r === 0 || plan.rowProgramme[r - 1] !== plan.rowProgramme[r] || plan.rowYear[r - 1] !== plan.rowYear[r])
            firstOfProgrammeYear.push(r)
        }
        if (members.length === 0) continue
        const label = {
          year: allYears ? null : plan.years[ys],
          programme: allProgrammes ? ALL : plan.programmes[ps].id,
          level: allLevels ? ALL : plan.levels[ls],
        }
        const appropriation = allProgrammes ? groupAppropriation(plan, allYears ? -1 : ys, allLevels ? -1 : ls) : null
        for (const measure of MoneyColumns) {
          sumRows(columns.money[measure], members, R, trials, values)
          const budget = measure === 'demand' || measure === 'paid' ? appropriation : null
          rows.push({ ...label, measure, ...describeSample(values, budget, scratch) })
        }
        if (!allLevels) continue
        for (const measure of CountColumns) {
          sumRows(columns.counts[measure], firstOfProgrammeYear, R, trials, values)
          rows.push({ ...label, measure, ...describeSample(values, null, scratch) })
        }
      }
    }
  }
  return rows
}

function sumRows(column: Float64Array | Int32Array, members: number[], R: number, trials: number, out: Float64Array): void {
  const m = members.length
  for (let t = 0; t < trials; t++) {
    const base = t * R
    let s = 0
    for (let k = 0; k < m; k++) s += column[base + members[k]]
    out[t] = s
  }
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
