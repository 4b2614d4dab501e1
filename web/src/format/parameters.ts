// Why: a programme's parameters are JSON (distributions, quotas, shares); a planner reads them in
// words: "Poisson, mean 600, growing 10.78% a year", "50 places over all years, paid again yearly",
// and a seeded quota or matching rule a scenario removed (`null`) as "no quota", "no matching".
import { formatCny } from './cny'

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
  const entries = Object.entries(d as Record<string, unknown>)
  const parts: string[] = []
  for (const [kind, params] of entries) {
    if (kind === 'growth') continue
    if (params && typeof params === 'object' && !Array.isArray(params)) {
      const inner = Object.entries(params as Record<string, unknown>)
        .map(([k, v]) => `${k} ${typeof v === 'number' ? (money && isMoney(k) ? formatCny(v, { exact: true }) : num(v)) : Array.isArray(v) ? `[${v.map((x) => (typeof x === 'number' ? num(x) : String(x))).join(', ')}]` : String(v)}`)
        .join(', ')
      parts.push(`${kind.replace(/_/g, ' ')} (${inner})`)
    } else {
      parts.push(`${kind} ${String(params)}`)
    }
  }
  return parts.join(', ')
}

/**
 * A cap or quota in a few words, for the binding table: "cap 500 万元", "50 places in all, recurring";
 * a quota the scenario removed (null, where undefined means the programme never had one): "no quota".
 */
export function describeRule(cap: unknown, quota: unknown): string {
  const parts: string[] = []
  if (typeof cap === 'number') parts.push(`cap ${formatCny(cap, { exact: true })}`)
  if (quota === null) parts.push('no quota')
  else if (quota && typeof quota === 'object') {
    const q = quota as { per_year?: number; total?: number; recurring?: boolean }
    if (q.per_year !== undefined) parts.push(`${num(q.per_year)} places a year`)
    if (q.total !== undefined) parts.push(`${num(q.total)} places in all`)
    if (q.recurring) parts.push('recurring')
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
