// Why: goal seek end to end: the request is checked and frozen into a definition (plain JSON, so
// a server can store it and run it again after a restart), then either answered from one run (the
// appropriation a confidence needs is a quantile of that group's outlay) or found by bisection on
// common random numbers, once on the run's seed and again on independent seeds to state how
// uncertain the answer is.
import { appropriationQuantile, bisect, BISECTION_STEPS, DEFAULT_REPLICATES, MAX_BISECTION_STEPS, sampleSd, type GoalCondition, type GoalPoint } from '../../engine/analysis/goalSeek.js'
import { describeParameter, parseParameterPath, withParameters, withRun, type ParameterPath } from '../../engine/analysis/parameterPath.js'
import { rangedParameters } from '../../engine/analysis/ranges.js'
import { checkTarget, describeTarget, estimate, targetAppropriation, type Estimate, type Target } from '../../engine/analysis/target.js'
import { BudgetSimError } from '../../engine/errors.js'
import type { RunLimits } from '../../engine/limits.js'
import type { Catalogue } from '../../engine/policy/loadCatalogue.js'
import { compilePlan } from '../../engine/plan/compilePlan.js'
import type { RunSpec } from '../../engine/run/RunSpec.js'
import { checkAnalysisSize, type AnalysisSize } from './analysisSize.js'
import { RunBatch, type AnalysisContext } from './RunBatch.js'

export interface GoalSeekRequest {
  spec: RunSpec
  parameter: string
  /** the figure: measure, level, year (the statistic comes from the condition) */
  target?: { measure?: unknown; level?: unknown; year?: unknown }
  condition: GoalCondition
  /** [low, high]; default: the parameter's range, else [0, 2 x its value] (shares at most 1) */
  interval?: [number, number]
  /** independent seeds for the answer's uncertainty (default 5, the run's own seed first) */
  replicates?: number
  catalogue?: Catalogue
}

export interface GoalSeekDefinition {
  kind: 'goal_seek'
  spec: RunSpec
  parameter: string
  target: Target
  condition: GoalCondition
  /** quantile: the appropriation of the target's own group, straight from one run; bisection otherwise */
  method: 'quantile' | 'bisection'
  interval: [number, number] | null
  interval_source: 'request' | 'range' | 'rule' | null
  integer: boolean
  replicates: number
  steps: number
  label: string
  unit: string
  origin: string
  current: number | null
}

export interface GoalSeekResult {
  method: 'quantile' | 'bisection'
  parameter: string
  label: string
  unit: string
  origin: string
  /** the parameter's value in the run */
  current: number | null
  target: Target
  figure: string
  condition: GoalCondition
  interval: [number, number] | null
  interval_source: string | null
  trials: number
  seed: string
  /** the parameter value at which the target is just met (on the run's own seed) */
  answer: number
  /** its uncertainty: sd of the answers on independent seeds (bisection), or the quantile's batch-means standard error */
  answer_sd: number | null
  answer_se: number | null
  /** the statistic at the answer, with its standard error */
  at_answer: Estimate
  replicates: { seed: string; answer: number | null; error: { code: string; message: string } | null }[]
  /** the points evaluated on the run's own seed, in input order */
  points: GoalPoint[]
  iterations: number
  /** width of the final bisection bracket on the run's own seed (0 for a quantile) */
  resolution: number
  draws: number
}

/** Seed of replicate r: the run's own for r = 0, then independent ones derived from it. */
export function replicateSeed(seed: number | string, r: number): number | string {
  return r === 0 ? seed : `${String(seed)}:goal-seek-replicate-${r}`
}

