// Why: `budget-sim compare <reform> <baseline>` and `run <reform> --against <baseline>`: the
// budget-impact table of a reform against its baseline, both simulated on the same draws (the
// baseline is given the reform's trials and seed), from the per-trial group totals the runs hand
// back, without keeping either trials table.
import { appropriationPlan, budgetImpactRows, impactGroups, impactSelectors, type ImpactRow } from '../../engine/analysis/budgetImpact.js'
import { withRun } from '../../engine/analysis/parameterPath.js'
import { compilePlan, type Plan } from '../../engine/plan/compilePlan.js'
import type { RunSpec } from '../../engine/run/RunSpec.js'
import { checkAnalysisSize } from './analysisSize.js'
import { RunBatch, type AnalysisContext } from './RunBatch.js'

/** The baseline on the reform's draws: its trials and seed. */
export function onSameDraws(baseline: RunSpec, reform: RunSpec): RunSpec {
  return baseline.trials === reform.trials && String(baseline.seed) === String(reform.seed) ? baseline : withRun(baseline, { trials: reform.trials, seed: reform.seed })
}

/** The groups of the table of two runs, and the selectors each run must hand back. */
export function compareSelectors(after: Plan, before: Plan, measure = 'demand') {
  const groups = impactGroups(appropriationPlan(before), appropriationPlan(after))
  return { groups, selectors: impactSelectors(groups, measure) }
}

/** Run the reform and its baseline (summary-only, same draws) and build the budget-impact table. */
export async function compareSpecs(reform: RunSpec, baseline: RunSpec, ctx: AnalysisContext, measure = 'demand'): Promise<ImpactRow[]> {
  const before = onSameDraws(baseline, reform)
  const specs = [reform, before]
  checkAnalysisSize(
    { runs: 2, trials: reform.trials, draws: specs.reduce((t, s) => t + s.trials * compilePlan(s, s.seed).expectedDrawsPerTrial, 0) },
    ctx.limits,
  )
  const { groups, selectors } = compareSelectors(compilePlan(reform, reform.seed), compilePlan(before, before.seed), measure)
  const batch = new RunBatch(ctx, 2)
  try {
    const runs = [batch.run(reform, selectors), batch.run(before, selectors)]
    await batch.settle(runs)
    const [a, b] = await Promise.all(runs)
    return budgetImpactRows(groups, measure, { plan: appropriationPlan(b.plan), series: b.series }, { plan: appropriationPlan(a.plan), series: a.series })
  } finally {
    batch.close()
  }
}
