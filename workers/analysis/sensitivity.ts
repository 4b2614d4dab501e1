// Why: the tornado and the contribution to variance, end to end: the request is checked and
// frozen into a definition (the run specification, the figure, each ranged parameter with its low
// and high, the contribution's design), which is plain JSON so a server can store it and re-run it
// after a restart without reading the seeds again; the definition is planned into runs, and the
// runs go through the pipeline as one batch on the same draws.
import { CONTRIBUTION_METHOD, contributionToVariance, DEFAULT_TRIALS_PER_VECTOR, DEFAULT_VECTORS, latinHypercube, type Contribution } from '../../engine/analysis/contribution.js'
import { withParameters } from '../../engine/analysis/parameterPath.js'
import { rangedParameters, type ParameterRange, type RequestedRange } from '../../engine/analysis/ranges.js'
import { checkTarget, targetAppropriation, type CheckedTarget, type Target } from '../../engine/analysis/target.js'
import { estimate } from '../../engine/analysis/target.js'
import { swingSpecs, tornadoBar, tornadoResult, type TornadoResult } from '../../engine/analysis/tornado.js'
import { BudgetSimError } from '../../engine/errors.js'
import type { RunLimits } from '../../engine/limits.js'
import type { Catalogue } from '../../engine/policy/loadCatalogue.js'
import { compilePlan } from '../../engine/plan/compilePlan.js'
import type { RunSpec } from '../../engine/run/RunSpec.js'
import { checkAnalysisSize, type AnalysisSize } from './analysisSize.js'
import { RunBatch, type AnalysisContext } from './RunBatch.js'

export interface SensitivityRequest {
  spec: RunSpec
  target?: Partial<Record<keyof Target, unknown>>
  /** ranges of the request: a policy value or an appropriation to study */
  ranges?: RequestedRange[]
  /** the contribution to variance: its design, or false to skip it */
  contribution?: { vectors?: number; trials_per_vector?: number } | false
  /** false: only the requested ranges, not the seeds' (default true) */
  seededRanges?: boolean
  catalogue?: Catalogue
}

/** A checked sensitivity analysis, as stored: everything needed to run it again. */
export interface SensitivityDefinition {
  kind: 'sensitivity'
  spec: RunSpec
  target: Target
  ranges: ParameterRange[]
  /** seeded ranges this run cannot take (their low or high breaks a rule of the scenario), with why */
  skipped: { parameter: string; reason: string }[]
  contribution: { vectors: number; trials_per_vector: number } | null
}

interface SensitivityPlan {
  definition: SensitivityDefinition
  checked: CheckedTarget
  swings: { low: RunSpec; high: RunSpec }[]
  design: { vectors: number[][]; specs: RunSpec[] } | null
  size: AnalysisSize
}

/**
 * Check a sensitivity request against its run and freeze it. Throws ANALYSIS_INVALID (or
 * NO_APPROPRIATION) naming the field: target.level, ranges[2].low, contribution.vectors, ...
 */
export function defineSensitivity(request: SensitivityRequest): SensitivityDefinition {
  const { spec } = request
  const checked = checkTarget(compilePlan(spec, spec.seed), request.target ?? {})
  const all = rangedParameters(spec, { catalogue: request.catalogue, requested: request.ranges, seeded: request.seededRanges })
  // a seeded range whose low or high this scenario cannot take (a funding share with no other level
  // to take the rest) is set aside and reported; a requested one is an error of the request
  const skipped: SensitivityDefinition['skipped'] = []
  const ranges = all.filter((r) => {
    if (r.source === 'request') return true
    try {
      swingSpecs(spec, r, `the seeded range of ${r.parameter}`)
      return true
    } catch (e) {
      if (!(e instanceof BudgetSimError && e.code === 'ANALYSIS_INVALID')) throw e
      skipped.push({ parameter: r.parameter, reason: e.issues.map((i) => i.message).join('; ') || e.message })
      return false
    }
  })
  if (ranges.length === 0)
    throw new BudgetSimError(
      'ANALYSIS_INVALID',
      'the scenario has no ranged parameters: no assumption it uses carries ranges in the seeds; give ranges (--range PATH=LOW,HIGH on the command line, ranges: [{ path, low, high }] in a request)',
      { issues: [{ path: 'ranges', message: 'no ranged parameters: give at least one range' }] },
    )
  let contribution: SensitivityDefinition['contribution'] = null
  if (request.contribution !== false) {
    const vectors = request.contribution?.vectors ?? DEFAULT_VECTORS
    const perVector = request.contribution?.trials_per_vector ?? DEFAULT_TRIALS_PER_VECTOR
    const issues = []
    if (!(Number.isInteger(vectors) && vectors >= 4 && vectors <= 1000)) issues.push({ path: 'contribution.vectors', message: `must be a whole number from 4 to 1000, got ${vectors}` })
    if (!(Number.isInteger(perVector) && perVector >= 1 && perVector <= 100_000))
      issues.push({ path: 'contribution.trials_per_vector', message: `must be a whole number from 1 to 100000, got ${perVector}` })
    if (issues.length > 0) throw new BudgetSimError('ANALYSIS_INVALID', 'the contribution design is invalid', { issues })
    contribution = { vectors, trials_per_vector: perVector }
  }
  const definition: SensitivityDefinition = { kind: 'sensitivity', spec, target: checked.target, ranges, skipped, contribution }
  planSensitivity(definition) // every changed scenario is checked now, not when its run comes
  return definition
}

