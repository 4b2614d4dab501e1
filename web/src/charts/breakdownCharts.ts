// Why: where the money goes. Outlay by programme and by funding level (national, provincial,
// municipal) as bars of the mean with P5–P95 whiskers; each level's appropriation is marked, and a
// baseline's mean is drawn as a dark tick across its bar when comparing. A second chart shows how
// binding the caps and quotas are: the share of recipients whose grant hits the cap, and the share
// of approved applications a quota turns away.
import * as Plot from '@observablehq/plot'
import { axisLabel, formatCny, unitFor } from '../format/cny'
import { formatPercent } from '../format/odds'
import { COLOURS } from './frame'

export interface BarDatum {
  label: string
  mean: number
  p05: number
  p95: number
  baselineMean?: number | null
  appropriation?: number | null
}

/** Row layout: each row's label sits above its bar, so long programme names are never cut. */
function rowLayout(n: number, rowHeight: number, padding: number) {
  const step = (n * rowHeight) / (n + padding)
  const band = step * (1 - padding)
  return { height: n * rowHeight, labelDy: -(band / 2 + 9) }
}

export function outlayBars(data: BarDatum[], width: number, what: string): Element {
  const unit = unitFor(Math.max(...data.map((d) => Math.max(d.p95, d.appropriation ?? 0, d.baselineMean ?? 0))))
  const s = (v: number) => v / unit.divisor
  const rows = data.map((d) => ({
    label: d.label,
    meanText: formatCny(d.mean),
    mean: s(d.mean),
    p05: s(d.p05),
    p95: s(d.p95),
    baseline: d.baselineMean === null || d.baselineMean === undefined ? null : s(d.baselineMean),
    appropriation: d.appropriation === null || d.appropriation === undefined ? null : s(d.appropriation),
    title: `${d.label}: mean ${formatCny(d.mean)} (P5 ${formatCny(d.p05)}, P95 ${formatCny(d.p95)})${d.appropriation ? `; appropriation ${formatCny(d.appropriation)}` : ''}`,
  }))
  const padding = 0.5
  const layout = rowLayout(rows.length, 64, padding)
  return Plot.plot({
    width,
    height: layout.height + 60,
    marginLeft: 12,
    marginRight: 24,
    marginTop: 20,
    marginBottom: 40,
    x: { label: axisLabel(what, unit), grid: true, labelAnchor: 'center', labelArrow: 'none' },
    y: { axis: null, domain: rows.map((r) => r.label), padding },
    marks: [
      Plot.barX(rows, { ariaDescription: 'mean', y: 'label', x: 'mean', fill: COLOURS.run, fillOpacity: 0.85, title: 'title' }),
      Plot.ruleY(rows, { y: 'label', x1: 'p05', x2: 'p95', stroke: COLOURS.ink, strokeWidth: 1.2 }),
      Plot.tickX(rows, { y: 'label', x: 'p05', stroke: COLOURS.ink, insetTop: 6, insetBottom: 6 }),
      Plot.tickX(rows, { y: 'label', x: 'p95', stroke: COLOURS.ink, insetTop: 6, insetBottom: 6 }),
      Plot.tickX(
        rows.filter((r) => r.baseline !== null),
        { ariaDescription: 'baseline mean', y: 'label', x: 'baseline', stroke: COLOURS.baseline, strokeWidth: 4 },
      ),
      Plot.tickX(
        rows.filter((r) => r.appropriation !== null),
        { ariaDescription: 'appropriation', y: 'label', x: 'appropriation', stroke: COLOURS.appropriation, strokeWidth: 3, strokeDasharray: '4,2', insetTop: -4, insetBottom: -4 },
      ),
      Plot.text(rows, {
        y: 'label',
        text: (r: { label: string; meanText: string }) => `${r.label} · ${r.meanText}`,
        frameAnchor: 'left',
        textAnchor: 'start',
        lineAnchor: 'bottom',
        dx: 3,
        dy: layout.labelDy + 6,
        fontSize: 12,
        fill: COLOURS.ink,
        // wrap long names (in ems of 12 px) rather than cut them
        lineWidth: (width - 40) / 12,
      }),
      Plot.ruleX([0]),
    ],
  })
}

export const CAPPED = 'Recipients whose grant hits the cap'
export const REJECTED = 'Approved applications turned away by the quota'

export interface BindingDatum {
  label: string
  /** share of recipients whose entitlement hit the cap (null: no cap) */
  cappedShare: number | null
  /** share of approved applications turned away by the quota (null: no quota) */
  rejectedShare: number | null
}

export function bindingChart(data: BindingDatum[], width: number): Element {
  const points = data.flatMap((d) => [
    ...(d.cappedShare === null ? [] : [{ label: d.label, rule: CAPPED, share: d.cappedShare }]),
    ...(d.rejectedShare === null ? [] : [{ label: d.label, rule: REJECTED, share: d.rejectedShare }]),
  ])
  const labels = data.map((d) => d.label)
  const padding = 0.5
  const layout = rowLayout(labels.length, 50, padding)
  const top = Math.max(0.05, ...points.map((p) => p.share)) * 1.15
  return Plot.plot({
    width,
    height: layout.height + 60,
    marginLeft: 12,
    marginRight: 24,
    marginTop: 20,
    marginBottom: 40,
    x: { label: 'Share (%)', percent: true, domain: [0, Math.min(100, top * 100)], grid: true, labelAnchor: 'center', labelArrow: 'none' },
    y: { axis: null, domain: labels, padding },
    symbol: { domain: [CAPPED, REJECTED], range: ['circle', 'square'] },
    color: { domain: [CAPPED, REJECTED], range: [COLOURS.capped, COLOURS.quota] },
    marks: [
      Plot.ruleY(labels, { y: (l: string) => l, stroke: '#d5dbe1' }),
      Plot.dot(points, { ariaDescription: 'share', y: 'label', x: 'share', symbol: 'rule', fill: 'rule', r: 6, stroke: 'white', title: (p: { rule: string; share: number }) => `${p.rule}: ${formatPercent(p.share)}` }),
      Plot.text(labels, { y: (l: string) => l, text: (l: string) => l, frameAnchor: 'left', textAnchor: 'start', lineAnchor: 'bottom', dx: 3, dy: layout.labelDy + 6, fontSize: 12, fill: COLOURS.ink, lineWidth: (width - 40) / 12 }),
      Plot.ruleX([0]),
    ],
  })
}
