// Why: the two pictures of risk for one total: the histogram of outlay across trials with the
// appropriation drawn as a line (how often the budget line is crossed is visible at a glance), and
// the exceedance curve (the probability that outlay exceeds any amount x). A baseline, when there is
// one, is overlaid in a second colour on the same axes and on the same bins (asked of the server with
// one range for both, see results/sharedBins.ts), so each bin reads as a share of trials in both.
import * as Plot from '@observablehq/plot'
import type { Distribution } from '../api/types'
import { axisLabel, formatCny, unitFor, type CnyUnit } from '../format/cny'
import { formatPercent } from '../format/odds'
import { sameEdges } from '../results/sharedBins'
import { COLOURS } from './frame'

interface Bin {
  x1: number
  x2: number
  share: number
}

function bins(d: Distribution, unit: CnyUnit): Bin[] {
  const { edges, counts } = d.histogram
  return counts.map((c, i) => ({ x1: edges[i] / unit.divisor, x2: edges[i + 1] / unit.divisor, share: c / d.n }))
}

function extent(...values: (number | null | undefined)[]): number {
  return Math.max(...values.map((v) => (v === null || v === undefined ? 0 : Math.abs(v))))
}

export interface DistributionChartInput {
  run: Distribution
  baseline?: Distribution | null
  /** P(outlay > appropriation) from the summary, marked on the exceedance curve */
  pExceed?: number | null
}

export function histogramChart(input: DistributionChartInput, width: number): Element {
  const { run, baseline } = input
  const appropriation = run.appropriation
  const unit = unitFor(extent(run.max, baseline?.max, appropriation))
  if (baseline && !sameEdges(run, baseline)) throw new Error('the baseline was binned differently from this run, so the two cannot be overlaid')
  const runBins = bins(run, unit)
  const baseBins = baseline ? bins(baseline, unit) : []
  const steps = baseBins.flatMap((b) => [
    { x: b.x1, share: b.share },
    { x: b.x2, share: b.share },
  ])
  return Plot.plot({
    width,
    height: 280,
    marginLeft: 52,
    marginBottom: 44,
    marginTop: 26,
    x: { label: axisLabel('Outlay', unit), labelAnchor: 'center', labelArrow: 'none', nice: false },
    y: { label: 'Share of trials (%)', percent: true, grid: true, labelArrow: 'none' },
    marks: [
      Plot.rectY(runBins, {
        x1: 'x1',
        x2: 'x2',
        y: 'share',
        ariaDescription: 'histogram',
        fill: COLOURS.run,
        fillOpacity: baseline ? 0.75 : 0.9,
        insetLeft: 0.5,
        insetRight: 0.5,
        title: (b: Bin) => `${b.x1.toFixed(2)}–${b.x2.toFixed(2)} ${unit.name}: ${formatPercent(b.share)} of trials`,
      }),
      baseline ? Plot.line(steps, { ariaDescription: 'baseline', x: 'x', y: 'share', stroke: COLOURS.baseline, strokeWidth: 2 }) : null,
      Plot.ruleY([0]),
      appropriation !== null
        ? [
            Plot.ruleX([appropriation / unit.divisor], { ariaDescription: 'appropriation', stroke: COLOURS.appropriation, strokeWidth: 2.5, strokeDasharray: '6,3' }),
            Plot.text([appropriation / unit.divisor], {
              x: (v: number) => v,
              frameAnchor: 'top',
              dy: -14,
              text: () => `Appropriation ${formatCny(appropriation)}`,
              fill: COLOURS.appropriation,
              fontWeight: 'bold',
              fontSize: 12,
              textAnchor: 'middle',
            }),
          ]
        : null,
    ],
  })
}

export function exceedanceChart(input: DistributionChartInput, width: number): Element {
  const { run, baseline, pExceed } = input
  const appropriation = run.appropriation
  const unit = unitFor(extent(run.max, baseline?.max, appropriation))
  const points = (d: Distribution) => d.exceedance.map((e) => ({ x: e.x / unit.divisor, p: e.p }))
  // put the label on the side of the line with more room
  const lo = Math.min(run.min, baseline?.min ?? run.min, appropriation ?? run.min)
  const hi = Math.max(run.max, baseline?.max ?? run.max, appropriation ?? run.max)
  const rightHalf = appropriation !== null && hi > lo && (appropriation - lo) / (hi - lo) > 0.5
  return Plot.plot({
    width,
    height: 280,
    marginLeft: 52,
    marginBottom: 44,
    marginTop: 26,
    x: { label: axisLabel('Outlay x', unit), labelAnchor: 'center', labelArrow: 'none' },
    y: { label: 'Probability outlay exceeds x (%)', percent: true, domain: [0, 100], grid: true, labelArrow: 'none' },
    marks: [
      baseline ? Plot.line(points(baseline), { ariaDescription: 'baseline', x: 'x', y: 'p', stroke: COLOURS.baseline, strokeWidth: 2, strokeDasharray: '5,3', curve: 'step-after' }) : null,
      Plot.line(points(run), { ariaDescription: 'exceedance', x: 'x', y: 'p', stroke: COLOURS.run, strokeWidth: 2.5, curve: 'step-after' }),
      appropriation !== null ? Plot.ruleX([appropriation / unit.divisor], { ariaDescription: 'appropriation', stroke: COLOURS.appropriation, strokeWidth: 2, strokeDasharray: '6,3' }) : null,
      appropriation !== null && pExceed !== null && pExceed !== undefined
        ? [
            Plot.dot([{ x: appropriation / unit.divisor, p: pExceed }], { x: 'x', y: 'p', r: 5, fill: COLOURS.appropriation, stroke: 'white' }),
            Plot.text([{ x: appropriation / unit.divisor, p: pExceed }], {
              x: 'x',
              y: 'p',
              text: (d: { p: number }) => `${formatPercent(d.p)} above ${formatCny(appropriation)}`,
              dx: rightHalf ? -10 : 10,
              dy: -12,
              textAnchor: rightHalf ? 'end' : 'start',
              fill: COLOURS.appropriation,
              fontWeight: 'bold',
              fontSize: 12,
            }),
          ]
        : null,
    ],
  })
}

/** The paired difference (this run minus the baseline, trial by trial). */
export function differenceChart(diff: Distribution, width: number): Element {
  const unit = unitFor(extent(diff.max, diff.min))
  const data = bins(diff, unit)
  return Plot.plot({
    width,
    height: 240,
    marginLeft: 52,
    marginBottom: 44,
    x: { label: axisLabel('Change in outlay, reform minus baseline', unit), labelAnchor: 'center', labelArrow: 'none' },
    y: { label: 'Share of trials (%)', percent: true, grid: true, labelArrow: 'none' },
    marks: [
      Plot.rectY(data, { ariaDescription: 'difference histogram', x1: 'x1', x2: 'x2', y: 'share', fill: COLOURS.difference, fillOpacity: 0.85, insetLeft: 0.5, insetRight: 0.5 }),
      Plot.ruleY([0]),
      Plot.ruleX([0], { stroke: COLOURS.ink, strokeWidth: 1.5 }),
      Plot.ruleX([diff.mean / unit.divisor], { stroke: COLOURS.appropriation, strokeWidth: 2, strokeDasharray: '6,3' }),
      Plot.text([diff.mean / unit.divisor], { x: (v: number) => v, frameAnchor: 'top', dy: 2, text: () => `mean ${formatCny(diff.mean, { signed: true })}`, fill: COLOURS.appropriation, textAnchor: 'start', dx: 4, fontSize: 12 }),
    ],
  })
}
