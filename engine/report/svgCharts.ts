// Why: a filed report's charts must print crisply, in black and white, from a document that needs
// no script and no network: the histogram of outlay with the appropriation and P5/P50/P95, the
// exceedance curve, and the fan chart by year are drawn here as static SVG from the numbers the
// server already has (the run's distributions and summary rows). The page draws the same charts with
// Observable Plot, which needs a browser DOM; these need nothing, so GET /runs/:id/report.html works
// without Chromium and the PDF shows exactly what the HTML does. Shades of grey, dash patterns and
// hatching (not colour) tell the marks apart; every mark carries data-* attributes with its values.
// The decision analyses' charts are here too: the tornado (each parameter's swing of the figure,
// largest first), the contribution to variance, and a goal seek's evaluated points.
import { Html, escapeHtml, raw } from './html.js'
import { formatCny, formatPercent, formatStatisticChange, unitFor, type CnyUnit } from './format.js'

/** What the charts need of a distribution (GET /runs/:id/distribution, or the same read task). */
export interface ChartDistribution {
  n: number
  min: number
  max: number
  quantiles: { p05: number; p25?: number; p50: number; p75?: number; p95: number; p99?: number }
  histogram: { edges: number[]; counts: number[]; below?: number; above?: number }
  exceedance: { x: number; p: number }[]
  appropriation: number | null
}

export interface FanRow {
  year: number
  p05: number
  p25: number
  p50: number
  p75: number
  p95: number
  appropriation: number | null
}

const FONT = 10
const INK = '#000'
const GRID = '#d0d0d0'

/** Estimated width of a one-line label: CJK glyphs are square, Latin ones about 0.6 em. */
export function textWidth(text: string, fontSize = FONT): number {
  let w = 0
  for (const c of text) w += /[\u3000-\u9fff\uff00-\uffef]/.test(c) ? fontSize : fontSize * 0.6
  return w
}

/** About `count` round ticks over [lo, hi] (steps of 1, 2 or 5 times a power of ten). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo]
  const raw = (hi - lo) / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const error = raw / power
  const step = power * (error >= 7.5 ? 10 : error >= 3.5 ? 5 : error >= 1.5 ? 2 : 1)
  const ticks: number[] = []
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)))
  return ticks
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toFixed(6))))
const tickText = (v: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 }).format(v)

interface Frame {
  width: number
  height: number
  left: number
  right: number
  top: number
  bottom: number
}

function linear(d0: number, d1: number, r0: number, r1: number) {
  const span = d1 - d0 || 1
  return (v: number) => r0 + ((v - d0) / span) * (r1 - r0)
}

/** Marks drawn as SVG text, escaped. */
function text(x: number, y: number, content: string, options: { anchor?: 'start' | 'middle' | 'end'; size?: number; weight?: string; rotate?: boolean; cls?: string } = {}): string {
  const anchor = options.anchor ?? 'start'
  const transform = options.rotate ? ` transform="rotate(-90 ${fmt(x)} ${fmt(y)})"` : ''
  return `<text x="${fmt(x)}" y="${fmt(y)}" text-anchor="${anchor}" font-size="${options.size ?? FONT}"${options.weight ? ` font-weight="${options.weight}"` : ''}${transform}${options.cls ? ` class="${options.cls}"` : ''}>${escapeHtml(content)}</text>`
}

/** Where a label of width w fits beside x, between left and right. */
function anchorBeside(x: number, w: number, left: number, right: number, gap = 4): { x: number; anchor: 'start' | 'end' } {
  if (x + gap + w <= right) return { x: x + gap, anchor: 'start' }
  if (x - gap - w >= left) return { x: x - gap, anchor: 'end' }
  return right - x >= x - left ? { x: x + gap, anchor: 'start' } : { x: x - gap, anchor: 'end' }
}

function axes(f: Frame, xTicks: { v: number; px: number; label: string }[], yTicks: { v: number; px: number; label: string }[], xLabel: string, yLabel: string): string {
  const out: string[] = []
  const x0 = f.left
  const x1 = f.width - f.right
  const y0 = f.height - f.bottom
  const y1 = f.top
  out.push(`<g class="grid" stroke="${GRID}" stroke-width="0.6">`)
  for (const t of yTicks) out.push(`<line x1="${fmt(x0)}" x2="${fmt(x1)}" y1="${fmt(t.px)}" y2="${fmt(t.px)}"/>`)
  out.push('</g>')
  out.push(`<g class="axis axis-x" stroke="${INK}" stroke-width="0.8"><line x1="${fmt(x0)}" x2="${fmt(x1)}" y1="${fmt(y0)}" y2="${fmt(y0)}"/>`)
  for (const t of xTicks) out.push(`<line x1="${fmt(t.px)}" x2="${fmt(t.px)}" y1="${fmt(y0)}" y2="${fmt(y0 + 4)}"/>`)
  out.push('</g>')
  out.push(`<g class="axis axis-y" stroke="${INK}" stroke-width="0.8"><line x1="${fmt(x0)}" x2="${fmt(x0)}" y1="${fmt(y0)}" y2="${fmt(y1)}"/></g>`)
  out.push('<g class="tick-labels" fill="#000">')
  for (const t of xTicks) out.push(text(t.px, y0 + 14, t.label, { anchor: 'middle' }))
  for (const t of yTicks) out.push(text(x0 - 5, t.px + 3.5, t.label, { anchor: 'end' }))
  out.push(text((x0 + x1) / 2, f.height - 4, xLabel, { anchor: 'middle' }))
  out.push(text(11, (y0 + y1) / 2, yLabel, { anchor: 'middle', rotate: true }))
  out.push('</g>')
  return out.join('')
}

