// Why: a filed report must say amounts, chances and parameters exactly as the planner's page does
// (amounts of 1 亿元 or more in 亿元, smaller ones in 万元, tables in 万元; "14.4%", "about 1 in 7
// years"; "Poisson (mean 600), growing 10.78% a year"). The rules are written once, here, with no
// imports, so the server's report and the page's bundle (web/src/format/ re-exports them) share them.

export const WAN = 1e4
export const YI = 1e8

export interface CnyUnit {
  name: '亿元' | '万元'
  divisor: number
  gloss: string
}

export const UNIT_YI: CnyUnit = { name: '亿元', divisor: YI, gloss: '亿元 = 100 million CNY' }
export const UNIT_WAN: CnyUnit = { name: '万元', divisor: WAN, gloss: '万元 = 10,000 CNY' }

/** The unit for amounts up to `maxAbs` (亿元 from 1e8, else 万元). */
export function unitFor(maxAbs: number): CnyUnit {
  return Math.abs(maxAbs) >= YI ? UNIT_YI : UNIT_WAN
}

const MINUS = '\u2212'

function grouped(value: number, decimals: number): string {
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value)
}

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
 * "1.58 亿元", "2,229 万元"; "–" when absent; `exact` drops padding zeros (a rule's figure);
 * `signed` writes a "+" before a positive amount that does not round to zero (a difference).
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

/** 0.1443 -> "14.4%"; below 1% two decimals; null -> "–". */
export function formatPercent(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–'
  const pct = p * 100
  const decimals = pct !== 0 && Math.abs(pct) < 1 ? 2 : 1
  return `${pct.toFixed(decimals)}%`
}

/** A mean count: 1,700.5 or 0.35. */
export function formatCount(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–'
  const a = Math.abs(v)
  const d = a >= 100 ? 1 : a >= 1 ? 2 : 3
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: d }).format(v)
}

const SMALL_NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten']

/** "years" for one year, "three-year periods" for several. */
export function periodNoun(years: number): { one: string; many: string } {
  if (years <= 1) return { one: 'year', many: 'years' }
  const n = years < SMALL_NUMBERS.length ? SMALL_NUMBERS[years] : String(years)
  return { one: `${n}-year period`, many: `${n}-year periods` }
}

/** 0.146 -> "about 1 in 7 years"; over three years 0.042 -> "about 1 in 24 three-year periods". */
export function oddsInWords(p: number | null | undefined, options: { years?: number; trials?: number } = {}): string {
  const noun = periodNoun(options.years ?? 1)
  if (p === null || p === undefined || !Number.isFinite(p)) return 'no appropriation is set, so there is nothing to overrun'
  if (p <= 0) return options.trials ? `not once in ${options.trials.toLocaleString('en-US')} simulated ${noun.many}` : 'never in the simulation'
  if (p >= 0.995) return noun.one === 'year' ? 'almost every year' : `almost every ${noun.one}`
  if (p > 0.5) return `about ${Math.round(p * 10)} ${noun.many} in 10`
  return `about 1 in ${Math.round(1 / p).toLocaleString('en-US')} ${noun.many}`
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

// ---- parameters in words (as web/src/format/parameters.ts)

const pct = (v: number) => `${+(v * 100).toFixed(4)}%`
const num = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 6 })

const PARAMETER_NAMES: Record<string, string> = {
  years: 'Years',
  applicants: 'Applicants per year',
  contracts_per_applicant: 'Contracts per applicant',
  contract_value: 'Contract value',
  basis: 'Basis per applicant',
  approval_rate: 'Approval rate',
  rate: 'Rate',
  amount: 'Flat amount',
  tier_shares: 'Tier shares',
  tier_amounts: 'Tier amounts',
  cap: 'Cap',
  quota: 'Quota',
  selection: 'Selection when the quota binds',
  funding: 'Funding shares',
  matching: 'Matching',
}

export function parameterName(name: string): string {
  return PARAMETER_NAMES[name] ?? name.replace(/_/g, ' ')
}

const isMoney = (key: string) => /value|median|mean|scale|min|max|mode|amount|basis/.test(key)

