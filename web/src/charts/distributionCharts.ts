// Why: the two pictures of risk for one total: the histogram of outlay across trials with the
// appropriation drawn as a line and the percentiles P5, P50, P95 marked (how often the budget line is
// crossed is visible at a glance), and the exceedance curve (the probability that outlay exceeds any
// amount x, with an amount the planner asks about marked). A baseline, when there is one, is overlaid
// in a second colour on the same axes and on the same bins (asked of the server with one range for
// both, see results/sharedBins.ts), so each bin reads as a share of trials in both. Labels are
// placed, in pixels, where they fit, so a phone cuts none of them.
import * as Plot from '@observablehq/plot'
import type { Distribution } from '../api/types'
import { axisLabel, formatCny, unitFor, type CnyUnit } from '../format/cny'
import { formatPercent } from '../format/odds'
import { sameEdges } from '../results/sharedBins'
import { anchorFor, COLOURS, fitting, textWidth } from './frame'

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
  /** an amount the planner asked about, marked on the exceedance curve with its chance */
  query?: { x: number; p: number } | null
}

const MARGIN = { left: 52, right: 20, top: 30, bottom: 44 }
/** The width of the plotting area: an axis label wider than it drops the unit's gloss ("万元 = 10,000 CNY") rather than be cut. */
const plotWidth = (width: number) => width - MARGIN.left - MARGIN.right

/** The x extent of the chart (in the unit) and the pixel of a value, for placing labels that must not be cut. */
function xScale(values: number[], width: number) {
  const lo = Math.min(...values)
  const hi = Math.max(...values)
  const span = hi > lo ? hi - lo : 1
  return { domain: [lo, hi > lo ? hi : lo + 1] as [number, number], px: (v: number) => MARGIN.left + ((v - lo) / span) * plotWidth(width) }
}

const finite = (...v: (number | null | undefined)[]) => v.filter((x): x is number => x !== null && x !== undefined && Number.isFinite(x))

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
  const edges = run.histogram.edges
  const x = xScale(finite(edges[0] / unit.divisor, edges[edges.length - 1] / unit.divisor, appropriation === null ? null : appropriation / unit.divisor), width)
  const q = run.quantiles
  // the percentiles, labelled inside the top of the frame (over the bars, with a halo)
  const percentiles = [
    { label: 'P5', value: q.p05 },
    { label: 'P50', value: q.p50 },
    { label: 'P95', value: q.p95 },
  ].map((p) => ({ ...p, x: p.value / unit.divisor, anchor: anchorFor(x.px(p.value / unit.divisor), textWidth(p.label, 11), MARGIN.left, width - 2) }))
  const appropriationText = appropriation === null ? '' : `Appropriation ${formatCny(appropriation)}`
  return Plot.plot({
    width,
    height: 280,
    marginLeft: MARGIN.left,
    marginRight: MARGIN.right,
    marginBottom: MARGIN.bottom,
    marginTop: MARGIN.top,
    x: { label: axisLabel('Outlay', unit, textWidth(axisLabel('Outlay', unit), 11) > plotWidth(width)), labelAnchor: 'center', labelArrow: 'none', nice: false, domain: x.domain },
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
      Plot.ruleX(percentiles, { ariaDescription: 'percentiles', x: 'x', stroke: COLOURS.ink, strokeWidth: 1.2, strokeDasharray: '2,3', title: (p: { label: string; value: number }) => `${p.label}: ${formatCny(p.value)}` }),
      (['start', 'middle', 'end'] as const).map((anchor) =>
        Plot.text(
          percentiles.filter((p) => p.anchor === anchor),
          { ariaDescription: 'percentile labels', x: 'x', text: 'label', frameAnchor: 'top', dy: 8, dx: anchor === 'start' ? 2 : anchor === 'end' ? -2 : 0, textAnchor: anchor, fontSize: 11, fill: COLOURS.ink, stroke: 'white', strokeWidth: 3, paintOrder: 'stroke' },
        ),
      ),
      appropriation !== null
        ? [
            Plot.ruleX([appropriation / unit.divisor], { ariaDescription: 'appropriation', stroke: COLOURS.appropriation, strokeWidth: 2.5, strokeDasharray: '6,3' }),
            Plot.text([appropriation / unit.divisor], {
              x: (v: number) => v,
              frameAnchor: 'top',
              dy: -14,
              text: () => appropriationText,
              fill: COLOURS.appropriation,
              fontWeight: 'bold',
              fontSize: 12,
              textAnchor: anchorFor(x.px(appropriation / unit.divisor), textWidth(appropriationText, 12, true), 2, width - 2),
            }),
          ]
        : null,
    ],
  })
}

