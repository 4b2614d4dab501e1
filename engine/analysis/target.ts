// Why: an analysis asks about one figure of the summary: the mean, the 95th percentile or the
// chance of overrunning the appropriation, of the outlay demanded (or paid) at a funding level (or
// all) in a year (or all years). This checks such a target against a run, names the summary group
// whose per-trial values it needs, and computes the statistic with its Monte Carlo standard error,
// alone or as a paired difference between two runs on the same draws.
import { quantileSorted } from 'simple-statistics'
import { BudgetSimError, type Issue } from '../errors.js'
import type { Plan } from '../plan/compilePlan.js'
import { BATCHES, MIN_BATCH_TRIALS, batchSpread } from '../summary/batchStandardError.js'
import { describeSample } from '../summary/describeSample.js'
import { groupAppropriation } from '../summary/SummaryLayout.js'
import type { SeriesSelector } from './seriesSelector.js'

export const Statistics = ['mean', 'p95', 'p_exceed'] as const
export type Statistic = (typeof Statistics)[number]
export const TargetMeasures = ['demand', 'paid'] as const
export type TargetMeasure = (typeof TargetMeasures)[number]

/** A figure of the summary: statistic of the outlay (measure) at a level (or all) in a year (or all). */
export interface Target {
  measure: TargetMeasure
  level: string
  year: number | 'all'
  statistic: Statistic
}

export interface CheckedTarget {
  target: Target
  selector: SeriesSelector
  /** the group's appropriation (p_exceed is measured against it); null where it has none */
  appropriation: number | null
}

/**
 * Check a target against a run's plan: the measure, level, year and statistic exist, and p_exceed
 * has an appropriation to exceed (NO_APPROPRIATION otherwise). Problems name `field`.level etc.
 */
