// Why: "how many trials?" has an answer once the planner says how precise a figure must be
// (Crystal Ball's precision control): keep adding trials until the Monte Carlo standard error of
// every named figure is at or below its target, or the maximum is reached. Checks happen at fixed
// trial counts, the same whatever the executor or block size, so a precision run is reproducible
// and equals a fixed run of the trial count it stopped at.
import { BudgetSimError, type Issue } from '../errors.js'
import { describeSample } from '../summary/describeSample.js'
import { Statistics, TargetMeasures, type Statistic, type TargetMeasure } from './target.js'

/** A figure and the largest standard error accepted for it. */
export interface PrecisionTarget {
  statistic: Statistic
  level: string
  year: number | 'all'
  measure: TargetMeasure
  se: number
}

export interface PrecisionCheck {
  trials: number
  /** each target's standard error at this count, in target order (null where undefined) */
  se: (number | null)[]
  met: boolean
}

export interface PrecisionOutcome {
  targets: PrecisionTarget[]
  /** every target met at the last check; false when the maximum was reached first */
  met: boolean
  trials_used: number
  max_trials: number
  checks: PrecisionCheck[]
}

/** The first check's trial count. */
export const FIRST_CHECK = 1000

/**
 * The trial counts at which a precision run checks its targets: 1,000 x 2^(k/2) rounded to
 * hundreds (1,000, 1,400, 2,000, 2,800, 4,000, 5,700, 8,000, 11,300, 16,000, ...), each below
 * the maximum, then the maximum. Each next count is at most ~1.42 times the last, so a run stops
 * within about 42% more trials than the target needs.
 */
export function precisionCheckpoints(maxTrials: number): number[] {
  const out: number[] = []
  for (let k = 0; ; k++) {
    const n = Math.round((FIRST_CHECK * 2 ** (k / 2)) / 100) * 100
    if (n >= maxTrials) break
    if (out.at(-1) !== n) out.push(n)
  }
  out.push(maxTrials)
  return out
}

/**
 * Parse `--precision` text: `<statistic>:<level>:<year>[:<measure>]<=<se>`, e.g.
 * `p_exceed:municipal:2017<=0.002` or `mean:all:all<=1e6` (level and year may be "all";
 * measure is demand unless given).
 */
export function parsePrecision(text: string, field = '--precision'): PrecisionTarget {
  const bad = (message: string) => new BudgetSimError('INVALID_ARGUMENT', `${field}: ${message}`, { issues: [{ path: field, message }] })
  const m = /^\s*([a-z_0-9]+):([a-z_0-9]+):([a-z0-9]+)(?::([a-z_]+))?\s*<=\s*([-+0-9.eE_]+)\s*$/.exec(text)
  if (!m) throw bad(`"${text}" is not a precision target: write <statistic>:<level>:<year>[:<measure>]<=<standard error>, e.g. p_exceed:municipal:2017<=0.002 or mean:all:all<=1e6`)
  const [, statistic, level, year, measure = 'demand', se] = m
  if (!(Statistics as readonly string[]).includes(statistic)) throw bad(`${statistic} is not a statistic (${Statistics.join(', ')})`)
  if (!(TargetMeasures as readonly string[]).includes(measure)) throw bad(`${measure} is not a measure (${TargetMeasures.join(', ')})`)
  if (year !== 'all' && !/^[0-9]{4}$/.test(year)) throw bad(`${year} is not a year (a four-digit year or all)`)
  const value = Number(se.replace(/_/g, ''))
  if (!(value > 0) || !Number.isFinite(value)) throw bad(`the standard error must be a positive number, got ${se}`)
  return { statistic: statistic as Statistic, level, year: year === 'all' ? 'all' : Number(year), measure: measure as TargetMeasure, se: value }
}

/** Check precision targets given as request data; problems name `field[i].x`. */
export function checkPrecisionTargets(input: unknown, field = 'precision'): PrecisionTarget[] {
  if (!Array.isArray(input)) throw new BudgetSimError('INVALID_ARGUMENT', `${field}: must be a list`, { issues: [{ path: field, message: 'must be a list of targets' }] })
  const issues: Issue[] = []
  const out = input.map((t: any, i: number) => {
    const at = `${field}[${i}]`
    if (!(Statistics as readonly unknown[]).includes(t?.statistic)) issues.push({ path: `${at}.statistic`, message: `must be one of ${Statistics.join(', ')}` })
    if (t?.measure !== undefined && !(TargetMeasures as readonly unknown[]).includes(t.measure)) issues.push({ path: `${at}.measure`, message: `must be one of ${TargetMeasures.join(', ')}` })
    if (!(typeof t?.se === 'number' && t.se > 0 && Number.isFinite(t.se))) issues.push({ path: `${at}.se`, message: 'must be a positive number' })
    return { statistic: t?.statistic, level: String(t?.level ?? 'all'), year: t?.year === undefined || t.year === 'all' ? 'all' : Number(t.year), measure: t?.measure ?? 'demand', se: t?.se } as PrecisionTarget
  })
  if (issues.length > 0) throw new BudgetSimError('INVALID_ARGUMENT', `${field}: invalid precision targets`, { issues })
  return out
}

/**
 * A figure's Monte Carlo standard error over its first trials: the mean's sd/sqrt(n); the 95th
 * percentile's batch-means error (the summary's var95_se; null under 200 trials); for p_exceed
 * half the width of the summary's Wilson 95% interval / 1.96 (never 0, even when no trial
 * exceeds, so a run cannot stop on an overrun it has not yet seen).
 */
export function precisionError(values: Float64Array, statistic: Statistic, appropriation: number | null): number | null {
  const d = describeSample(values, appropriation)
  switch (statistic) {
    case 'mean':
      return d.mean_se
    case 'p95':
      return d.var95_se
    case 'p_exceed':
      return d.p_exceed_lo === null || d.p_exceed_hi === null ? null : (d.p_exceed_hi - d.p_exceed_lo) / (2 * 1.959963984540054)
  }
}

/** "p_exceed:municipal:2017<=0.002" */
export function formatPrecision(t: PrecisionTarget): string {
  return `${t.statistic}:${t.level}:${t.year}${t.measure === 'demand' ? '' : `:${t.measure}`}<=${t.se}`
}