export function exceedanceChart(input: DistributionChartInput, width: number): Element {
  const { run, baseline, pExceed, query } = input
  const appropriation = run.appropriation
  const height = 280
  const unit = unitFor(extent(run.max, baseline?.max, appropriation))
  const points = (d: Distribution) => d.exceedance.map((e) => ({ x: e.x / unit.divisor, p: e.p }))
  const x = xScale(finite(run.min / unit.divisor, run.max / unit.divisor, baseline && baseline.min / unit.divisor, baseline && baseline.max / unit.divisor, appropriation === null ? null : appropriation / unit.divisor), width)
  const py = (p: number) => MARGIN.top + (1 - p) * (height - MARGIN.top - MARGIN.bottom)
  // the label of the appropriation's chance goes where it fits: beside the dot, or on two lines
  let label: { text: string; anchor: 'start' | 'end'; dx: number; dy: number } | null = null
  if (appropriation !== null && pExceed !== null && pExceed !== undefined) {
    const at = x.px(appropriation / unit.divisor)
    const one = `${formatPercent(pExceed)} above ${formatCny(appropriation)}`
    const two = `${formatPercent(pExceed)} above\n${formatCny(appropriation)}`
    const fits = (w: number) => at + 10 + w <= width - 2 || at - 10 - w >= MARGIN.left + 2
    const text = fits(textWidth(one, 12, true)) ? one : two
    const w = Math.max(...text.split('\n').map((t) => textWidth(t, 12, true)))
    const anchor = anchorFor(at, w, MARGIN.left + 2, width - 2, 10) as 'start' | 'end'
    const lines = text.split('\n').length
    // above the dot, unless that would leave the frame
    const above = py(pExceed) - 12 - lines * 14 >= MARGIN.top - 4
    label = { text, anchor, dx: anchor === 'start' ? 10 : -10, dy: above ? -12 - (lines - 1) * 7 : 14 + (lines - 1) * 7 }
  }
  return Plot.plot({
    width,
    height,
    marginLeft: MARGIN.left,
    marginRight: MARGIN.right,
    marginBottom: MARGIN.bottom,
    marginTop: MARGIN.top,
    x: { label: axisLabel('Outlay x', unit, textWidth(axisLabel('Outlay x', unit), 11) > plotWidth(width)), labelAnchor: 'center', labelArrow: 'none', domain: x.domain },
    y: { label: 'Probability outlay exceeds x (%)', percent: true, domain: [0, 100], grid: true, labelArrow: 'none' },
    marks: [
      baseline ? Plot.line(points(baseline), { ariaDescription: 'baseline', x: 'x', y: 'p', stroke: COLOURS.baseline, strokeWidth: 2, strokeDasharray: '5,3', curve: 'step-after' }) : null,
      Plot.line(points(run), { ariaDescription: 'exceedance', x: 'x', y: 'p', stroke: COLOURS.run, strokeWidth: 2.5, curve: 'step-after' }),
      appropriation !== null ? Plot.ruleX([appropriation / unit.divisor], { ariaDescription: 'appropriation', stroke: COLOURS.appropriation, strokeWidth: 2, strokeDasharray: '6,3' }) : null,
      // an amount asked about is marked when it is on the chart (its chance is given below it anyway)
      query && query.x / unit.divisor >= x.domain[0] && query.x / unit.divisor <= x.domain[1]
        ? [
            Plot.ruleX([query.x / unit.divisor], { ariaDescription: 'query', stroke: COLOURS.ink, strokeWidth: 1.5, strokeDasharray: '2,3' }),
            Plot.dot([{ x: query.x / unit.divisor, p: query.p }], { ariaDescription: 'query point', x: 'x', y: 'p', r: 5, fill: COLOURS.ink, stroke: 'white', title: () => `${formatPercent(query.p)} of trials above ${formatCny(query.x)}` }),
          ]
        : null,
      label && appropriation !== null && pExceed !== null && pExceed !== undefined
        ? [
            Plot.dot([{ x: appropriation / unit.divisor, p: pExceed }], { x: 'x', y: 'p', r: 5, fill: COLOURS.appropriation, stroke: 'white' }),
            Plot.text([{ x: appropriation / unit.divisor, p: pExceed }], {
              ariaDescription: 'appropriation label',
              x: 'x',
              y: 'p',
              text: () => label!.text,
              dx: label.dx,
              dy: label.dy,
              textAnchor: label.anchor,
              fill: COLOURS.appropriation,
              fontWeight: 'bold',
              fontSize: 12,
              stroke: 'white',
              strokeWidth: 3,
              paintOrder: 'stroke',
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
  const x = xScale(finite(diff.histogram.edges[0] / unit.divisor, diff.histogram.edges[diff.histogram.edges.length - 1] / unit.divisor, 0), width)
  const what = 'Change in outlay, reform minus baseline'
  const meanText = `mean ${formatCny(diff.mean, { signed: true })}`
  const meanAnchor = anchorFor(x.px(diff.mean / unit.divisor), textWidth(meanText, 12), MARGIN.left + 2, width - 2, 4) as 'start' | 'end'
  return Plot.plot({
    width,
    height: 240,
    marginLeft: MARGIN.left,
    marginRight: MARGIN.right,
    marginBottom: MARGIN.bottom,
    marginTop: MARGIN.top,
    x: {
      label: textWidth(axisLabel(what, unit), 11) <= plotWidth(width) ? axisLabel(what, unit) : fitting(axisLabel('Change, reform − baseline', unit, true), axisLabel('Change', unit, true), plotWidth(width)),
      labelAnchor: 'center',
      labelArrow: 'none',
      domain: x.domain,
    },
    y: { label: 'Share of trials (%)', percent: true, grid: true, labelArrow: 'none' },
    marks: [
      Plot.rectY(data, { ariaDescription: 'difference histogram', x1: 'x1', x2: 'x2', y: 'share', fill: COLOURS.difference, fillOpacity: 0.85, insetLeft: 0.5, insetRight: 0.5 }),
      Plot.ruleY([0]),
      Plot.ruleX([0], { stroke: COLOURS.ink, strokeWidth: 1.5 }),
      Plot.ruleX([diff.mean / unit.divisor], { stroke: COLOURS.appropriation, strokeWidth: 2, strokeDasharray: '6,3' }),
      Plot.text([diff.mean / unit.divisor], {
        ariaDescription: 'mean label',
        x: (v: number) => v,
        frameAnchor: 'top',
        dy: 8,
        text: () => meanText,
        fill: COLOURS.appropriation,
        textAnchor: meanAnchor,
        dx: meanAnchor === 'start' ? 4 : -4,
        fontSize: 12,
        stroke: 'white',
        strokeWidth: 3,
        paintOrder: 'stroke',
      }),
    ],
  })
}
