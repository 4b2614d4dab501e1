// Why: planners read budgets in 万元 and 亿元. One rule everywhere on the page: an amount of at least
// 1 亿元 (100 million CNY) is written in 亿元, anything smaller in 万元 (10,000 CNY); a chart picks its
// unit by the same rule from its largest value and says the unit in its axis label; tables are in
// 万元 throughout so a column can be compared at a glance. The rules are the filed report's
// (engine/report/format.ts), imported here so the page and the report cannot drift apart.
import { UNIT_WAN, WAN, YI, type CnyUnit } from '../../../engine/report/format'

export { formatCny, formatWan, inUnit, unitFor, UNIT_WAN, UNIT_YI, WAN, YI } from '../../../engine/report/format'
export type { CnyUnit } from '../../../engine/report/format'

/** "Outlay (亿元; 亿元 = 100 million CNY)"; `short`: "Outlay (亿元)", for a narrow chart. */
export function axisLabel(what: string, unit: CnyUnit, short = false): string {
  return short ? `${what} (${unit.name})` : `${what} (${unit.name}; ${unit.gloss})`
}

/** Read an amount the page wrote ("1.58 亿元", "−2,229 万元", "15,751.3") back in CNY; `unit` for bare numbers. */
export function parseCny(text: string, unit: CnyUnit = UNIT_WAN): number {
  const t = text.trim().replace(/\u2212/g, '-').replace(/,/g, '')
  const m = /^([+-]?\d+(?:\.\d+)?)\s*(亿元|万元)?$/.exec(t)
  if (!m) return Number.NaN
  const divisor = m[2] === '亿元' ? YI : m[2] === '万元' ? WAN : unit.divisor
  return Number(m[1]) * divisor
}
