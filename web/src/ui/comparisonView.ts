// Why: a reform is judged by its difference from the baseline on the same random draws, and that is
// the answer the planner ran the comparison for, so it comes first among the results: the mean
// change with its standard error, the range of the trial-by-trial change, the overrun probability
// before and after, and the histogram of the paired differences; then the budget-impact table of
// every year and level (ui/impactTable.ts). The section is shown at once (the page takes the planner
// to it) and filled when the paired difference and the table arrive.
import type { Comparison, Distribution } from '../api/types'
import { differenceChart } from '../charts/distributionCharts'
import { chartFigure, COLOURS } from '../charts/frame'
import { formatCny } from '../format/cny'
import { formatCount, formatPercent } from '../format/odds'
import { describeSelection, type Selection, type SummaryIndex } from '../results/summaryIndex'
import { h, replace } from './dom'
import { impactTable } from './impactTable'
import { term } from './terms'

export interface ComparisonSection {
  element: HTMLElement
  /** the heading the page moves focus to */
  heading: HTMLElement
  fill: (diff: Distribution) => void
  fail: () => void
}

/** `impact`: the budget-impact table of the run against its baseline (GET /runs/:id/compare), loaded once for every selection. */
export function comparisonSection(sel: Selection, index: SummaryIndex, base: SummaryIndex, pairedTrials: number, impact: Promise<Comparison>): ComparisonSection {
  const { what, when } = describeSelection(sel, index.years)
  const heading = h('h2', { id: 'comparison-h', tabindex: '-1' }, `Effect against the baseline: ${what.toLowerCase()} ${when}`)
  const content = h('div', { class: 'comparison-body', 'aria-busy': 'true' }, h('p', { class: 'muted loading' }, 'Computing the paired difference, trial by trial…'))
  const impactArea = h('div', { class: 'impact-area', 'aria-busy': 'true' }, h('p', { class: 'muted loading' }, 'Computing the budget impact of every year and level…'))
  const element = h('section', { class: 'card comparison', id: 'comparison', 'aria-labelledby': 'comparison-h' }, heading, content, impactArea)
  impact.then(
    (c) => {
      impactArea.removeAttribute('aria-busy')
      replace(impactArea, impactTable(c, index.years, sel))
    },
    (e: unknown) => {
      impactArea.removeAttribute('aria-busy')
      replace(impactArea, h('p', { class: 'muted' }, `The budget-impact table is not available: ${e instanceof Error ? e.message : String(e)}`))
    },
  )
  const row = index.get(sel.year, 'all', sel.level, 'demand')
  const b = base.get(sel.year, 'all', sel.level, 'demand')

  const fill = (diff: Distribution) => {
    const cheaper = diff.mean < 0
    content.removeAttribute('aria-busy')
    replace(
      content,
      h(
        'p',
        { class: 'difference', 'data-mean': String(diff.mean), 'data-mean-se': String(diff.mean_se) },
        'On the ',
        term('paired-difference', 'same random draws'),
        `, this run ${cheaper ? 'costs' : 'needs'} `,
        h('strong', {}, `${formatCny(Math.abs(diff.mean))} ${cheaper ? 'less' : 'more'}`),
        ' than the baseline on average (± ',
        formatCny(diff.mean_se),
        ' ',
        term('standard-error', 'standard error'),
        `; nine trials in ten between ${formatCny(diff.quantiles.p05, { signed: true })} and ${formatCny(diff.quantiles.p95, { signed: true })}).`,
      ),
      row && b && row.p_exceed !== null && b.p_exceed !== null
        ? h('p', { class: 'comparison-odds' }, 'Chance of overrunning the appropriation: ', h('strong', {}, formatPercent(b.p_exceed)), ' in the baseline → ', h('strong', {}, formatPercent(row.p_exceed)), ' in this run.')
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

  const fail = () => {
    content.removeAttribute('aria-busy')
    replace(content, h('p', { class: 'muted' }, 'The paired difference is not available (see the message below).'))
  }

  return { element, heading, fill, fail }
}
