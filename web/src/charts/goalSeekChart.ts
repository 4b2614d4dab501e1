// Why: a goal seek's answer is believable when the planner sees how it was found: each value of the
// parameter tried (on the same draws) and the statistic there, filled where the target is met, the
// target as a dashed line and the answer as a dotted one. Values are the server's points.
import * as Plot from '@observablehq/plot'
import type { GoalSeekPoint, Statistic } from '../api/types'
import { formatParameterValue, formatStatistic } from '../format/analysis'
import { unitFor } from '../format/cny'
import { statisticAxis } from './tornadoChart'
import { COLOURS } from './frame'

export interface GoalSeekChartInput {
  points: GoalSeekPoint[]
  statistic: Statistic
  threshold: number
  answer: number
  /** the parameter's unit (CNY, share, ...) and name */
  unit: string
  parameter: string
  statisticTitle: string
}

/** The parameter's axis: amounts in the unit of the largest, shares in per cent, other numbers as they are. */
function parameterAxis(unit: string, values: number[]): { label: string; format: (v: number) => string } {
  if (unit === 'CNY') {
    const u = unitFor(Math.max(...values.map(Math.abs)))
    return { label: ` (${u.name})`, format: (v) => `${+(v / u.divisor).toFixed(4)}` }
  }
  if (unit === 'share' || unit === 'a year') return { label: ' (%)', format: (v) => `${+(v * 100).toFixed(2)}` }
  return { label: '', format: (v) => `${+v.toPrecision(4)}` }
}

export function goalSeekChart(input: GoalSeekChartInput, width: number): Element {
  const points = [...input.points].sort((a, b) => a.input - b.input)
  const x = parameterAxis(input.unit, [...points.map((p) => p.input), input.answer])
  const y = statisticAxis(input.statistic, [...points.map((p) => p.value), input.threshold])
  const data = points.map((p) => ({ ...p, title: `${formatParameterValue(p.input, input.unit)}: ${formatStatistic(input.statistic, p.value)}${p.met ? ' (meets the target)' : ''}` }))
  return Plot.plot({
    width,
    height: 280,
    marginLeft: 56,
    marginRight: 20,
    marginBottom: 42,
    x: { label: `${input.parameter}${x.label}`, tickFormat: x.format, grid: true, labelArrow: 'none', labelAnchor: 'center', ticks: Math.max(3, Math.floor(width / 100)) },
    y: { label: `${input.statisticTitle} (${y.label})`, tickFormat: y.format, grid: true, labelArrow: 'none' },
    marks: [
      Plot.line(data, { ariaDescription: 'statistic', x: 'input', y: 'value', stroke: COLOURS.run, strokeWidth: 1.5 }),
      Plot.ruleY([input.threshold], { ariaDescription: 'target', stroke: COLOURS.appropriation, strokeWidth: 2, strokeDasharray: '6,3' }),
      Plot.ruleX([input.answer], { ariaDescription: 'answer', stroke: COLOURS.ink, strokeWidth: 1.5, strokeDasharray: '2,3' }),
      Plot.dot(data, { ariaDescription: 'points', x: 'input', y: 'value', r: 4, stroke: COLOURS.run, strokeWidth: 1.5, fill: (d: GoalSeekPoint) => (d.met ? COLOURS.run : '#ffffff'), title: 'title' }),
    ],
  })
}
