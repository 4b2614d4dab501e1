// Why: "which assumption moves the answer most?" is read off a tornado: one row per parameter, largest
// swing first, a bar from the figure in the scenario as it is (the base line) to the figure with the
// parameter at its low and at its high; the swing with its paired standard error at the row's right,
// and a swing that cannot be told from Monte Carlo noise drawn pale and dashed with an asterisk. The
// contribution to variance is the companion chart: each parameter's share as a bar. Values are the
// server's (GET /analyses/:id); each drawn bar carries its parameter and value (data-*) so what is
// drawn can be checked against them. Labels sit above their bars, so a phone never cuts them.
import * as Plot from '@observablehq/plot'
import type { Statistic, TornadoBar } from '../api/types'
import { formatStatistic, formatStatisticChange } from '../format/analysis'
import { formatPercent } from '../format/odds'
import { unitFor } from '../format/cny'
import { COLOURS, textWidth } from './frame'

export interface TornadoInput {
  statistic: Statistic
  base: number
  bars: TornadoBar[]
  /** a bar's parameter in words */
  label: (bar: TornadoBar) => string
  /** a parameter's low or high in its unit, for the tooltip */
  inputText: (bar: TornadoBar, end: 'low' | 'high') => string
}

const ROW = 46
const FONT = 11
/**
 * Plot cuts a label (…) by its own estimate of a glyph's width, which bold glyphs exceed by about a
 * quarter: labels get this share of the room they may take, so what is drawn stays inside it.
 */
const BOLD_ROOM = 0.78

/** Ticks of a statistic's axis: amounts in the unit of the largest ("1.8" in 亿元), chances in per cent. */
export function statisticAxis(statistic: Statistic, values: number[]): { label: string; format: (v: number) => string } {
  if (statistic === 'p_exceed') return { label: '%', format: (v) => `${+(v * 100).toFixed(2)}` }
  const unit = unitFor(Math.max(...values.map(Math.abs)))
  return { label: unit.name, format: (v) => `${+(v / unit.divisor).toFixed(4)}` }
}

/** The swing and its error, as the row says it: "+4,858 万元 ± 47.7 万元 *". */
export function swingText(statistic: Statistic, bar: Pick<TornadoBar, 'swing' | 'swing_se' | 'crosses_zero'>): string {
  return `${formatStatisticChange(statistic, bar.swing)}${bar.swing_se === null ? '' : ` ± ${formatStatisticChange(statistic, bar.swing_se).replace(/^\+/, '')}`}${bar.crosses_zero ? ' *' : ''}`
}

/** Tag each drawn rect of a mark with the datum it draws (Plot draws them in data order). */
function tag(svg: Element, mark: string, data: { parameter: string; value: number; input?: number }[]): void {
  svg.querySelectorAll(`g[aria-description="${mark}"] rect`).forEach((rect, i) => {
    const d = data[i]
    if (!d) return
    rect.setAttribute('data-parameter', d.parameter)
    rect.setAttribute('data-value', String(d.value))
    if (d.input !== undefined) rect.setAttribute('data-input', String(d.input))
  })
}

