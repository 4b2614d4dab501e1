// Why: planners read budgets in 万元 and 亿元. One rule everywhere on the page: an amount of at least
// 1 亿元 (100 million CNY) is written in 亿元, anything smaller in 万元 (10,000 CNY); a chart picks its
// unit by the same rule from its largest value and says the unit in its axis label; tables are in
// 万元 throughout so a column can be compared at a glance.

export const WAN = 1e4
export const YI = 1e8

export interface CnyUnit {
  name: '亿元' | '万元'
  divisor: number
  /** the unit in words, for axis labels */
  gloss: string
}

export const UNIT_YI: CnyUnit = { name: '亿元', divisor: YI, gloss: '亿元 = 100 million CNY' }
export const UNIT_WAN: CnyUnit = { name: '万元', divisor: WAN, gloss: '万元 = 10,000 CNY' }

/** The unit for amounts up to `maxAbs` (亿元 from 1e8, else 万元). */
export function unitFor(maxAbs: number): CnyUnit {
  return Math.abs(maxAbs) >= YI ? UNIT_YI : UNIT_WAN
}

/** "Outlay (亿元; 亿元 = 100 million CNY)"; `short`: "Outlay (亿元)", for a narrow chart. */
export function axisLabel(what: string, unit: CnyUnit, short = false): string {
  return short ? `${what} (${unit.name})` : `${what} (${unit.name}; ${unit.gloss})`
}

const MINUS = '\u2212'

function grouped(value: number, decimals: number): string {
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value)
}

/** Decimals that keep about three significant figures in 万元 without losing whole 万元. */
function wanDecimals(wan: number): number {
  const a = Math.abs(wan)
  if (a >= 100 || a === 0) return 0
  if (a >= 10) return 1
  return 2
}

/** A number in the given unit, without the unit: 1.58, 2,229. Minus as U+2212. */
export function inUnit(value: number, unit: CnyUnit, decimals?: number): string {
  const scaled = value / unit.divisor
  const d = decimals ?? (unit === UNIT_YI ? 2 : wanDecimals(scaled))
  const text = grouped(Math.abs(scaled), d)
  const isZero = Number(text.replace(/,/g, '')) === 0
  return scaled < 0 && !isZero ? `${MINUS}${text}` : text
}

/**
 * An amount in CNY by the page's rule: "1.58 亿元", "2,229 万元", "54.1 万元"; "–" when absent.
 * `exact` writes a rule's figure without padding zeros (a cap of 500,000 is "50 万元", not "50.0 万元").
 */
export function formatCny(value: number | null | undefined, options: { signed?: boolean; exact?: boolean } = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  const unit = unitFor(value)
  const digits = options.exact ? inUnit(value, unit, 4).replace(/\.?0+$/, '') : inUnit(value, unit)
  const text = `${digits} ${unit.name}`
  return options.signed && value > 0 && !/^0(\.0+)?$/.test(inUnit(value, unit)) ? `+${text}` : text
}

/** An amount in 万元 with one decimal, without the unit (tables). */
export function formatWan(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  return inUnit(value, UNIT_WAN, decimals)
}

/** Read an amount the page wrote ("1.58 亿元", "−2,229 万元", "15,751.3") back in CNY; `unit` for bare numbers. */
export function parseCny(text: string, unit: CnyUnit = UNIT_WAN): number {
  const t = text.trim().replace(/\u2212/g, '-').replace(/,/g, '')
  const m = /^([+-]?\d+(?:\.\d+)?)\s*(亿元|万元)?$/.exec(t)
  if (!m) return Number.NaN
  const divisor = m[2] === '亿元' ? YI : m[2] === '万元' ? WAN : unit.divisor
  return Number(m[1]) * divisor
}
