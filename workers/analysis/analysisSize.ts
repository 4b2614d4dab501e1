// Why: an analysis is many runs; its work is bounded as a whole before it starts, with the same
// limits (and variables) as one run: every run's trials within MAX_TRIALS, and the expected
// random draws of all its runs together within MAX_DRAWS.
import { BudgetSimError } from '../../engine/errors.js'
import { LimitDefinitions, type RunLimits } from '../../engine/limits.js'

export interface AnalysisSize {
  /** runs (for a goal seek, the most it may need) */
  runs: number
  /** trials of its largest run */
  trials: number
  /** expected random draws of all its runs */
  draws: number
}

/** Throw LIMIT_EXCEEDED (413) with the figures when an analysis is larger than the limits. */
export function checkAnalysisSize(size: AnalysisSize, limits: RunLimits): void {
  const fmt = (x: number) => (x >= 1e7 ? x.toExponential(2) : Math.round(x).toLocaleString('en-US'))
  const problems: { path: string; message: string }[] = []
  if (size.trials > limits.trials)
    problems.push({ path: 'trials', message: `${fmt(size.trials)} trials per run exceed the limit of ${fmt(limits.trials)} (${LimitDefinitions.trials.env})` })
  if (!(size.draws <= limits.draws))
    problems.push({
      path: 'trials',
      message: `the analysis's ${size.runs} runs are expected to make about ${fmt(size.draws)} random draws in all, over the limit of ${fmt(limits.draws)} (${LimitDefinitions.draws.env}); ask for fewer trials`,
    })
  if (problems.length > 0)
    throw new BudgetSimError('LIMIT_EXCEEDED', `the analysis is too large: ${problems.map((p) => p.message).join('; ')}`, {
      issues: problems,
      detail: { size, limits: { trials: limits.trials, draws: limits.draws } },
    })
}
