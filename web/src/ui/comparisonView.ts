// Why: a reform is judged by its difference from the baseline on the same random draws: the mean
// change with its standard error, the range of the trial-by-trial change, the overrun probability
// before and after, and the histogram of the paired differences.
import type { Distribution } from '../api/types'
import { differenceChart } from '../charts/distributionCharts'
import { chartFigure, COLOURS } from '../charts/frame'
import { formatCny } from '../format/cny'
import { formatCount, formatPercent } from '../format/odds'
import { describeSelection, type Selection, type SummaryIndex } from '../results/summaryIndex'
import { h } from './dom'

export function comparisonSection(diff: Distribution, sel: Selection, index: SummaryIndex, base: SummaryIndex, pairedTrials: number): HTMLElement {
  const { what, when } = describeSelection(sel, index.years)
  const row = index.get(sel.year, 'all', sel.level, 'demand')
  const b = base.get(sel.year, 'all', sel.level, 'demand')
  const cheaper = diff.mean < 0
  return h(
    'section',
    { class: 'card comparison', id: 'comparison', 'aria-labelledby': 'comparison-h' },
    h('h2', { id: 'comparison-h' }, `This run against the baseline: ${what.toLowerCase()} ${when}`),
    h(
      'p',
      { class: 'difference', 'data-mean': String(diff.mean), 'data-mean-se': String(diff.mean_se) },
      `On the same random draws, this run ${cheaper ? 'costs' : 'needs'} `,
      h('strong', {}, formatCny(Math.abs(diff.mean))),
      ` ${cheaper ? 'less' : 'more'} than the baseline on average (± ${formatCny(diff.mean_se)} standard error; `,
      `nine trials in ten between ${formatCny(diff.quantiles.p05, { signed: true })} and ${formatCny(diff.quantiles.p95, { signed: true })}).`,
    ),
    row && b && row.p_exceed !== null && b.p_exceed !== null
      ? h('p', {}, `Chance of overrunning the appropriation: ${formatPercent(b.p_exceed)} in the baseline, ${formatPercent(row.p_exceed)} in this run.`)
      : null,
    row && b ? h('p', { class: 'muted' }, `Mean outlay: ${formatCny(b.mean)} (baseline) → ${formatCny(row.mean)}; capped recipients ${formatCount(base.get(sel.year, 'all', 'all', 'capped')?.mean)} → ${formatCount(index.get(sel.year, 'all', 'all', 'capped')?.mean)}.`) : null,
    chartFigure({
      name: 'difference',
      title: 'Change in outlay, trial by trial',
      description: `Each trial's ${what.toLowerCase()} in this run minus the same trial in the baseline (${pairedTrials.toLocaleString('en-US')} paired trials).`,
      legend: [
        { label: 'Share of trials', colour: COLOURS.difference },
        { label: 'Mean change', colour: COLOURS.appropriation, shape: 'dash' },
      ],
      draw: (w) => differenceChart(diff, w),
    }),
  )
}
