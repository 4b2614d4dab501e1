// Why: goal seek is the inverse question: at what cap (rate, quota, approval rate, matching ratio,
// appropriation) is a target just met, e.g. "the chance the municipal line is overrun in 2017 is at
// most 5%"? On common random numbers the statistic is a deterministic function of the parameter,
// so bisection over a stated interval converges; every evaluated point is checked for
// monotonicity, and an answer is refused (coded errors) when the target is met at neither end, at
// both ends, or the evaluated points are not monotone. The appropriation a confidence needs is a
// quantile of one run and needs no bisection.
import { quantileSorted } from 'simple-statistics'
import { BudgetSimError } from '../errors.js'
import { batchError, Statistics, type Estimate, type Statistic } from './target.js'

export const GoalOperators = ['<=', '>='] as const
export type GoalOperator = (typeof GoalOperators)[number]

export interface GoalCondition {
  statistic: Statistic
  op: GoalOperator
  value: number
}

/** Default replicates (independent seeds) for a goal seek's uncertainty. */
export const DEFAULT_REPLICATES = 5
/**
 * Bisection halves the bracket at least BISECTION_STEPS times (to the interval / 1024), then goes
 * on while the bracket is wider than a quarter of the answer's Monte Carlo error (the statistic's
 * standard error at the met end over its slope across the bracket), at most MAX_BISECTION_STEPS
 * times; a whole-number parameter stops at brackets one apart.
 */
export const BISECTION_STEPS = 10
export const MAX_BISECTION_STEPS = 20

/**
 * Parse "p_exceed<=0.05", "mean <= 2e8", "p95>=1e6".
 *
 * @example parseCondition('p_exceed<=0.05') // { statistic: 'p_exceed', op: '<=', value: 0.05 }
 */
export function parseCondition(text: string, field = 'target'): GoalCondition {
  const m = /^\s*([a-z_0-9]+)\s*(<=|>=)\s*([-+0-9.eE_]+)\s*$/.exec(text)
  const bad = (message: string) => new BudgetSimError('ANALYSIS_INVALID', `${field}: ${message}`, { issues: [{ path: field, message }] })
  if (!m) throw bad(`"${text}" is not a target: write <statistic><=<value> or <statistic>>=<value>, e.g. p_exceed<=0.05 (statistics: ${Statistics.join(', ')})`)
  const statistic = m[1] as Statistic
  if (!(Statistics as readonly string[]).includes(statistic)) throw bad(`${m[1]} is not a statistic (${Statistics.join(', ')})`)
  const value = Number(m[3].replace(/_/g, ''))
  if (!Number.isFinite(value)) throw bad(`${m[3]} is not a number`)
  if (statistic === 'p_exceed' && !(value >= 0 && value <= 1)) throw bad(`a probability must be between 0 and 1, got ${value}`)
  return { statistic, op: m[2] as GoalOperator, value }
}

export const met = (c: GoalCondition, value: number) => (c.op === '<=' ? value <= c.value : value >= c.value)

export interface GoalPoint extends Estimate {
  input: number
  met: boolean
}

export interface BisectionResult {
  /** the end of the final bracket where the target is met */
  answer: number
  at: Estimate
  /** every evaluated point, in input order */
  points: GoalPoint[]
  iterations: number
  /** width of the final bracket */
  resolution: number
}

/**
 * Find, by bisection between `low` and `high`, the input at which `condition` just becomes met.
 * `evaluate` gives the statistic at an input (on common random numbers, so a deterministic
 * function). Throws GOAL_NOT_MET, GOAL_NOT_BRACKETED or GOAL_NOT_MONOTONE with the points.
 */
