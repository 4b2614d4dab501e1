// Why: a decision analysis speaks of a statistic (an amount, or a chance of overrun) and of the
// parameters it moves (a cap in 万元, an approval rate in per cent, a count). The page writes them
// one way everywhere: its amounts rule (亿元 from 1 亿, else 万元), differences signed, a change in a
// chance in percentage points, a parameter path in words ("Technology transaction subsidy: approval
// rate"). The filed report restates these rules (engine/report/format.ts); a test checks both agree.
import { formatCny } from './cny'
import { formatPercent } from './odds'
import { parameterName } from './parameters'
import type { Statistic } from '../api/types'

/** The statistics an analysis asks about, in words. */
export const STATISTIC_NAMES: Record<Statistic, string> = { mean: 'mean outlay', p95: '95th percentile of outlay', p_exceed: 'chance of overrunning the appropriation' }

/** A statistic's value: an amount for the mean and P95, a percentage for the chance of overrun. */
export function formatStatistic(statistic: string, value: number | null | undefined): string {
  return statistic === 'p_exceed' ? formatPercent(value) : formatCny(value)
}

const MINUS = '\u2212'

/** A difference of a statistic (a swing): "+4,858 万元", "−1.2 pp" (percentage points for a chance). */
export function formatStatisticChange(statistic: string, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  if (statistic !== 'p_exceed') return formatCny(value, { signed: true })
  const points = formatPercent(Math.abs(value)).replace('%', '')
  const zero = Number(points) === 0
  return `${zero ? '' : value > 0 ? '+' : MINUS}${points} pp`
}

/**
 * A parameter's number in its unit (a tornado bar's or a goal seek's `unit`): amounts by the page's
 * rule (exact when it takes at most two decimals in its unit: "80 万元"; else rounded: "279 万元"),
 * shares and growth rates in per cent ("85%", "6.7% a year"), other numbers with up to four
 * significant digits ("1,200", "0.2").
 */
export function formatParameterValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  if (unit === 'CNY') {
    const exact = formatCny(value, { exact: true })
    return /\.\d{3,}/.test(exact) ? formatCny(value) : exact
  }
  if (unit === 'share') return `${+(value * 100).toFixed(2)}%`
  if (unit === 'a year') return `${formatParameterValue(value, 'share')} a year`
  return Number(value.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 6 })
}

/** "2018–2020", or "2016, 2018" */
export function yearsText(years: number[]): string {
  const sorted = [...years].sort((a, b) => a - b)
  const contiguous = sorted.every((y, i) => i === 0 || y === sorted[i - 1] + 1)
  return contiguous && sorted.length > 1 ? `${sorted[0]}–${sorted[sorted.length - 1]}` : sorted.join(', ')
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/**
 * A parameter path in words: "Technology transaction subsidy: approval rate",
 * "Technology transaction subsidy: contract value (lognormal median)", "Municipal appropriation
 * 2017"; with the years a dated parameter is ranged in: "... rate (2018–2020)".
 */
export function parameterLabel(path: string, titles: ReadonlyMap<string, string>, years?: number[] | null): string {
  const parts = path.split('.')
  const when = years && years.length > 0 ? ` (${yearsText(years)})` : ''
  if (parts[0] === 'appropriations' && parts.length === 3) return `${capitalise(parts[1])} appropriation ${parts[2]}`
  if (parts[0] !== 'programmes' || parts.length < 3) return `${path}${when}`
  const [, id, parameter, ...inside] = parts
  const name = parameterName(parameter).toLowerCase()
  return `${titles.get(id) ?? id}: ${name}${inside.length > 0 ? ` (${inside.join(' ').replace(/_/g, ' ')})` : ''}${when}`
}

/** "mean outlay, municipal level, 2017": the figure an analysis is about. */
export function figureText(target: { statistic: string; level: string; year: number | string; measure?: string }): string {
  const what = STATISTIC_NAMES[target.statistic as Statistic] ?? target.statistic
  const paid = target.measure === 'paid' ? ' (paid)' : ''
  return `${what}${paid}, ${target.level === 'all' ? 'all levels' : `${target.level} level`}, ${target.year === 'all' ? 'all years' : target.year}`
}
