// Why: a budget is set year by year, so the planner needs the spread of outlay for each year: the
// fan chart shows the P5–P95 and P25–P75 bands and the median line by year, with each year's
// appropriation as a marker and the baseline's median dashed when comparing.
import * as Plot from '@observablehq/plot'
import type { SummaryRow } from '../api/types'
import { axisLabel, formatCny, unitFor } from '../format/cny'
import { COLOURS } from './frame'

export interface FanInput {
  rows: SummaryRow[]
  baselineRows?: SummaryRow[]
}

export function fanChart(input: FanInput, width: number): Element {
  const rows = input.rows.filter((r) => r.year !== null).sort((a, b) => a.year! - b.year!)
  const base = (input.baselineRows ?? []).filter((r) => r.year !== null).sort((a, b) => a.year! - b.year!)
  const unit = unitFor(Math.max(...rows.map((r) => Math.max(r.p95, r.appropriation ?? 0)), ...base.map((r) => r.p95)))
  const s = (v: number) => v / unit.divisor
  const data = rows.map((r) => ({
    year: r.year!,
    p05: s(r.p05),
    p25: s(r.p25),
    p50: s(r.p50),
    p75: s(r.p75),
    p95: s(r.p95),
    appropriation: r.appropriation === null ? null : s(r.appropriation),
    title: `${r.year}: median ${formatCny(r.p50)}, P25–P75 ${formatCny(r.p25)}–${formatCny(r.p75)}, P5–P95 ${formatCny(r.p05)}–${formatCny(r.p95)}`,
  }))
  const baseData = base.map((r) => ({ year: r.year!, p50: s(r.p50) }))
  const budget = data.filter((d) => d.appropriation !== null)
  const oneYear = data.length === 1
  const years = data.map((d) => d.year)
  return Plot.plot({
    width,
    height: 300,
    marginLeft: 56,
    marginRight: oneYear ? 20 : 30,
    marginBottom: 40,
    x: oneYear
      ? { type: 'band', label: 'Year', domain: years, tickFormat: (y: number) => String(y), labelArrow: 'none', padding: 0.6 }
      : { label: 'Year', ticks: years, tickFormat: (y: number) => String(y), labelArrow: 'none', inset: 16 },
    y: { label: axisLabel('Outlay', unit), grid: true, zero: false, labelArrow: 'none' },
    marks: oneYear
      ? [
          Plot.barY(data, { ariaDescription: 'P5–P95 band', x: 'year', y1: 'p05', y2: 'p95', fill: COLOURS.runPale }),
          Plot.barY(data, { ariaDescription: 'P25–P75 band', x: 'year', y1: 'p25', y2: 'p75', fill: COLOURS.runLight }),
          Plot.tickY(data, { ariaDescription: 'median', x: 'year', y: 'p50', stroke: COLOURS.run, strokeWidth: 3, title: 'title' }),
          Plot.tickY(baseData, { ariaDescription: 'baseline median', x: 'year', y: 'p50', stroke: COLOURS.baseline, strokeWidth: 2, strokeDasharray: '5,3' }),
          Plot.tickY(budget, { ariaDescription: 'appropriation', x: 'year', y: 'appropriation', stroke: COLOURS.appropriation, strokeWidth: 2.5, strokeDasharray: '6,3' }),
        ]
      : [
          Plot.areaY(data, { ariaDescription: 'P5–P95 band', x: 'year', y1: 'p05', y2: 'p95', fill: COLOURS.runPale }),
          Plot.areaY(data, { ariaDescription: 'P25–P75 band', x: 'year', y1: 'p25', y2: 'p75', fill: COLOURS.runLight }),
          Plot.line(data, { ariaDescription: 'median', x: 'year', y: 'p50', stroke: COLOURS.run, strokeWidth: 2.5 }),
          Plot.dot(data, { x: 'year', y: 'p50', fill: COLOURS.run, r: 3.5, title: 'title' }),
          baseData.length > 0 ? Plot.line(baseData, { ariaDescription: 'baseline median', x: 'year', y: 'p50', stroke: COLOURS.baseline, strokeWidth: 2, strokeDasharray: '5,3' }) : null,
          budget.length > 0 ? Plot.line(budget, { ariaDescription: 'appropriation', x: 'year', y: 'appropriation', stroke: COLOURS.appropriation, strokeWidth: 2, strokeDasharray: '6,3' }) : null,
          Plot.dot(budget, { ariaDescription: 'appropriation', x: 'year', y: 'appropriation', symbol: 'diamond', fill: COLOURS.appropriation, r: 4 }),
        ],
  })
}