/** Check a goal-seek request and freeze it. Throws ANALYSIS_INVALID / NO_APPROPRIATION naming the field. */
export function defineGoalSeek(request: GoalSeekRequest): GoalSeekDefinition {
  const { spec, condition } = request
  const path = parseParameterPath(request.parameter, 'parameter')
  const info = describeParameter(spec, path, 'parameter')
  const input = request.target ?? {}
  const onAppropriation = path.kind === 'appropriation'
  // an appropriation's own group is the default figure
  const target = checkTarget(
    compilePlan(spec, spec.seed),
    {
      measure: input.measure,
      level: input.level ?? (onAppropriation ? path.level : undefined),
      year: input.year ?? (onAppropriation ? path.year : undefined),
      statistic: condition.statistic,
    },
    'target',
  ).target
  const replicates = request.replicates ?? DEFAULT_REPLICATES
  if (!(Number.isInteger(replicates) && replicates >= 1 && replicates <= 50))
    throw new BudgetSimError('ANALYSIS_INVALID', 'replicates: must be a whole number from 1 to 50', { issues: [{ path: 'replicates', message: `must be a whole number from 1 to 50, got ${replicates}` }] })
  const base = {
    kind: 'goal_seek' as const,
    spec,
    parameter: path.text,
    target,
    condition,
    integer: info.integer,
    replicates,
    steps: BISECTION_STEPS,
    label: info.label,
    unit: info.unit,
    origin: info.origin,
    current: info.current,
  }
  if (onAppropriation && target.level === path.level && target.year === path.year) {
    if (condition.statistic !== 'p_exceed' || condition.op !== '<=')
      throw new BudgetSimError('ANALYSIS_INVALID', `target: an appropriation is sought for p_exceed<=<probability>, got ${condition.statistic}${condition.op}${condition.value}`, {
        issues: [{ path: 'target', message: `for an appropriation give p_exceed<=<probability> (the ${condition.statistic} of the outlay does not depend on its appropriation)` }],
      })
    if (target.measure === 'paid' && spec.on_exhaustion !== 'record')
      throw new BudgetSimError('ANALYSIS_INVALID', 'target.measure: the outlay paid never exceeds its appropriation; seek the appropriation for demand', {
        issues: [{ path: 'target.measure', message: 'use demand: under pro_rata or first_come the amount paid never exceeds the appropriation' }],
      })
    if (request.interval) throw new BudgetSimError('ANALYSIS_INVALID', 'interval: an appropriation is a quantile of one run and needs no interval', { issues: [{ path: 'interval', message: 'not used for an appropriation (no bisection)' }] })
    return { ...base, method: 'quantile', interval: null, interval_source: null }
  }
  const { interval, source } = chooseInterval(spec, path, info, request)
  const definition: GoalSeekDefinition = { ...base, method: 'bisection', interval, interval_source: source }
  // both ends must make valid scenarios
  withParameters(spec, [{ path, value: interval[0], field: 'interval[0]' }])
  withParameters(spec, [{ path, value: interval[1], field: 'interval[1]' }])
  return definition
}

function chooseInterval(
  spec: RunSpec,
  path: ParameterPath,
  info: ReturnType<typeof describeParameter>,
  request: GoalSeekRequest,
): { interval: [number, number]; source: 'request' | 'range' | 'rule' } {
  const bad = (field: string, message: string) => new BudgetSimError('ANALYSIS_INVALID', `${field}: ${message}`, { issues: [{ path: field, message }] })
  if (request.interval) {
    const [lo, hi] = request.interval
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) throw bad('interval', `must be two finite numbers low < high, got ${lo}, ${hi}`)
    if (info.integer && (!Number.isInteger(lo) || !Number.isInteger(hi))) throw bad('interval', `${path.text} is a whole number: give whole-number ends`)
    if (lo < (info.minimum ?? -Infinity) || hi > (info.maximum ?? Infinity)) throw bad('interval', `${path.text} must stay between ${info.minimum} and ${info.maximum}`)
    return { interval: [lo, hi], source: 'request' }
  }
  const range = rangedParameters(spec, { catalogue: request.catalogue }).find((r) => r.parameter === path.text)
  if (range && range.low < range.high) return { interval: [range.low, range.high], source: 'range' }
  if (info.current === null || info.current <= 0)
    throw bad('interval', `${path.text} has no range and its value is ${info.current}: give an interval (--interval LO,HI)`)
  const floor = Math.max(0, info.minimum ?? 0)
  let high = 2 * info.current
  if (info.unit === 'share') high = Math.min(1, high)
  if (info.maximum !== null) high = Math.min(high, info.maximum)
  if (info.integer) high = Math.round(high)
  return { interval: [floor, high], source: 'rule' }
}