/** "lognormal (median 150 万元, sigma 1.3)"; money-like keys in CNY when `money`. */
export function describeDistribution(d: unknown, money: boolean): string {
  if (!d || typeof d !== 'object') return String(d)
  const parts: string[] = []
  for (const [kind, params] of Object.entries(d as Record<string, unknown>)) {
    if (kind === 'growth') continue
    if (params && typeof params === 'object' && !Array.isArray(params)) {
      const inner = Object.entries(params as Record<string, unknown>)
        .map(([k, v]) => `${k} ${typeof v === 'number' ? (money && isMoney(k) ? formatCny(v, { exact: true }) : num(v)) : Array.isArray(v) ? `[${v.map((x) => (typeof x === 'number' ? num(x) : String(x))).join(', ')}]` : String(v)}`)
        .join(', ')
      parts.push(`${kind.replace(/_/g, ' ')} (${inner})`)
    } else parts.push(`${kind} ${String(params)}`)
  }
  return parts.join(', ')
}

const REMOVED: Record<string, string> = { cap: 'none', quota: 'no quota', matching: 'no matching' }

/** A parameter value in words. */
export function describeValue(name: string, value: unknown): string {
  if (value === null || value === undefined) return REMOVED[name] ?? '–'
  switch (name) {
    case 'years':
      return Array.isArray(value) && value.length > 1 ? `${value[0]}–${value[value.length - 1]}` : String(value)
    case 'rate':
    case 'approval_rate':
      return typeof value === 'number' ? pct(value) : String(value)
    case 'cap':
    case 'amount':
      return typeof value === 'number' ? formatCny(value, { exact: true }) : String(value)
    case 'quota': {
      const q = value as { per_year?: number; total?: number; recurring?: boolean }
      const parts = [q.per_year !== undefined ? `${num(q.per_year)} places a year` : '', q.total !== undefined ? `${num(q.total)} places over all years` : ''].filter(Boolean)
      return `${parts.join(', ')}${q.recurring ? '; grantees paid again every later year' : ''}`
    }
    case 'applicants': {
      const a = value as Record<string, unknown> & { growth?: number }
      return `${describeDistribution(a, false)}${a.growth ? `, growing ${pct(a.growth)} a year` : ''}`
    }
    case 'contracts_per_applicant':
      return describeDistribution(value, false)
    case 'contract_value':
    case 'basis':
      return describeDistribution(value, true)
    case 'funding':
    case 'tier_shares':
      return Object.entries(value as Record<string, number>)
        .map(([k, v]) => `${k.replace(/_/g, ' ')} ${pct(v)}`)
        .join(', ')
    case 'tier_amounts':
      return Object.entries(value as Record<string, number>)
        .map(([k, v]) => `${k.replace(/_/g, ' ')} ${formatCny(v, { exact: true })}`)
        .join(', ')
    case 'matching':
      return Object.entries(value as Record<string, { of: string; ratio: unknown }>)
        .map(([level, m]) => `${level} pays ${typeof m.ratio === 'number' ? num(m.ratio) : describeDistribution(m.ratio, false)} × ${m.of}`)
        .join('; ')
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value)
  }
}

// ---- decision analyses (as web/src/format/analysis.ts)

/** The statistics an analysis asks about, in words. */
export const STATISTIC_NAMES: Record<string, string> = { mean: 'mean outlay', p95: '95th percentile of outlay', p_exceed: 'chance of overrunning the appropriation' }

/** A statistic's value: an amount for the mean and P95, a percentage for the chance of overrun. */
export function formatStatistic(statistic: string, value: number | null | undefined): string {
  return statistic === 'p_exceed' ? formatPercent(value) : formatCny(value)
}

/** A difference of a statistic (a swing): "+4,858 万元", "−1.2 pp" (percentage points for a chance). */
export function formatStatisticChange(statistic: string, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  if (statistic !== 'p_exceed') return formatCny(value, { signed: true })
  const points = formatPercent(Math.abs(value)).replace('%', '')
  const zero = Number(points) === 0
  return `${zero ? '' : value > 0 ? '+' : MINUS}${points} pp`
}

/**
 * A parameter's number in its unit (the `unit` of a tornado bar or goal seek): amounts as on the page
 * (exact when it takes at most two decimals in its unit: "80 万元"; else rounded: "279 万元"),
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
  const what = STATISTIC_NAMES[target.statistic] ?? target.statistic
  const paid = target.measure === 'paid' ? ' (paid)' : ''
  return `${what}${paid}, ${target.level === 'all' ? 'all levels' : `${target.level} level`}, ${target.year === 'all' ? 'all years' : target.year}`
}