export interface LegendEntry {
  label: string
  /** swatch: a filled box, a line (solid, dashed, dotted), or a hatched box */
  kind: 'box' | 'line' | 'dash' | 'dot' | 'hatch' | 'diamond' | 'point' | 'ring'
  fill?: string
}

/** A legend in one or two rows above the plotting area. */
function legendMarks(entries: LegendEntry[], f: Frame, hatchId: string): string {
  const out: string[] = ['<g class="legend">']
  let x = f.left
  let y = 10
  for (const e of entries) {
    const w = 18 + textWidth(e.label) + 14
    if (x + w > f.width - 2 && x > f.left) {
      x = f.left
      y += 13
    }
    const sy = y - 4
    switch (e.kind) {
      case 'box':
        out.push(`<rect x="${fmt(x)}" y="${fmt(sy - 4)}" width="14" height="8" fill="${e.fill ?? '#bbb'}" stroke="${INK}" stroke-width="0.5"/>`)
        break
      case 'hatch':
        out.push(`<rect x="${fmt(x)}" y="${fmt(sy - 4)}" width="14" height="8" fill="url(#${hatchId})" stroke="${INK}" stroke-width="0.5"/>`)
        break
      case 'point':
      case 'ring':
        out.push(`<circle cx="${fmt(x + 7)}" cy="${fmt(sy)}" r="3.2" fill="${e.kind === 'point' ? '#000' : '#fff'}" stroke="${INK}" stroke-width="1.2"/>`)
        break
      case 'diamond':
        out.push(`<path d="M${fmt(x + 7)},${fmt(sy - 5)}l5,5l-5,5l-5,-5z" fill="#fff" stroke="${INK}" stroke-width="1.2"/>`)
        break
      default:
        out.push(`<line x1="${fmt(x)}" x2="${fmt(x + 14)}" y1="${fmt(sy)}" y2="${fmt(sy)}" stroke="${INK}" stroke-width="${e.kind === 'line' ? 2 : 1.6}"${e.kind === 'dash' ? ' stroke-dasharray="6 3"' : e.kind === 'dot' ? ' stroke-dasharray="1.5 2.5"' : ''}/>`)
    }
    out.push(text(x + 18, y, e.label))
    x += w
  }
  out.push('</g>')
  return out.join('')
}

function svgOpen(f: Frame, name: string, label: string, hatchId: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" data-chart="${escapeHtml(name)}" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" font-family="inherit">` +
    `<defs><pattern id="${hatchId}" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(45)"><rect width="5" height="5" fill="#fff"/><line x1="0" y1="0" x2="0" y2="5" stroke="#000" stroke-width="1.6"/></pattern></defs>`
  )
}

let chartCount = 0
/** The id of a chart's hatch pattern: from the chart's own id when given (ids must be unique in a document). */
const hatchIdFor = (id: string | undefined) => `hatch-${id ?? `c${++chartCount}`}`

export interface HistogramOptions {
  /** unique in the document (names the SVG pattern it defines) */
  id?: string
  width?: number
  height?: number
  /** accessible label of the whole chart */
  label: string
}

/**
 * The histogram of one total across trials: bars as the share of trials in each bin (bins beyond
 * the appropriation hatched), the appropriation as a heavy dashed line, P5, P50 and P95 as dotted
 * lines, each labelled.
 */