/** The most runs a definition needs, and their expected draws (for the limits). */
export function goalSeekSize(definition: GoalSeekDefinition, limits?: RunLimits): AnalysisSize {
  const { spec } = definition
  let size: AnalysisSize
  if (definition.method === 'quantile') size = { runs: 1, trials: spec.trials, draws: spec.trials * compilePlan(spec, spec.seed).expectedDrawsPerTrial }
  else {
    const path = parseParameterPath(definition.parameter)
    const [lo, hi] = definition.interval!
    const width = definition.integer ? Math.ceil(Math.log2(Math.max(2, hi - lo))) + 1 : Math.max(definition.steps, MAX_BISECTION_STEPS)
    const runs = definition.replicates * (2 + width)
    const perTrial = Math.max(...[lo, hi].map((x) => compilePlan(withParameters(spec, [{ path, value: x }]), spec.seed).expectedDrawsPerTrial))
    size = { runs, trials: spec.trials, draws: runs * spec.trials * perTrial }
  }
  if (limits) checkAnalysisSize(size, limits)
  return size
}

/** Run a goal seek. Rejects with GOAL_NOT_MET, GOAL_NOT_BRACKETED or GOAL_NOT_MONOTONE when the run's own seed finds no answer. */
export async function runGoalSeek(definition: GoalSeekDefinition, ctx: AnalysisContext): Promise<GoalSeekResult> {
  const size = goalSeekSize(definition, ctx.limits)
  const batch = new RunBatch(ctx, size.runs)
  const { spec, target, condition } = definition
  const plan = compilePlan(spec, spec.seed)
  const selector = checkTarget(plan, target).selector
  const common = {
    method: definition.method,
    parameter: definition.parameter,
    label: definition.label,
    unit: definition.unit,
    origin: definition.origin,
    current: definition.current,
    target,
    figure: describeTarget(target),
    condition,
    interval: definition.interval,
    interval_source: definition.interval_source,
    trials: spec.trials,
    seed: String(spec.seed),
  }
  try {
    if (definition.method === 'quantile') {
      const run = await batch.run(spec, [selector])
      const values = run.series[0]
      const q = appropriationQuantile(values, condition.value)
      return {
        ...common,
        answer: q.value,
        answer_sd: null,
        answer_se: q.se,
        at_answer: estimate(values, 'p_exceed', q.value),
        replicates: [{ seed: String(spec.seed), answer: q.value, error: null }],
        points: [],
        iterations: 0,
        resolution: 0,
        draws: batch.draws,
      }
    }
    const path = parseParameterPath(definition.parameter)
    const [low, high] = definition.interval!
    const seek = (r: number) => {
      const seeded = r === 0 ? spec : withRun(spec, { seed: replicateSeed(spec.seed, r) })
      return bisect(
        async (x) => {
          const changed = withParameters(seeded, [{ path, value: x }], { note: `goal seek: ${definition.parameter} = ${x}` })
          const run = await batch.run(changed, [selector])
          return estimate(run.series[0], target.statistic, targetAppropriation(run.plan, target))
        },
        { low, high, integer: definition.integer, condition, steps: definition.steps },
      )
    }
    const attempts = Array.from({ length: definition.replicates }, (_, r) => seek(r))
    const settled = await Promise.allSettled(attempts)
    const failure = batch.failure()
    if (failure) throw failure
    const own = settled[0]
    if (own.status === 'rejected') throw own.reason
    const replicates = settled.map((s, r) => ({
      seed: String(replicateSeed(spec.seed, r)),
      answer: s.status === 'fulfilled' ? s.value.answer : null,
      error: s.status === 'rejected' ? { code: (s.reason as BudgetSimError).code ?? 'SIMULATION_FAILED', message: (s.reason as Error).message } : null,
    }))
    if (settled.some((s) => s.status === 'rejected' && !(s.reason instanceof BudgetSimError && s.reason.code.startsWith('GOAL_'))))
      throw (settled.find((s) => s.status === 'rejected') as PromiseRejectedResult).reason
    const answers = replicates.flatMap((r) => (r.answer === null ? [] : [r.answer]))
    return {
      ...common,
      answer: own.value.answer,
      answer_sd: sampleSd(answers),
      answer_se: null,
      at_answer: own.value.at,
      replicates,
      points: own.value.points,
      iterations: own.value.iterations,
      resolution: own.value.resolution,
      draws: batch.draws,
    }
  } finally {
    batch.close()
  }
}
