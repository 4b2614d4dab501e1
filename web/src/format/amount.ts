// Why: the page shows amounts in 万元 and 亿元, so a planner types them that way too: "1.7亿",
// "17000万", "1.7 亿元", "17,000 万元", full-width "１７，０００万", or plain yuan "170,000,000". This
// reads all of those into CNY (a bare number is yuan, as in scenario files and the API), writes an
// amount back for an input in its unit, and restates the server's raw-CNY limits in a field's unit.
import { unitFor, type CnyUnit, UNIT_WAN, UNIT_YI } from './cny'

export type AmountParse = { ok: true; value: number | null } | { ok: false; message: string }

/** Powers of ten of the unit words a planner writes after an amount. */
const UNIT_WORDS: [RegExp, number][] = [
  [/^(万亿元|万亿)$/, 12],
  [/^(亿元|亿)$/, 8],
  [/^(万元|万)$/, 4],
  [/^(元|cny|rmb|yuan)?$/i, 0],
]

/** Full-width digits, commas, points and signs (as typed with a Chinese input method) as ASCII. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ')
}

/** "300万, 300 万元 or 3,000,000" in the field's unit, for hints and messages. */
function amountExamples(unit: CnyUnit): string {
  return unit === UNIT_YI ? '1.7亿, 1.7 亿元 or 170,000,000' : '300万, 300 万元 or 3,000,000'
}

/** Read an amount as a planner types it; "" is null (no amount). */
export function parseAmount(text: string, unit: CnyUnit = UNIT_WAN): AmountParse {
  const t = toHalfWidth(text).trim().replace(/\u2212/g, '-')
  if (t === '') return { ok: true, value: null }
  const m = /^([+-]?)(\d[\d,]*(?:\.\d*)?|\.\d+)(e[+-]?\d+)?\s*([^\d\s,.].*)?$/i.exec(t)
  const wrong = { ok: false as const, message: `enter an amount such as ${amountExamples(unit)} (CNY), not "${text.trim()}"` }
  if (!m) return wrong
  const [, sign, digits, exponent, word] = m
  const power = UNIT_WORDS.find(([re]) => re.test((word ?? '').trim()))?.[1]
  if (power === undefined) return wrong
  if (digits.includes(',') && !/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(digits))
    return { ok: false, message: `group thousands in threes (17,000) and write decimals with a point (1.7亿), not "${text.trim()}"` }
  // shift the decimal exponent rather than multiply, so 1.7亿 is exactly 170,000,000
  const plain = `${sign}${digits.replace(/,/g, '')}`
  const exp = exponent ? Number(exponent.slice(1)) : 0
  const value = Number(`${plain}e${exp + power}`)
  if (!Number.isFinite(value)) return wrong
  return { ok: true, value: value === 0 ? 0 : value }
}

/** Did the planner give a unit (万, 亿, 元), or a bare number (yuan)? */
export function hasUnitWord(text: string): boolean {
  return /[万亿元]|cny|rmb|yuan/i.test(toHalfWidth(text))
}

/** The unit a field's amounts are written in: the page's rule for its value (亿元 from 1e8, else 万元). */
export function fieldUnit(value: number | null | undefined, fallback: CnyUnit = UNIT_WAN): CnyUnit {
  return value === null || value === undefined ? fallback : unitFor(value)
}

/**
 * An amount for an input: "500 万元", "1.7 亿元"; raw yuan ("123,456,789") when the unit cannot say
 * it exactly in four decimals, so editing never changes a figure by rounding it.
 */
export function amountInputText(value: number | null | undefined): string {
  if (value === null || value === undefined) return ''
  const unit = unitFor(value)
  const power = unit === UNIT_YI ? 8 : 4
  for (let d = 0; d <= 4; d++) {
    const scaled = (value / unit.divisor).toFixed(d)
    if (Number(`${scaled}e${power}`) === value) return `${Number(scaled).toLocaleString('en-US', { maximumFractionDigits: 4 })} ${unit.name}`
  }
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 })
}

/** An amount for a message in a field's unit: "100,000,000,000 万元"; small ones in yuan ("5 元"); 0 as 0. */
export function amountInWords(value: number, unit: CnyUnit): string {
  if (value === 0) return '0'
  if (Math.abs(value) < 1e4) return `${value.toLocaleString('en-US', { maximumFractionDigits: 2 })} 元`
  const scaled = value / unit.divisor
  const text = Math.abs(scaled).toLocaleString('en-US', { maximumFractionDigits: 4 })
  return `${scaled < 0 ? '\u2212' : ''}${text} ${unit.name}`
}

/** The server's message about an amount with its raw yuan restated in the field's unit. */
export function restateAmounts(message: string, unit: CnyUnit): string {
  return message.replace(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, (n) => amountInWords(Number(n), unit))
}

/** "170,000,000 CNY": an amount in plain yuan, as the API and scenario files have it. */
export function amountInYuan(value: number): string {
  return `${value.toLocaleString('en-US', { maximumFractionDigits: 2 })} CNY`
}
