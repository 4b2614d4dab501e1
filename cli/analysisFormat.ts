// Why: the decision analyses' answers on screen: the tornado as a table of bars (largest swing
// first, with its paired error and the mark for swings indistinguishable from noise) and the
// contribution to variance; the goal seek's answer with its uncertainty; the budget-impact table;
// and a precision run's checks.
import type { ImpactRow } from '../engine/analysis/budgetImpact.js'
import type { PrecisionOutcome } from '../engine/analysis/precision.js'
import { formatPrecision } from '../engine/analysis/precision.js'
import type { Statistic } from '../engine/analysis/target.js'
import type { TornadoResult } from '../engine/analysis/tornado.js'
import type { GoalSeekResult } from '../workers/analysis/goalSeek.js'
import { alignTable, millions, percent } from './formatMoney.js'

/** A statistic's value in its unit: million CNY for money, per cent for p_exceed. */
function figure(statistic: Statistic, x: number | null | undefined, digits?: number): string {
  return statistic === 'p_exceed' ? percent(x, digits ?? 2) : millions(x, digits ?? 2)
}

/** A parameter's value as written: whole CNY with separators, small numbers with their digits. */
export function input(x: number | null | undefined, unit: string): string {
  if (x === null || x === undefined) return '-'
  if (unit === 'CNY' || Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US')
  return String(Number(x.toPrecision(6)))
}

const signed = (s: string) => (s.startsWith('-') ? s : `+${s}`)

export function formatTornado(r: TornadoResult, info: { scenario: string; seconds: number; runs: number }): string {
  const unit = r.statistic === 'p_exceed' ? 'per cent' : 'million CNY'
  const lines = [
    `Sensitivity of the ${r.figure} (${unit}); scenario ${info.scenario}, ${r.trials.toLocaleString('en-US')} trials, seed ${r.seed}, every run on the same draws`,
    `Base: ${figure(r.statistic, r.base.value)}${r.base.se === null ? '' : ` ± ${figure(r.statistic, r.base.se)}`}`,
    '',
  ]
  const widest = Math.max(...r.bars.map((b) => Math.abs(b.swing)), 0)
  const table = [['Parameter', 'Origin', 'Low', 'High', 'At low', 'At high', 'Swing', '± s.e.', '']]
  for (const b of r.bars) {
    const bar = widest > 0 ? '█'.repeat(Math.round((20 * Math.abs(b.swing)) / widest)) : ''
    table.push([
      b.parameter.replace(/^programmes\./, ''),
      b.origin,
      input(b.low.input, b.unit),
      input(b.high.input, b.unit),
      figure(r.statistic, b.low.value),
      figure(r.statistic, b.high.value),
      `${signed(figure(r.statistic, b.swing))}${b.crosses_zero ? '*' : ''}`,
      b.swing_se === null ? '-' : figure(r.statistic, b.swing_se),
      bar,
    ])
  }
  lines.push(alignTable(table, [false, false, true, true, true, true, true, true, false]))
  lines.push('Swing = figure at high - figure at low; ± is its paired Monte Carlo standard error.')
  for (const s of r.skipped ?? []) lines.push(`Not varied: ${s.parameter.replace(/^programmes\./, '')} (${s.reason})`)
  if (r.bars.some((b) => b.crosses_zero)) lines.push('* the swing’s 95% interval contains zero: not distinguishable from Monte Carlo noise.')
  if (r.contribution) {
    const c = r.contribution
    lines.push('')
    lines.push(
      `Contribution to variance (all ranged parameters drawn together: Latin hypercube, ${c.vectors} vectors x ${c.trials_per_vector} trials; squared Spearman rank correlations, normalised)`,
    )
    const t = [['Parameter', 'Rank corr.', 'Share']]
    for (const p of c.parameters) t.push([p.parameter.replace(/^programmes\./, ''), p.rank_correlation.toFixed(3), percent(p.share)])
    lines.push(alignTable(t, [false, true, true]))
  }
  lines.push('')
  lines.push(`${info.runs} runs in ${info.seconds.toFixed(2)} s`)
  return `${lines.join('\n')}\n`
}

export function formatGoalSeek(r: GoalSeekResult, info: { scenario: string; seconds: number }): string {
  const c = r.condition
  const stat = (x: number | null | undefined) => (c.statistic === 'p_exceed' ? percent(x, 2) : `${millions(x, 2)} million CNY`)
  const lines = [
    `Goal seek: ${r.parameter} so that ${c.statistic} ${c.op} ${c.value} (${r.target.measure}, ${r.target.level === 'all' ? 'all levels' : r.target.level}, ${r.target.year === 'all' ? 'all years' : r.target.year})`,
    `Scenario ${info.scenario}, ${r.trials.toLocaleString('en-US')} trials, seed ${r.seed}; ${
      r.method === 'quantile'
        ? 'the appropriation is the quantile of its group’s outlay in one run'
        : `bisection on the same draws over ${input(r.interval![0], r.unit)} to ${input(r.interval![1], r.unit)} (${
            r.interval_source === 'range' ? 'the parameter’s range' : r.interval_source === 'rule' ? 'default: 0 to twice the current value' : 'as given'
          })`
    }`,
    '',
    `Answer: ${input(r.answer, r.unit)} ${r.unit === 'share' ? '' : r.unit}`.trimEnd() +
      (r.method === 'quantile'
        ? ` (± ${input(r.answer_se, r.unit)}, batch-means standard error)`
        : ` (sd ${r.answer_sd === null ? '-' : input(r.answer_sd, r.unit)} over ${r.replicates.filter((x) => x.answer !== null).length} seeds; bracket ${input(r.resolution, r.unit)})`),
    `At the answer: ${c.statistic} = ${stat(r.at_answer.value)}${r.at_answer.se === null ? '' : ` ± ${stat(r.at_answer.se)}`}`,
    `Now: ${input(r.current, r.unit)} (${r.origin})`,
  ]
  const failed = r.replicates.filter((x) => x.error)
  if (failed.length > 0) lines.push(`Seeds without an answer: ${failed.map((x) => `${x.seed} (${x.error!.code})`).join(', ')}`)
  if (r.points.length > 0) {
    lines.push('')
    const t = [['Input', c.statistic, '± s.e.', 'Met']]
    for (const p of r.points) t.push([input(p.input, r.unit), stat(p.value), p.se === null ? '-' : stat(p.se), p.met ? 'yes' : 'no'])
    lines.push(alignTable(t, [true, true, true, false]))
  }
  lines.push('')
  lines.push(`Done in ${info.seconds.toFixed(2)} s`)
  return `${lines.join('\n')}\n`
}

export function formatImpact(rows: ImpactRow[], info: { reform: string; baseline: string; trials: number; seed: string }): string {
  const lines = [
    `Budget impact of ${info.reform} against ${info.baseline} (million CNY; ${info.trials.toLocaleString('en-US')} trials, seed ${info.seed}, same draws; ± is the paired standard error)`,
  ]
  const t = [['Year', 'Level', 'Before', 'After', 'Difference', '± s.e.', 'P95 before', 'P95 after', 'Appropriation', 'P(over) before', 'P(over) after']]
  for (const r of rows)
    t.push([
      String(r.year),
      r.level,
      millions(r.mean_before),
      millions(r.mean_after),
      signed(millions(r.difference)),
      millions(r.difference_se, 2),
      millions(r.p95_before),
      millions(r.p95_after),
      r.appropriation_before === r.appropriation_after ? millions(r.appropriation_after) : `${millions(r.appropriation_before)} -> ${millions(r.appropriation_after)}`,
      percent(r.p_exceed_before),
      percent(r.p_exceed_after),
    ])
  lines.push(alignTable(t, [false, false, true, true, true, true, true, true, true, true, true]))
  return `${lines.join('\n')}\n`
}

export function formatPrecisionOutcome(o: PrecisionOutcome): string {
  const lines = [
    o.met
      ? `Precision met at ${o.trials_used.toLocaleString('en-US')} trials (of at most ${o.max_trials.toLocaleString('en-US')}); the results are those of a fixed run of ${o.trials_used.toLocaleString('en-US')} trials`
      : `Precision NOT met: stopped at the maximum of ${o.max_trials.toLocaleString('en-US')} trials`,
  ]
  const last = o.checks.at(-1)
  const se = (x: number | null | undefined) => (x === null || x === undefined ? '-' : Number(x.toPrecision(3)).toLocaleString('en-US', { maximumSignificantDigits: 3 }))
  o.targets.forEach((t, i) => lines.push(`  ${formatPrecision(t)}: standard error ${se(last?.se[i])} at ${last?.trials.toLocaleString('en-US') ?? '-'} trials${(last?.se[i] ?? Infinity) <= t.se ? '' : ' (not met)'}`))
  lines.push(`  checked at ${o.checks.map((c) => c.trials.toLocaleString('en-US')).join(', ')} trials`)
  return `${lines.join('\n')}\n`
}