export function tornadoChart(input: TornadoInput, width: number, axisTitle: string): Element {
  const { statistic, base } = input
  const bars = input.bars
  const rows = bars.map((b) => ({
    parameter: b.parameter,
    label: `${input.label(b)}${b.crosses_zero ? ' *' : ''}`,
    swing: swingText(statistic, b),
    noise: b.crosses_zero === true,
  }))
  const segments = (end: 'low' | 'high') =>
    bars.map((b) => ({
      parameter: b.parameter,
      value: b[end].value,
      input: b[end].input,
      x1: Math.min(base, b[end].value),
      x2: Math.max(base, b[end].value),
      noise: b.crosses_zero === true,
      title: `${input.label(b)} at its ${end} (${input.inputText(b, end)}): ${formatStatistic(statistic, b[end].value)}; swing ${swingText(statistic, b)}`,
    }))
  const lows = segments('low')
  const highs = segments('high')
  const values = [base, ...bars.flatMap((b) => [b.low.value, b.high.value])]
  const axis = statisticAxis(statistic, values)
  const marginLeft = 12
  const marginRight = 12
  const swingWidth = Math.max(0, ...rows.map((r) => textWidth(r.swing, FONT)))
  // the label shares its line with the swing: it is cut (…) before it reaches it
  const labelEms = Math.max(8, ((width - marginLeft - marginRight - swingWidth - 16) / FONT) * BOLD_ROOM)
  const lo = Math.min(...values)
  const hi = Math.max(...values)
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1
  const domain = bars.map((b) => b.parameter)
  const height = 36 + Math.max(1, bars.length) * ROW + 40
  const svg = Plot.plot({
    width,
    height,
    marginLeft,
    marginRight,
    marginTop: 36,
    marginBottom: 40,
    x: { domain: [lo - pad, hi + pad], label: `${axisTitle} (${axis.label})`, tickFormat: axis.format, grid: true, labelArrow: 'none', labelAnchor: 'center', ticks: Math.max(3, Math.floor(width / 110)) },
    y: { type: 'band', domain, axis: null, paddingInner: 0.55, paddingOuter: 0.3, align: 1 },
    marks: [
      Plot.barX(lows, { ariaDescription: 'at its low', y: 'parameter', x1: 'x1', x2: 'x2', fill: COLOURS.runLight, fillOpacity: (d: { noise: boolean }) => (d.noise ? 0.45 : 1), stroke: (d: { noise: boolean }) => (d.noise ? 'none' : COLOURS.ink), strokeWidth: 0.6, title: 'title' }),
      Plot.barX(highs, { ariaDescription: 'at its high', y: 'parameter', x1: 'x1', x2: 'x2', fill: COLOURS.run, fillOpacity: (d: { noise: boolean }) => (d.noise ? 0.45 : 0.85), stroke: (d: { noise: boolean }) => (d.noise ? 'none' : COLOURS.ink), strokeWidth: 0.6, title: 'title' }),
      // a swing that cannot be told from noise: its bars outlined dashed
      Plot.barX([...lows, ...highs].filter((d) => d.noise), { ariaDescription: 'noise', y: 'parameter', x1: 'x1', x2: 'x2', fill: 'none', stroke: COLOURS.ink, strokeWidth: 1, strokeDasharray: '3,2' }),
      Plot.ruleX([base], { ariaDescription: 'base', stroke: COLOURS.ink, strokeWidth: 2 }),
      // (a white halo keeps a label legible where it crosses the base line or a grid line)
      Plot.text(rows, { ariaDescription: 'parameter', y: 'parameter', text: 'label', frameAnchor: 'left', textAnchor: 'start', dy: -16, fontSize: FONT, fontWeight: 600, lineWidth: labelEms, textOverflow: 'ellipsis', fill: COLOURS.ink, stroke: '#ffffff', strokeWidth: 3 }),
      Plot.text(rows, { ariaDescription: 'swing', y: 'parameter', text: 'swing', frameAnchor: 'right', textAnchor: 'end', dy: -16, fontSize: FONT, fill: COLOURS.ink, stroke: '#ffffff', strokeWidth: 3 }),
    ],
  })
  svg.setAttribute('data-statistic', statistic)
  svg.setAttribute('data-base', String(base))
  tag(svg, 'at its low', lows)
  tag(svg, 'at its high', highs)
  return svg
}

export interface ContributionRow {
  parameter: string
  label: string
  share: number
  rank_correlation: number
}

/** Each parameter's share of the variance of outlay (squared rank correlations, normalised), largest first. */
export function contributionChart(rows: ContributionRow[], width: number): Element {
  const data = rows.map((r) => ({ ...r, pct: r.share * 100, text: `${formatPercent(r.share)} (ρ ${r.rank_correlation >= 0 ? '+' : '\u2212'}${Math.abs(r.rank_correlation).toFixed(2)})`, negative: r.rank_correlation < 0 }))
  const endWidth = Math.max(0, ...data.map((d) => textWidth(d.text, FONT)))
  const labelEms = Math.max(8, ((width - 24) / FONT) * BOLD_ROOM)
  const svg = Plot.plot({
    width,
    height: 20 + Math.max(1, data.length) * 40 + 40,
    marginLeft: 12,
    marginRight: endWidth + 16,
    marginTop: 20,
    marginBottom: 40,
    x: { domain: [0, Math.max(1, ...data.map((d) => d.pct))], label: 'Share of the variance of outlay (%)', grid: true, labelArrow: 'none', labelAnchor: 'center', ticks: Math.max(3, Math.floor(width / 110)) },
    y: { type: 'band', domain: data.map((d) => d.parameter), axis: null, paddingInner: 0.5, paddingOuter: 0.3, align: 1 },
    marks: [
      Plot.barX(data, { ariaDescription: 'share', y: 'parameter', x: 'pct', fill: (d: { negative: boolean }) => (d.negative ? COLOURS.baseline : COLOURS.run), title: (d: ContributionRow & { text: string }) => `${d.label}: ${d.text}` }),
      Plot.text(data, { y: 'parameter', x: 'pct', text: 'text', textAnchor: 'start', dx: 5, fontSize: FONT, fill: COLOURS.ink }),
      Plot.text(data, { y: 'parameter', text: 'label', frameAnchor: 'left', textAnchor: 'start', dy: -14, fontSize: FONT, fontWeight: 600, lineWidth: labelEms, textOverflow: 'ellipsis', fill: COLOURS.ink }),
    ],
  })
  tag(
    svg,
    'share',
    data.map((d) => ({ parameter: d.parameter, value: d.share })),
  )
  return svg
}