export async function bisect(
  evaluate: (input: number) => Promise<Estimate>,
  options: { low: number; high: number; integer: boolean; condition: GoalCondition; steps?: number; maxSteps?: number; describe?: (x: number) => string },
): Promise<BisectionResult> {
  const { condition, integer } = options
  const fmt = options.describe ?? ((x: number) => String(x))
  const points: GoalPoint[] = []
  const at = async (input: number): Promise<GoalPoint> => {
    const e = await evaluate(input)
    const p = { input, ...e, met: met(condition, e.value) }
    points.push(p)
    return p
  }
  const detail = () => ({ points: [...points].sort((a, b) => a.input - b.input) })
  const [lo, hi] = await Promise.all([at(options.low), at(options.high)])
  const target = `${condition.statistic} ${condition.op} ${condition.value}`
  if (!lo.met && !hi.met)
    throw new BudgetSimError(
      'GOAL_NOT_MET',
      `${target} is met at neither end of the interval: ${condition.statistic} is ${lo.value} at ${fmt(lo.input)} and ${hi.value} at ${fmt(hi.input)}; widen the interval or relax the target`,
      { detail: detail() },
    )
  if (lo.met && hi.met)
    throw new BudgetSimError(
      'GOAL_NOT_BRACKETED',
      `${target} is met at both ends of the interval (${condition.statistic} is ${lo.value} at ${fmt(lo.input)} and ${hi.value} at ${fmt(hi.input)}): the value where it stops being met lies outside; widen the interval`,
      { detail: detail() },
    )
  const increasing = hi.value >= lo.value
  let bad = lo.met ? hi : lo
  let good = lo.met ? lo : hi
  const width = Math.abs(options.high - options.low)
  const tolerance = integer ? 1 : width / 2 ** (options.steps ?? BISECTION_STEPS)
  const maxSteps = options.maxSteps ?? MAX_BISECTION_STEPS
  /** a quarter of the answer's Monte Carlo error, from the slope across the bracket */
  const fineEnough = () => {
    const slope = Math.abs(good.value - bad.value) / Math.abs(good.input - bad.input)
    const error = good.se === null || !(slope > 0) ? Infinity : good.se / slope
    return Math.abs(good.input - bad.input) <= error / 4
  }
  let iterations = 0
  while (Math.abs(good.input - bad.input) > tolerance || (!integer && iterations < maxSteps && !fineEnough())) {
    const mid = integer ? Math.floor((good.input + bad.input) / 2) : (good.input + bad.input) / 2
    if (mid === good.input || mid === bad.input) break
    const p = await at(mid)
    iterations++
    const lowEnd = Math.min(lo.value, hi.value)
    const highEnd = Math.max(lo.value, hi.value)
    if (p.value < lowEnd || p.value > highEnd) throw notMonotone(condition.statistic, points, fmt)
    if (p.met) good = p
    else bad = p
  }
  // every evaluated point, in input order, must move one way
  const sorted = [...points].sort((a, b) => a.input - b.input)
  for (let i = 1; i < sorted.length; i++) {
    const step = sorted[i].value - sorted[i - 1].value
    if (increasing ? step < 0 : step > 0) throw notMonotone(condition.statistic, points, fmt)
  }
  return { answer: good.input, at: { value: good.value, se: good.se }, points: sorted, iterations, resolution: Math.abs(good.input - bad.input) }
}

function notMonotone(statistic: string, points: GoalPoint[], fmt: (x: number) => string): BudgetSimError {
  const sorted = [...points].sort((a, b) => a.input - b.input)
  return new BudgetSimError(
    'GOAL_NOT_MONOTONE',
    `${statistic} is not monotone in the parameter over the interval (evaluated: ${sorted.map((p) => `${fmt(p.input)} -> ${p.value}`).join(', ')}); bisection needs a statistic that moves one way: narrow the interval`,
    { detail: { points: sorted } },
  )
}

/**
 * The appropriation at which P(outlay > appropriation) is at most `alpha`: the (1 - alpha)
 * quantile (type 7) of the group's per-trial outlay, with its batch-means standard error.
 */
export function appropriationQuantile(values: Float64Array, alpha: number): Estimate {
  const sorted = values.slice().sort()
  const p = 1 - alpha
  const value = quantileSorted(sorted as unknown as number[], p)
  const se = batchError(values.length, (from, to) => quantileSorted(values.slice(from, to).sort() as unknown as number[], p))
  return { value, se }
}

/** Sample standard deviation (null for fewer than two values). */
export function sampleSd(xs: number[]): number | null {
  if (xs.length < 2) return null
  const m = xs.reduce((a, b) => a + b, 0) / xs.length
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1))
}