export function histogramSvg(d: ChartDistribution, options: HistogramOptions): Html {
  const f: Frame = { width: options.width ?? 330, height: options.height ?? 210, left: 44, right: 10, top: 44, bottom: 32 }
  const hatch = hatchIdFor(options.id)
  const edges = d.histogram.edges
  const unit = unitFor(Math.max(Math.abs(edges[0]), Math.abs(edges[edges.length - 1]), Math.abs(d.appropriation ?? 0)))
  const lo = Math.min(edges[0], d.appropriation ?? Infinity)
  const hi = Math.max(edges[edges.length - 1], d.appropriation ?? -Infinity)
  const pad = (hi - lo) * 0.02 || 1
  const x = linear((lo - pad) / unit.divisor, (hi + pad) / unit.divisor, f.left, f.width - f.right)
  const shares = d.histogram.counts.map((c) => c / d.n)
  const maxShare = Math.max(...shares, 1e-9)
  const yTicksV = niceTicks(0, maxShare * 1.05, 4)
  const yTop = Math.max(maxShare * 1.05, yTicksV[yTicksV.length - 1])
  const y = linear(0, yTop, f.height - f.bottom, f.top)
  const xTicks = niceTicks((lo - pad) / unit.divisor, (hi + pad) / unit.divisor, Math.max(3, Math.floor((f.width - f.left - f.right) / 70))).map((v) => ({ v, px: x(v), label: tickText(v) }))
  const yTicks = yTicksV.map((v) => ({ v, px: y(v), label: `${+(v * 100).toFixed(1)}%` }))
  const out: string[] = [svgOpen(f, 'histogram', options.label, hatch)]
  const legend: LegendEntry[] = [{ label: 'Share of trials', kind: 'box', fill: '#c8c8c8' }]
  if (d.appropriation !== null) legend.push({ label: 'Beyond the appropriation', kind: 'hatch' })
  out.push(legendMarks(legend, f, hatch))
  out.push(axes(f, xTicks, yTicks, `Outlay (${unit.name}; ${unit.gloss})`, 'Share of trials'))
  out.push('<g class="bars" stroke="#000" stroke-width="0.4">')
  shares.forEach((s, i) => {
    if (s <= 0) return
    const a = edges[i] / unit.divisor
    const b = edges[i + 1] / unit.divisor
    const beyond = d.appropriation !== null && edges[i] >= d.appropriation
    out.push(`<rect data-x1="${edges[i]}" data-x2="${edges[i + 1]}" data-share="${s}" x="${fmt(x(a))}" y="${fmt(y(s))}" width="${fmt(Math.max(0.5, x(b) - x(a)))}" height="${fmt(y(0) - y(s))}" fill="${beyond ? `url(#${hatch})` : '#c8c8c8'}"/>`)
  })
  out.push('</g>')
  const top = f.top
  const bottom = f.height - f.bottom
  // percentiles: dotted, labelled at the top of the plotting area
  const percentiles: [string, number][] = [
    ['P5', d.quantiles.p05],
    ['P50', d.quantiles.p50],
    ['P95', d.quantiles.p95],
  ]
  out.push('<g class="percentiles">')
  let lastRight = -Infinity
  for (const [label, v] of percentiles) {
    const px = x(v / unit.divisor)
    out.push(`<line data-label="${label}" data-value="${v}" x1="${fmt(px)}" x2="${fmt(px)}" y1="${fmt(top - 2)}" y2="${fmt(bottom)}" stroke="#000" stroke-width="1" stroke-dasharray="1.5 2.5"/>`)
    const w = textWidth(label, 9)
    const lx = Math.max(px - w / 2, lastRight + 2)
    out.push(text(lx, top - 5, label, { size: 9 }))
    lastRight = lx + w
  }
  out.push('</g>')
  if (d.appropriation !== null) {
    const px = x(d.appropriation / unit.divisor)
    const label = `Appropriation ${formatCny(d.appropriation)}`
    const at = anchorBeside(px, textWidth(label, 9), f.left, f.width - f.right)
    out.push(
      `<g class="appropriation" data-value="${d.appropriation}"><line x1="${fmt(px)}" x2="${fmt(px)}" y1="${fmt(top + 6)}" y2="${fmt(bottom)}" stroke="#000" stroke-width="2.2" stroke-dasharray="6 3"/>` +
        `<rect x="${fmt(at.anchor === 'start' ? at.x - 1 : at.x - textWidth(label, 9) - 1)}" y="${fmt(top + 8)}" width="${fmt(textWidth(label, 9) + 2)}" height="12" fill="#fff" fill-opacity="0.85"/>` +
        text(at.x, top + 17, label, { anchor: at.anchor, size: 9, weight: 'bold' }) +
        '</g>',
    )
  }
  out.push('</svg>')
  return raw(out.join(''))
}

export interface ExceedanceOptions {
  id?: string
  width?: number
  height?: number
  label: string
  /** P(outlay > appropriation) from the summary, marked where the curve crosses the appropriation */
  pExceed?: number | null
}

/** The exceedance curve P(outlay > x), a step after each point, with the appropriation and its chance marked. */
export function exceedanceSvg(d: ChartDistribution, options: ExceedanceOptions): Html {
  const f: Frame = { width: options.width ?? 330, height: options.height ?? 210, left: 44, right: 10, top: 44, bottom: 32 }
  const hatch = hatchIdFor(options.id)
  const unit: CnyUnit = unitFor(Math.max(Math.abs(d.min), Math.abs(d.max), Math.abs(d.appropriation ?? 0)))
  const lo = Math.min(d.min, d.appropriation ?? Infinity)
  const hi = Math.max(d.max, d.appropriation ?? -Infinity)
  const pad = (hi - lo) * 0.02 || 1
  const x = linear((lo - pad) / unit.divisor, (hi + pad) / unit.divisor, f.left, f.width - f.right)
  const y = linear(0, 1, f.height - f.bottom, f.top)
  const xTicks = niceTicks((lo - pad) / unit.divisor, (hi + pad) / unit.divisor, Math.max(3, Math.floor((f.width - f.left - f.right) / 70))).map((v) => ({ v, px: x(v), label: tickText(v) }))
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((v) => ({ v, px: y(v), label: `${v * 100}%` }))
  const out: string[] = [svgOpen(f, 'exceedance', options.label, hatch)]
  const legend: LegendEntry[] = [{ label: 'P(outlay > x)', kind: 'line' }]
  if (d.appropriation !== null) legend.push({ label: 'Appropriation', kind: 'dash' })
  out.push(legendMarks(legend, f, hatch))
  out.push(axes(f, xTicks, yTicks, `x: outlay (${unit.name}; ${unit.gloss})`, 'Chance outlay exceeds x'))
  // a step curve: 1 before the smallest value, then the chance above each point until the next
  const pts = d.exceedance
  let path = `M${fmt(x((lo - pad) / unit.divisor))},${fmt(y(1))}L${fmt(x(pts[0].x / unit.divisor))},${fmt(y(1))}`
  for (let i = 0; i < pts.length; i++) {
    const px = x(pts[i].x / unit.divisor)
    path += `L${fmt(px)},${fmt(y(pts[i].p))}`
    const next = i + 1 < pts.length ? x(pts[i + 1].x / unit.divisor) : x((hi + pad) / unit.divisor)
    path += `L${fmt(next)},${fmt(y(pts[i].p))}`
  }
  out.push(`<path class="curve" d="${path}" fill="none" stroke="#000" stroke-width="1.8"/>`)
  if (d.appropriation !== null) {
    const px = x(d.appropriation / unit.divisor)
    out.push(`<line class="appropriation" data-value="${d.appropriation}" x1="${fmt(px)}" x2="${fmt(px)}" y1="${fmt(f.top)}" y2="${fmt(f.height - f.bottom)}" stroke="#000" stroke-width="2.2" stroke-dasharray="6 3"/>`)
    const p = options.pExceed
    if (p !== null && p !== undefined && Number.isFinite(p)) {
      const py = y(p)
      const label = `${formatPercent(p)} exceed ${formatCny(d.appropriation)}`
      const at = anchorBeside(px, textWidth(label, 9), f.left, f.width - f.right, 6)
      out.push(
        `<g class="p-exceed" data-value="${p}"><circle cx="${fmt(px)}" cy="${fmt(py)}" r="3.5" fill="#fff" stroke="#000" stroke-width="1.5"/>` +
          `<rect x="${fmt(at.anchor === 'start' ? at.x - 1 : at.x - textWidth(label, 9) - 1)}" y="${fmt(Math.max(f.top, py - 16))}" width="${fmt(textWidth(label, 9) + 2)}" height="12" fill="#fff" fill-opacity="0.85"/>` +
          text(at.x, Math.max(f.top + 9, py - 7), label, { anchor: at.anchor, size: 9, weight: 'bold' }) +
          '</g>',
      )
    }
  }
  out.push('</svg>')
  return raw(out.join(''))
}

export interface FanOptions {
  id?: string
  width?: number
  height?: number
  label: string
}

/** The fan chart by year: P5–P95 and P25–P75 bands in two greys, the median line, appropriations as open diamonds on a dashed line. */
export function fanSvg(rows: FanRow[], options: FanOptions): Html {
  const f: Frame = { width: options.width ?? 680, height: options.height ?? 230, left: 50, right: 16, top: 30, bottom: 32 }
  const hatch = hatchIdFor(options.id)
  const data = [...rows].sort((a, b) => a.year - b.year)
  const maxV = Math.max(...data.map((r) => Math.max(r.p95, r.appropriation ?? 0)))
  const minV = Math.min(...data.map((r) => Math.min(r.p05, r.appropriation ?? Infinity)))
  const unit = unitFor(maxV)
  const s = (v: number) => v / unit.divisor
  const yTicksV = niceTicks(s(minV) - (s(maxV) - s(minV)) * 0.05, s(maxV) + (s(maxV) - s(minV)) * 0.05, 5)
  const yLo = Math.min(yTicksV[0], s(minV))
  const yHi = Math.max(yTicksV[yTicksV.length - 1], s(maxV))
  const y = linear(yLo, yHi, f.height - f.bottom, f.top)
  const years = data.map((r) => r.year)
  const one = years.length === 1
  const x = one ? () => (f.left + f.width - f.right) / 2 : linear(years[0], years[years.length - 1], f.left + 30, f.width - f.right - 30)
  const xTicks = years.map((v) => ({ v, px: x(v), label: String(v) }))
  const yTicks = yTicksV.filter((v) => v >= yLo && v <= yHi).map((v) => ({ v, px: y(v), label: tickText(v) }))
  const out: string[] = [svgOpen(f, 'fan', options.label, hatch)]
  const legend: LegendEntry[] = [
    { label: 'P5–P95', kind: 'box', fill: '#e2e2e2' },
    { label: 'P25–P75', kind: 'box', fill: '#a8a8a8' },
    { label: 'Median', kind: 'line' },
  ]
  if (data.some((r) => r.appropriation !== null)) legend.push({ label: 'Appropriation', kind: 'diamond' })
  out.push(legendMarks(legend, f, hatch))
  out.push(axes(f, xTicks, yTicks, 'Year', `Outlay (${unit.name})`))
  const band = (lo: (r: FanRow) => number, hi: (r: FanRow) => number, fill: string, name: string) => {
    if (one) {
      const r = data[0]
      const cx = x(r.year)
      return `<rect class="${name}" x="${fmt(cx - 40)}" y="${fmt(y(s(hi(r))))}" width="80" height="${fmt(y(s(lo(r))) - y(s(hi(r))))}" fill="${fill}" stroke="#000" stroke-width="0.4"/>`
    }
    const top = data.map((r) => `${fmt(x(r.year))},${fmt(y(s(hi(r))))}`)
    const bottom = [...data].reverse().map((r) => `${fmt(x(r.year))},${fmt(y(s(lo(r))))}`)
    return `<path class="${name}" d="M${top.join('L')}L${bottom.join('L')}Z" fill="${fill}" stroke="#000" stroke-width="0.4"/>`
  }
  out.push(band((r) => r.p05, (r) => r.p95, '#e2e2e2', 'band-90'))
  out.push(band((r) => r.p25, (r) => r.p75, '#a8a8a8', 'band-50'))
  if (one) {
    const r = data[0]
    out.push(`<line class="median" x1="${fmt(x(r.year) - 40)}" x2="${fmt(x(r.year) + 40)}" y1="${fmt(y(s(r.p50)))}" y2="${fmt(y(s(r.p50)))}" stroke="#000" stroke-width="2.5"/>`)
  } else out.push(`<path class="median" d="M${data.map((r) => `${fmt(x(r.year))},${fmt(y(s(r.p50)))}`).join('L')}" fill="none" stroke="#000" stroke-width="2.2"/>`)
  out.push('<g class="points">')
  for (const r of data) out.push(`<circle data-year="${r.year}" data-p50="${r.p50}" cx="${fmt(x(r.year))}" cy="${fmt(y(s(r.p50)))}" r="2.8" fill="#000"/>`)
  out.push('</g>')
  const budget = data.filter((r) => r.appropriation !== null)
  if (budget.length > 1) out.push(`<path class="appropriation-line" d="M${budget.map((r) => `${fmt(x(r.year))},${fmt(y(s(r.appropriation!)))}`).join('L')}" fill="none" stroke="#000" stroke-width="1.4" stroke-dasharray="6 3"/>`)
  out.push('<g class="appropriation">')
  for (const r of budget) {
    const cx = x(r.year)
    const cy = y(s(r.appropriation!))
    out.push(`<path data-year="${r.year}" data-value="${r.appropriation}" d="M${fmt(cx)},${fmt(cy - 5.5)}l5.5,5.5l-5.5,5.5l-5.5,-5.5z" fill="#fff" stroke="#000" stroke-width="1.4"/>`)
    out.push(text(cx + 8, cy - 6, formatCny(r.appropriation), { size: 9 }))
  }
  out.push('</g></svg>')
  return raw(out.join(''))
}

// ---- decision analyses

/** One bar of a tornado: the figure at the parameter's low and at its high (the API's bar, labelled). */
export interface TornadoChartBar {
  parameter: string
  /** the parameter in words */
  label: string
  low: { input: number; value: number }
  high: { input: number; value: number }
  swing: number
  swing_se: number | null
  crosses_zero: boolean | null
}

export interface TornadoOptions {
  id?: string
  width?: number
  /** accessible label of the whole chart */
  label: string
  /** mean, p95 (amounts) or p_exceed (a chance) */
  statistic: string
  /** the figure in the run as given: the line the bars grow from */
  base: number
  /** the figure's name on the axis, without its unit ("Mean municipal outlay in 2017") */
  axisTitle: string
  /** a parameter's number in words (its low and high are written after its name) */
  inputText: (bar: TornadoChartBar, end: 'low' | 'high') => string
  /** draw at most this many bars (the largest swings; default 25) */
  maxBars?: number
}

/** The value axis of a statistic: amounts in their unit, chances in per cent. */
function statisticScale(statistic: string, values: number[]): { divisor: number; unitText: string; tick: (v: number) => string } {
  if (statistic === 'p_exceed') return { divisor: 0.01, unitText: '%', tick: (v) => `${tickText(v)}%` }
  const unit = unitFor(Math.max(...values.map(Math.abs)))
  return { divisor: unit.divisor, unitText: unit.name, tick: tickText }
}

/**
 * The tornado: one row per parameter (largest swing first, as given), its name and its low and high
 * above a bar that runs from the base figure to the figure at the parameter's low (grey) and at its
 * high (hatched), the swing with its paired standard error at the right, and
 * an asterisk (and a dashed outline) where the swing's 95% interval contains zero.
 */
export function tornadoSvg(allBars: TornadoChartBar[], options: TornadoOptions): Html {
  const bars = allBars.slice(0, options.maxBars ?? 25)
  const rowHeight = 30
  const f: Frame = { width: options.width ?? 680, height: 0, left: 16, right: 150, top: 46, bottom: 34 }
  f.height = f.top + Math.max(1, bars.length) * rowHeight + f.bottom
  const hatch = hatchIdFor(options.id)
  const values = [options.base, ...bars.flatMap((b) => [b.low.value, b.high.value])]
  const scale = statisticScale(options.statistic, values)
  const lo = Math.min(...values) / scale.divisor
  const hi = Math.max(...values) / scale.divisor
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 1
  const x = linear(lo - pad, hi + pad, f.left, f.width - f.right)
  const plotBottom = f.height - f.bottom
  const out: string[] = [svgOpen(f, 'tornado', options.label, hatch)]
  out.push(legendMarks([
    { label: 'With the parameter at its low', kind: 'box', fill: '#c8c8c8' },
    { label: 'at its high', kind: 'hatch' },
    { label: 'Base (the scenario as it is)', kind: 'line' },
  ], f, hatch))
  const ticks = niceTicks(lo - pad, hi + pad, Math.max(3, Math.floor((f.width - f.left - f.right) / 80)))
  out.push(`<g class="grid" stroke="${GRID}" stroke-width="0.6">`)
  for (const t of ticks) out.push(`<line x1="${fmt(x(t))}" x2="${fmt(x(t))}" y1="${fmt(f.top)}" y2="${fmt(plotBottom)}"/>`)
  out.push('</g>')
  out.push(`<g class="axis axis-x" stroke="${INK}" stroke-width="0.8"><line x1="${fmt(f.left)}" x2="${fmt(f.width - f.right)}" y1="${fmt(plotBottom)}" y2="${fmt(plotBottom)}"/>`)
  for (const t of ticks) out.push(`<line x1="${fmt(x(t))}" x2="${fmt(x(t))}" y1="${fmt(plotBottom)}" y2="${fmt(plotBottom + 4)}"/>`)
  out.push('</g><g class="tick-labels" fill="#000">')
  for (const t of ticks) out.push(text(x(t), plotBottom + 14, scale.tick(t), { anchor: 'middle' }))
  out.push(text((f.left + f.width - f.right) / 2, f.height - 4, `${options.axisTitle} (${scale.unitText})`, { anchor: 'middle' }))
  out.push(text(f.width - f.right + 8, f.top - 6, 'Swing ± s.e.', { weight: 'bold', size: 9 }))
  out.push('</g>')
  const bx = x(options.base / scale.divisor)
  bars.forEach((b, i) => {
    const y0 = f.top + i * rowHeight
    const noise = b.crosses_zero === true
    const seg = (end: 'low' | 'high') => {
      const v = b[end].value
      const px = x(v / scale.divisor)
      const left = Math.min(bx, px)
      const width = Math.max(0.8, Math.abs(px - bx))
      return `<rect class="${end}" data-input="${b[end].input}" data-value="${v}" x="${fmt(left)}" y="${fmt(y0 + 14)}" width="${fmt(width)}" height="12" fill="${end === 'low' ? '#c8c8c8' : `url(#${hatch})`}" stroke="#000" stroke-width="${noise ? 0.8 : 0.5}"${noise ? ' stroke-dasharray="2 1.5"' : ''}/>`
    }
    // the longer segment first, so a shorter one on the same side stays visible
    const order: ('low' | 'high')[] = Math.abs(b.low.value - options.base) >= Math.abs(b.high.value - options.base) ? ['low', 'high'] : ['high', 'low']
    const swing = `${formatStatisticChange(options.statistic, b.swing)}${b.swing_se === null ? '' : ` ± ${formatStatisticChange(options.statistic, b.swing_se).replace(/^\+/, '')}`}${noise ? ' *' : ''}`
    out.push(
      `<g class="tornado-bar" data-parameter="${escapeHtml(b.parameter)}" data-swing="${b.swing}" data-swing-se="${b.swing_se ?? ''}" data-crosses-zero="${b.crosses_zero ?? ''}">` +
        `<text x="${fmt(f.left)}" y="${fmt(y0 + 9)}" font-size="9" class="bar-label"><tspan font-weight="bold">${escapeHtml(b.label)}</tspan><tspan class="inputs"> · ${escapeHtml(options.inputText(b, 'low'))} to ${escapeHtml(options.inputText(b, 'high'))}</tspan></text>` +
        order.map(seg).join('') +
        text(f.width - f.right + 8, y0 + 24, swing, { size: 9, cls: 'swing' }) +
        '</g>',
    )
  })
  out.push(`<g class="base" data-value="${options.base}"><line x1="${fmt(bx)}" x2="${fmt(bx)}" y1="${fmt(f.top - 2)}" y2="${fmt(plotBottom)}" stroke="#000" stroke-width="1.6"/></g>`)
  out.push('</svg>')
  return raw(out.join(''))
}

/** A rank correlation with its sign: "+0.62", "−0.05". */
export function signedCorrelation(r: number, digits = 3): string {
  const text = Math.abs(r).toFixed(digits)
  return Number(text) === 0 ? text : `${r > 0 ? '+' : '\u2212'}${text}`
}

export interface ContributionChartRow {
  parameter: string
  label: string
  share: number
  rank_correlation: number
}

/** The contribution to variance: each parameter's share (of the squared rank correlations) as a bar, largest first, its correlation's sign beside it. */
export function contributionSvg(rows: ContributionChartRow[], options: { id?: string; width?: number; label: string; maxBars?: number }): Html {
  const shown = rows.slice(0, options.maxBars ?? 25)
  const rowHeight = 26
  const f: Frame = { width: options.width ?? 680, height: 0, left: 16, right: 120, top: 14, bottom: 34 }
  f.height = f.top + Math.max(1, shown.length) * rowHeight + f.bottom
  const hatch = hatchIdFor(options.id)
  const top = Math.max(...shown.map((r) => r.share), 0.01)
  const ticks = niceTicks(0, top * 100, 5)
  const x = linear(0, Math.max(top * 100, ticks[ticks.length - 1]), f.left, f.width - f.right)
  const plotBottom = f.height - f.bottom
  const out: string[] = [svgOpen(f, 'contribution', options.label, hatch)]
  out.push(`<g class="grid" stroke="${GRID}" stroke-width="0.6">`)
  for (const t of ticks) out.push(`<line x1="${fmt(x(t))}" x2="${fmt(x(t))}" y1="${fmt(f.top)}" y2="${fmt(plotBottom)}"/>`)
  out.push(`</g><g class="axis axis-x" stroke="${INK}" stroke-width="0.8"><line x1="${fmt(f.left)}" x2="${fmt(f.width - f.right)}" y1="${fmt(plotBottom)}" y2="${fmt(plotBottom)}"/></g>`)
  out.push('<g class="tick-labels" fill="#000">')
  for (const t of ticks) out.push(text(x(t), plotBottom + 14, `${tickText(t)}%`, { anchor: 'middle' }))
  out.push(text((f.left + f.width - f.right) / 2, f.height - 4, 'Share of the variance of outlay (%)', { anchor: 'middle' }))
  out.push('</g>')
  shown.forEach((r, i) => {
    const y0 = f.top + i * rowHeight
    const w = Math.max(0.8, x(r.share * 100) - x(0))
    out.push(
      `<g class="contribution-bar" data-parameter="${escapeHtml(r.parameter)}" data-share="${r.share}" data-rank-correlation="${r.rank_correlation}">` +
        text(f.left, y0 + 8, r.label, { size: 9, weight: 'bold' }) +
        `<rect x="${fmt(x(0))}" y="${fmt(y0 + 12)}" width="${fmt(w)}" height="10" fill="${r.rank_correlation >= 0 ? '#8a8a8a' : `url(#${hatch})`}" stroke="#000" stroke-width="0.5"/>` +
        text(f.width - f.right + 8, y0 + 21, `${formatPercent(r.share)} (ρ ${signedCorrelation(r.rank_correlation, 2)})`, { size: 9 }) +
        '</g>',
    )
  })
  out.push('</svg>')
  return raw(out.join(''))
}

export interface GoalSeekChartPoint {
  input: number
  value: number
  met: boolean
}

export interface GoalSeekOptions {
  id?: string
  width?: number
  height?: number
  label: string
  statistic: string
  /** the target: the statistic's threshold */
  threshold: number
  answer: number
  /** the parameter's unit: CNY, share, or anything else (plain numbers) */
  unit: string
  /** the parameter and the statistic in words, for the axes */
  parameterTitle: string
  statisticTitle: string
  answerText: string
}

/** A goal seek's evaluated points: the statistic against the parameter, the target as a dashed line, the answer as a dotted one; points that meet the target filled. */
export function goalSeekSvg(points: GoalSeekChartPoint[], options: GoalSeekOptions): Html {
  const f: Frame = { width: options.width ?? 680, height: options.height ?? 250, left: 56, right: 20, top: 30, bottom: 34 }
  const hatch = hatchIdFor(options.id)
  const sorted = [...points].sort((a, b) => a.input - b.input)
  const xs = [...sorted.map((p) => p.input), options.answer]
  const xUnit = options.unit === 'CNY' ? unitFor(Math.max(...xs.map(Math.abs))) : null
  const xDiv = xUnit ? xUnit.divisor : options.unit === 'share' || options.unit === 'a year' ? 0.01 : 1
  const xUnitText = xUnit ? xUnit.name : xDiv === 0.01 ? '%' : ''
  const yScale = statisticScale(options.statistic, [...sorted.map((p) => p.value), options.threshold])
  const xlo = Math.min(...xs) / xDiv
  const xhi = Math.max(...xs) / xDiv
  const xpad = (xhi - xlo) * 0.04 || 1
  const ys = [...sorted.map((p) => p.value), options.threshold].map((v) => v / yScale.divisor)
  const ylo = Math.min(...ys)
  const yhi = Math.max(...ys)
  const ypad = (yhi - ylo) * 0.08 || Math.abs(yhi) * 0.05 || 1
  const x = linear(xlo - xpad, xhi + xpad, f.left, f.width - f.right)
  const y = linear(ylo - ypad, yhi + ypad, f.height - f.bottom, f.top)
  const xTicks = niceTicks(xlo - xpad, xhi + xpad, 6).map((v) => ({ v, px: x(v), label: xDiv === 0.01 ? `${tickText(v)}%` : tickText(v) }))
  const yTicks = niceTicks(ylo - ypad, yhi + ypad, 4).map((v) => ({ v, px: y(v), label: yScale.tick(v) }))
  const out: string[] = [svgOpen(f, 'goal-seek', options.label, hatch)]
  out.push(legendMarks([
    { label: 'Meets the target', kind: 'point' },
    { label: 'Does not', kind: 'ring' },
    { label: 'Target', kind: 'dash' },
    { label: 'Answer', kind: 'dot' },
  ], f, hatch))
  out.push(axes(f, xTicks, yTicks, `${options.parameterTitle}${xUnitText ? ` (${xUnitText})` : ''}`, `${options.statisticTitle} (${yScale.unitText})`))
  out.push(`<path class="curve" d="M${sorted.map((p) => `${fmt(x(p.input / xDiv))},${fmt(y(p.value / yScale.divisor))}`).join('L')}" fill="none" stroke="#000" stroke-width="1.2"/>`)
  const ty = y(options.threshold / yScale.divisor)
  out.push(`<line class="threshold" data-value="${options.threshold}" x1="${fmt(f.left)}" x2="${fmt(f.width - f.right)}" y1="${fmt(ty)}" y2="${fmt(ty)}" stroke="#000" stroke-width="1.6" stroke-dasharray="6 3"/>`)
  const ax = x(options.answer / xDiv)
  out.push(`<g class="answer" data-value="${options.answer}"><line x1="${fmt(ax)}" x2="${fmt(ax)}" y1="${fmt(f.top)}" y2="${fmt(f.height - f.bottom)}" stroke="#000" stroke-width="1.4" stroke-dasharray="1.5 2.5"/>`)
  const at = anchorBeside(ax, textWidth(options.answerText, 9), f.left, f.width - f.right)
  out.push(`${text(at.x, f.top + 9, options.answerText, { anchor: at.anchor, size: 9, weight: 'bold' })}</g>`)
  out.push('<g class="points">')
  for (const p of sorted)
    out.push(`<circle data-input="${p.input}" data-value="${p.value}" data-met="${p.met}" cx="${fmt(x(p.input / xDiv))}" cy="${fmt(y(p.value / yScale.divisor))}" r="3.2" fill="${p.met ? '#000' : '#fff'}" stroke="#000" stroke-width="1.2"/>`)
  out.push('</g></svg>')
  return raw(out.join(''))
}
