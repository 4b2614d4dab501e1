// Why: budget offices read a reform as a budget-impact table: by year (and all years) and funding
// level (and all levels), the expected cost before and after, the difference with its Monte Carlo
// error, the 95th percentile before and after, and the chance of overrunning the appropriation
// before and after. The reform and its baseline are simulated on the same draws, so the
// difference's standard error is the paired one (sd of the per-trial differences / sqrt(n)),
// usually far below either mean's own. This builds the table from the two runs' per-trial group
// totals, which come from the runs' series (CLI) or from their stored trials files (API, in a
// worker thread, one pass over each file).
import { open } from 'node:fs/promises'
import { RecordBatchReader } from 'apache-arrow'
import { BudgetSimError } from '../errors.js'
import type { Plan } from '../plan/compilePlan.js'
import { describeSample } from '../summary/describeSample.js'
import { groupAppropriation } from '../summary/SummaryLayout.js'
import type { SeriesSelector } from './seriesSelector.js'
import { pairedDifference } from './target.js'

/** What the table needs of a run's plan: its years, levels and appropriations. */
export type AppropriationPlan = Pick<Plan, 'years' | 'levels' | 'appropriation'>

/** The part of a plan the table needs (small enough to send to a worker thread). */
export function appropriationPlan(plan: Plan): AppropriationPlan {
  return { years: plan.years, levels: plan.levels, appropriation: plan.appropriation }
}

export interface ImpactGroup {
  year: number | null
  level: string
}

export interface ImpactRow {
  year: number | 'all'
  level: string
  measure: string
  appropriation_before: number | null
  appropriation_after: number | null
  mean_before: number
  mean_after: number
  /** mean_after - mean_before */
  difference: number
  /** paired standard error of the difference */
  difference_se: number | null
  p95_before: number
  p95_after: number
  p_exceed_before: number | null
  p_exceed_after: number | null
}

/** The table's groups: each year then all years; within each, each level of either run then all levels. */
export function impactGroups(before: AppropriationPlan, after: AppropriationPlan): ImpactGroup[] {
  const years = [...new Set([...before.years, ...after.years])].sort((a, b) => a - b)
  const order = [...before.levels, ...after.levels.filter((l) => !before.levels.includes(l))]
  const out: ImpactGroup[] = []
  for (const year of [...years, null]) for (const level of [...order, 'all']) out.push({ year, level })
  return out
}

/** The selectors of a table's groups for one measure. */
export function impactSelectors(groups: ImpactGroup[], measure: string): SeriesSelector[] {
  return groups.map((g) => ({ year: g.year, programme: 'all', level: g.level, measure }))
}

/** A group's appropriation in a plan (null when the plan has none for it, or lacks the year or level). */
export function appropriationOf(plan: AppropriationPlan, g: ImpactGroup): number | null {
  const years = [...plan.years]
  const levels = plan.levels as string[]
  if (g.year !== null && !years.includes(g.year)) return null
  if (g.level !== 'all' && !levels.includes(g.level)) return null
  return groupAppropriation(plan as Plan, g.year === null ? -1 : years.indexOf(g.year), g.level === 'all' ? -1 : levels.indexOf(g.level))
}

/** The budget-impact rows from each group's per-trial totals before (baseline) and after (reform). */
export function budgetImpactRows(
  groups: ImpactGroup[],
  measure: string,
  before: { plan: AppropriationPlan; series: Float64Array[] },
  after: { plan: AppropriationPlan; series: Float64Array[] },
): ImpactRow[] {
  return groups.map((g, i) => {
    const a = before.series[i]
    const b = after.series[i]
    const appropriationA = appropriationOf(before.plan, g)
    const appropriationB = appropriationOf(after.plan, g)
    const da = describeSample(a, appropriationA)
    const db = describeSample(b, appropriationB)
    const paired = pairedDifference(a, b, 'mean', appropriationA, appropriationB)
    return {
      year: g.year === null ? 'all' : g.year,
      level: g.level,
      measure,
      appropriation_before: appropriationA,
      appropriation_after: appropriationB,
      mean_before: da.mean,
      mean_after: db.mean,
      difference: paired.difference,
      difference_se: paired.se,
      p95_before: da.p95,
      p95_after: db.p95,
      p_exceed_before: da.p_exceed,
      p_exceed_after: db.p_exceed,
    }
  })
}

/**
 * Per-trial totals of `measure` for each group, from a stored trials file, in one pass: a row
 * adds to its (year, level), (year, all), (all, level) and (all, all) groups, rows in file order,
 * so each total is summed in the order the run's own summary sums it.
 */
export async function groupTotalsFromFile(path: string, trials: number, measure: string, groups: ImpactGroup[]): Promise<Float64Array[]> {
  const totals = groups.map(() => new Float64Array(trials))
  const index = new Map(groups.map((g, i) => [`${g.year ?? 'all'}|${g.level}`, i]))
  let handle
  try {
    handle = await open(path, 'r')
  } catch (e) {
    throw new BudgetSimError('OUTPUT_FAILED', `cannot read ${path}: ${(e as Error).message}`, { cause: e })
  }
  try {
    const reader = await RecordBatchReader.from(handle)
    await reader.open()
    for await (const batch of reader) {
      const trial = batch.getChild('trial')!.data[0].values as Int32Array
      const year = batch.getChild('year')!.data[0].values as Int32Array
      const levelData = batch.getChild('level')!.data[0]
      const level = levelData.values as Int32Array
      const dictionary = [...levelData.dictionary!] as string[]
      const column = batch.getChild(measure)
      if (!column) throw new BudgetSimError('INVALID_ARGUMENT', `the trials table has no column ${measure}`)
      const values = column.data[0].values as Float64Array
      // per (year, level index): the four groups a row adds to
      const targets = new Map<string, Float64Array[]>()
      for (let i = 0; i < batch.numRows; i++) {
        const key = `${year[i]}|${level[i]}`
        let to = targets.get(key)
        if (!to) {
          const name = dictionary[level[i]]
          to = [`${year[i]}|${name}`, `${year[i]}|all`, `all|${name}`, 'all|all'].flatMap((k) => (index.has(k) ? [totals[index.get(k)!]] : []))
          targets.set(key, to)
        }
        const t = trial[i]
        const v = values[i]
        for (const target of to) target[t] += v
      }
    }
  } finally {
    await handle.close()
  }
  return totals
}
