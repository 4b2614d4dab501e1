// Why: a run to a precision (Crystal Ball's precision control): the CLI's --precision and the
// API's `precision` give figures and the standard error each must reach; the run's trials become
// the maximum. This checks the targets against the run, and makes the control executeRun calls at
// each fixed checkpoint, recording every check so the result can say which figure needed what.
import { checkTarget } from '../../engine/analysis/target.js'
import { precisionCheckpoints, precisionError, type PrecisionCheck, type PrecisionOutcome, type PrecisionTarget } from '../../engine/analysis/precision.js'
import { BudgetSimError, type Issue } from '../../engine/errors.js'
import { compilePlan } from '../../engine/plan/compilePlan.js'
import type { RunSpec } from '../../engine/run/RunSpec.js'
import type { PrecisionControl } from '../pipeline/executeRun.js'

/** Check precision targets against a run (problems name `field[i].level` etc.). */
export function checkPrecision(spec: RunSpec, targets: PrecisionTarget[], field = 'precision'): void {
  if (targets.length === 0) throw new BudgetSimError('INVALID_ARGUMENT', `${field}: give at least one target`, { issues: [{ path: field, message: 'give at least one target' }] })
  const plan = compilePlan(spec, spec.seed)
  const issues: Issue[] = []
  targets.forEach((t, i) => {
    try {
      checkTarget(plan, t, `${field}[${i}]`)
    } catch (e) {
      if (e instanceof BudgetSimError) issues.push(...e.issues)
      else throw e
    }
  })
  if (issues.length > 0) throw new BudgetSimError('ANALYSIS_INVALID', `the precision targets do not fit the scenario: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues })
}

/** The control of a precision run of `spec` (spec.trials is the maximum), and its outcome once run. */
export function precisionControl(spec: RunSpec, targets: PrecisionTarget[]): { control: PrecisionControl; outcome: () => PrecisionOutcome } {
  checkPrecision(spec, targets)
  const plan = compilePlan(spec, spec.seed)
  const checked = targets.map((t) => checkTarget(plan, t))
  const checks: PrecisionCheck[] = []
  const control: PrecisionControl = {
    checkpoints: precisionCheckpoints(spec.trials),
    series: checked.map((c) => c.selector),
    check(trials, series) {
      const se = checked.map((c, i) => precisionError(series[i], c.target.statistic, c.appropriation))
      const met = se.every((x, i) => x !== null && x <= targets[i].se)
      checks.push({ trials, se, met })
      return met
    },
  }
  const outcome = (): PrecisionOutcome => {
    const last = checks.at(-1)
    return { targets, met: last?.met ?? false, trials_used: last?.trials ?? spec.trials, max_trials: spec.trials, checks }
  }
  return { control, outcome }
}
