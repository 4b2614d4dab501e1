// Why: "how many trials?" has an answer once the planner says how precise one figure must be: a run
// to a precision (POST /runs with `precision`, README "Runs to a precision") adds trials until that
// figure's Monte Carlo standard error is at most the ± asked for, `trials` being the most it may use.
// The planner types the ± as the figure is written (an amount in 万/亿 or yuan, a chance as 0.5% or
// 0.005); the run's `precision` block says afterwards whether it was met, and at how many trials.
import type { PrecisionBlock, PrecisionTarget, Statistic } from '../api/types'
import { parseAmount } from '../format/amount'
import { figureText, formatStatistic } from '../format/analysis'
import { UNIT_WAN } from '../format/cny'
import { parseShare } from '../scenario/overrides'

export interface PrecisionChoice {
  statistic: Statistic
  level: string
  year: number | 'all'
  /** the ± as typed */
  se: string
}

export type PrecisionReading = { ok: true; target: PrecisionTarget } | { ok: false; message: string }

/** The example the ± field shows for a statistic. */
export function precisionExample(statistic: Statistic): string {
  return statistic === 'p_exceed' ? '0.5% or 0.005' : '50万 or 500,000'
}

/** The precision target the planner typed, or what is wrong with it (in the field's terms). */
export function readPrecision(choice: PrecisionChoice): PrecisionReading {
  const chance = choice.statistic === 'p_exceed'
  const parsed = chance ? parseShare(choice.se, `a standard error such as ${precisionExample('p_exceed')}`) : parseAmount(choice.se, UNIT_WAN)
  if (!parsed.ok) return { ok: false, message: parsed.message }
  if (parsed.value === null) return { ok: false, message: `enter the standard error you need, such as ${precisionExample(choice.statistic)}` }
  if (!(parsed.value > 0)) return { ok: false, message: 'must be more than 0: no number of trials makes a figure exact' }
  if (chance && parsed.value >= 1) return { ok: false, message: `a chance’s standard error is below 100%, not ${choice.se.trim()}` }
  return { ok: true, target: { statistic: choice.statistic, level: choice.level, year: choice.year, measure: 'demand', se: parsed.value } }
}

export interface PrecisionOutcome {
  /** every target met; false: the maximum came first; null: not finished */
  met: boolean | null
  trialsUsed: number | null
  maxTrials: number
  /** each target's standard error at the last check (null before any) */
  se: (number | null)[]
  /** in words */
  text: string
}

/** What a run to a precision reports, in words (errors written as their figure: "38.2 万元", "0.41%"): met or not, at how many trials of at most how many. */
export function precisionOutcome(block: PrecisionBlock): PrecisionOutcome {
  const last = block.checks.at(-1)
  const se = block.targets.map((_, i) => last?.se[i] ?? null)
  const max = block.max_trials.toLocaleString('en-US')
  const each = block.targets.map((t, i) => `the standard error of the ${figureText(t)} is ${formatStatistic(t.statistic, se[i])} (asked: ± ${formatStatistic(t.statistic, t.se)})`)
  const figures = block.targets.map((t) => `the ${figureText(t)} to ± ${formatStatistic(t.statistic, t.se)}`)
  let text: string
  if (block.met === null || block.trials_used === null) text = `Runs until it knows ${figures.join(' and ')}, with at most ${max} trials.`
  else if (block.met) text = `Precise enough at ${block.trials_used.toLocaleString('en-US')} trials (of at most ${max}): ${each.join('; ')}.`
  else text = `Not precise enough at the maximum of ${max} trials: ${each.join('; ')}. Run again with more trials for a smaller error.`
  return { met: block.met, trialsUsed: block.trials_used, maxTrials: block.max_trials, se, text }
}
