// Why: a goal seek can fail in three ways that say something about the question (GOAL_NOT_MET,
// GOAL_NOT_BRACKETED, GOAL_NOT_MONOTONE; README "Goal seek"), and the server's messages speak in raw
// yuan and probabilities. A planner reads them in words, in the page's units, with what to do next
// (widen the interval, relax the target, narrow the interval), beside the points evaluated.
import type { Analysis, GoalSeekPoint, Statistic } from '../api/types'
import { formatParameterValue, formatStatistic, parameterLabel, STATISTIC_NAMES } from '../format/analysis'
import { unitOfPath } from './parameterPaths'

export interface GoalSeekProblem {
  code: string
  /** one line: what happened */
  title: string
  /** what it means and what to do */
  text: string
  points: GoalSeekPoint[]
  statistic: Statistic
  unit: string
}

const OP_WORDS: Record<string, string> = { '<=': 'at most', '>=': 'at least' }

/** The refusal of a failed goal seek in words, or null when the analysis did not fail with a goal seek's code. */
export function goalSeekProblem(a: Pick<Analysis, 'status' | 'error' | 'request'>, titles: ReadonlyMap<string, string>): GoalSeekProblem | null {
  const code = a.error?.code ?? ''
  if (a.status !== 'failed' || !/^GOAL_NOT_(MET|BRACKETED|MONOTONE)$/.test(code)) return null
  const t = a.request.target ?? {}
  const statistic = (t.statistic ?? 'mean') as Statistic
  const path = String(a.request.parameter ?? '')
  const unit = unitOfPath(path)
  const name = parameterLabel(path, titles)
  const what = STATISTIC_NAMES[statistic] ?? statistic
  const points = [...(a.error?.detail?.points ?? [])].sort((x, y) => x.input - y.input)
  const v = (x: number) => formatParameterValue(x, unit)
  const s = (x: number) => formatStatistic(statistic, x)
  const target = `${what} of ${OP_WORDS[t.op ?? ''] ?? t.op} ${t.value === undefined ? '' : s(t.value)}`
  const lo = points[0]
  const hi = points[points.length - 1]
  const ends = lo && hi ? `: it is ${s(lo.value)} at ${v(lo.input)} and ${s(hi.value)} at ${v(hi.input)}` : ''
  switch (code) {
    case 'GOAL_NOT_MET':
      return { code, statistic, unit, points, title: `The target cannot be met between ${lo ? v(lo.input) : 'the ends'} and ${hi ? v(hi.input) : 'the ends'}.`, text: `Neither end of the interval searched for ${name} gives a ${target}${ends}. Widen the interval, or relax the target.` }
    case 'GOAL_NOT_BRACKETED':
      return { code, statistic, unit, points, title: 'The target is met over the whole interval.', text: `Both ends of the interval searched for ${name} give a ${target}${ends}, so the value at which the target stops being met lies outside the interval. Widen it.` }
    default:
      return {
        code,
        statistic,
        unit,
        points,
        title: `The ${what} does not move one way as ${name} changes.`,
        text: `Bisection needs a figure that only rises or only falls over the interval, and here it went ${points.map((p) => `${s(p.value)} at ${v(p.input)}`).join(', ')}. Narrow the interval to a stretch where it moves one way.`,
      }
  }
}