/** The runs of a definition (deterministic: the same runs after a restart). */
export function planSensitivity(definition: SensitivityDefinition): SensitivityPlan {
  const { spec, ranges } = definition
  const checked = checkTarget(compilePlan(spec, spec.seed), definition.target)
  const swings = ranges.map((r) => swingSpecs(spec, r, r.field ?? `the seeded range of ${r.parameter}`))
  let design: SensitivityPlan['design'] = null
  if (definition.contribution) {
    const { vectors: K, trials_per_vector: m } = definition.contribution
    const vectors = latinHypercube(ranges, K, spec.seed)
    const specs = vectors.map((v, k) =>
      withParameters(
        spec,
        ranges.map((r, i) => ({ path: r.path, value: v[i], field: `contribution (vector ${k}: ${r.parameter} = ${v[i]})`, years: r.years })),
        { trials: m, note: `contribution to variance: Latin hypercube vector ${k}` },
      ),
    )
    design = { vectors, specs }
  }
  const all = [spec, ...swings.flatMap((s) => [s.low, s.high]), ...(design?.specs ?? [])]
  const size: AnalysisSize = {
    runs: all.length,
    trials: Math.max(...all.map((s) => s.trials)),
    draws: all.reduce((t, s) => t + s.trials * compilePlan(s, s.seed).expectedDrawsPerTrial, 0),
  }
  return { definition, checked, swings, design, size }
}

/** The work of a definition, checked against the limits (LIMIT_EXCEEDED, 413, with the figures). */
export function sensitivitySize(definition: SensitivityDefinition, limits: RunLimits): AnalysisSize {
  const { size } = planSensitivity(definition)
  checkAnalysisSize(size, limits)
  return size
}

/** Run a sensitivity analysis: the base run, each parameter at its low and high, then the contribution's vectors. */
export async function runSensitivity(definition: SensitivityDefinition, ctx: AnalysisContext): Promise<TornadoResult & { draws: number }> {
  const plan = planSensitivity(definition)
  checkAnalysisSize(plan.size, ctx.limits)
  const batch = new RunBatch(ctx, plan.size.runs)
  const selectors = [plan.checked.selector]
  try {
    const { statistic } = definition.target
    // each figure is computed as soon as its runs are in, and their per-trial values dropped
    const base = batch.run(definition.spec, selectors).then((r) => estimate(r.series[0], statistic, plan.checked.appropriation))
    const swings = plan.swings.map((s, i) =>
      Promise.all([batch.run(s.low, selectors), batch.run(s.high, selectors)]).then(([low, high]) =>
        tornadoBar(
          {
            range: definition.ranges[i],
            low: low.series[0],
            high: high.series[0],
            appropriationLow: targetAppropriation(low.plan, definition.target),
            appropriationHigh: targetAppropriation(high.plan, definition.target),
          },
          statistic,
        ),
      ),
    )
    const vectors = (plan.design?.specs ?? []).map((s) => batch.run(s, selectors).then((r) => r.series[0]))
    // every run is queued; the first failure stops the others
    await batch.settle([base, ...swings, ...vectors])
    let contribution: Contribution | null = null
    if (plan.design) {
      const outlays = await Promise.all(vectors)
      contribution = contributionToVariance(
        definition.ranges.map((r) => r.parameter),
        plan.design.vectors,
        outlays,
      )
      contribution.method = CONTRIBUTION_METHOD
    }
    const result = tornadoResult({
      target: definition.target,
      trials: definition.spec.trials,
      seed: definition.spec.seed,
      base: await base,
      bars: await Promise.all(swings),
      contribution,
    })
    return { ...result, skipped: definition.skipped ?? [], draws: batch.draws }
  } finally {
    batch.close()
  }
}