export function checkTarget(plan: Plan, input: Partial<Record<keyof Target, unknown>>, field = 'target'): CheckedTarget {
  const issues: Issue[] = []
  const measure = (input.measure ?? 'demand') as TargetMeasure
  if (!(TargetMeasures as readonly unknown[]).includes(measure)) issues.push({ path: `${field}.measure`, message: `must be one of ${TargetMeasures.join(', ')}, got ${JSON.stringify(input.measure)}` })
  const statistic = (input.statistic ?? 'mean') as Statistic
  if (!(Statistics as readonly unknown[]).includes(statistic)) issues.push({ path: `${field}.statistic`, message: `must be one of ${Statistics.join(', ')}, got ${JSON.stringify(input.statistic)}` })
  const levels = plan.levels as string[]
  const level = String(input.level ?? 'all')
  if (level !== 'all' && !levels.includes(level)) issues.push({ path: `${field}.level`, message: `${level} is not a funding level of this run (${[...levels, 'all'].join(', ')})` })
  const years = [...plan.years]
  const yearText = input.year === undefined ? 'all' : String(input.year)
  let year: number | 'all' = 'all'
  if (yearText !== 'all') {
    if (!/^[0-9]{4}$/.test(yearText) || !years.includes(Number(yearText))) issues.push({ path: `${field}.year`, message: `${yearText} is not a year of this run (${[...years, 'all'].join(', ')})` })
    else year = Number(yearText)
  }
  if (issues.length > 0) throw new BudgetSimError('ANALYSIS_INVALID', `the target does not fit the scenario: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues })
  const appropriation = groupAppropriation(plan, year === 'all' ? -1 : years.indexOf(year), level === 'all' ? -1 : levels.indexOf(level))
  const target: Target = { measure, level, year, statistic }
  if (statistic === 'p_exceed' && appropriation === null)
    throw new BudgetSimError('NO_APPROPRIATION', `p_exceed of ${describeTarget(target)} needs an appropriation, and the scenario sets none for it${level === 'all' || year === 'all' ? ' (over several levels or years every one needs an appropriation)' : ''}`, {
      issues: [{ path: `${field}.statistic`, message: `${describeTarget(target)} has no appropriation to exceed: give appropriations.${level === 'all' ? '<level>' : level}.${year === 'all' ? '<year>' : year}, or choose mean or p95` }],
    })
  return { target, appropriation, selector: { year: year === 'all' ? null : year, programme: 'all', level, measure } }
}

/** "mean demand, municipal, 2017" */
export function describeTarget(t: Target): string {
  const name = t.statistic === 'p_exceed' ? 'P(exceed appropriation)' : t.statistic
  return `${name} of ${t.measure}, ${t.level === 'all' ? 'all levels' : t.level}, ${t.year === 'all' ? 'all years' : t.year}`
}

/** The appropriation of a target's group in another run's plan (an analysis may change it). */
export function targetAppropriation(plan: Plan, t: Target): number | null {
  const years = [...plan.years]
  const levels = plan.levels as string[]
  if (t.level !== 'all' && !levels.includes(t.level)) return null
  return groupAppropriation(plan, t.year === 'all' ? -1 : years.indexOf(t.year), t.level === 'all' ? -1 : levels.indexOf(t.level))
}

export interface Estimate {
  value: number
  /** Monte Carlo standard error; null where it cannot be estimated (batch means under 200 trials) */
  se: number | null
}

/**
 * The statistic of one per-trial sample with its standard error. Values are those of the summary
 * (describeSample: the same code, so the same bits): mean with sd/sqrt(n); p95 (type 7) with the
 * summary's batch-means error; p_exceed with the batch-means error of the exceedance fraction
 * over 20 contiguous batches.
 */
export function estimate(values: Float64Array, statistic: Statistic, appropriation: number | null): Estimate {
  const d = describeSample(values, appropriation)
  switch (statistic) {
    case 'mean':
      return { value: d.mean, se: d.mean_se }
    case 'p95':
      return { value: d.p95, se: d.var95_se }
    case 'p_exceed':
      if (appropriation === null || d.p_exceed === null) throw new BudgetSimError('NO_APPROPRIATION', 'p_exceed needs an appropriation')
      return { value: d.p_exceed, se: batchError(values.length, (from, to) => exceedFraction(values, from, to, appropriation)) }
  }
}

export interface PairedEstimate {
  /** statistic(b) - statistic(a) */
  difference: number
  /** paired Monte Carlo standard error of the difference */
  se: number | null
}

/**
 * The difference statistic(b) - statistic(a) of two runs on the same draws (trial t of both used
 * the same random numbers), with its paired standard error: for the mean, the sd of the per-trial
 * differences / sqrt(n); for p95 and p_exceed, batch means of the difference over 20 contiguous
 * batches of trials (null under 200 trials). Each run is measured against its own appropriation.
 */
export function pairedDifference(a: Float64Array, b: Float64Array, statistic: Statistic, appropriationA: number | null, appropriationB: number | null = appropriationA): PairedEstimate {
  if (a.length !== b.length) throw new Error(`paired samples differ in length: ${a.length} and ${b.length}`)
  const ea = estimate(a, statistic, appropriationA)
  const eb = estimate(b, statistic, appropriationB)
  const difference = eb.value - ea.value
  const n = a.length
  if (statistic === 'mean') {
    let mean = 0
    for (let i = 0; i < n; i++) mean += b[i] - a[i]
    mean /= n
    let ss = 0
    for (let i = 0; i < n; i++) ss += (b[i] - a[i] - mean) ** 2
    return { difference, se: n > 1 ? Math.sqrt(ss / (n - 1)) / Math.sqrt(n) : null }
  }
  const batch =
    statistic === 'p95'
      ? (from: number, to: number) => batchQuantile(b, from, to, 0.95) - batchQuantile(a, from, to, 0.95)
      : (from: number, to: number) => exceedFraction(b, from, to, appropriationB!) - exceedFraction(a, from, to, appropriationA!)
  return { difference, se: batchError(n, batch) }
}

function exceedFraction(values: Float64Array, from: number, to: number, appropriation: number): number {
  let over = 0
  for (let i = from; i < to; i++) if (values[i] > appropriation) over++
  return over / (to - from)
}

function batchQuantile(values: Float64Array, from: number, to: number, p: number): number {
  const sorted = values.slice(from, to).sort()
  return quantileSorted(sorted as unknown as number[], p)
}

/** sd over the 20 contiguous batches of a batch statistic, / sqrt(20); null under 200 trials. */
export function batchError(n: number, statistic: (from: number, to: number) => number): number | null {
  if (n < BATCHES * MIN_BATCH_TRIALS) return null
  const stats = new Float64Array(BATCHES)
  for (let b = 0; b < BATCHES; b++) stats[b] = statistic(Math.floor((b * n) / BATCHES), Math.floor(((b + 1) * n) / BATCHES))
  return batchSpread(stats)
}

/** Whether an estimate's 95% interval contains zero (null when its error is unknown). */
export function crossesZero(value: number, se: number | null): boolean | null {
  if (se === null) return null
  return Math.abs(value) <= 1.959963984540054 * se
}
