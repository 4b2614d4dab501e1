// Why: a programme's parameters are JSON (distributions, quotas, shares); a planner reads them in
// words: "Poisson, mean 600, growing 10.78% a year", "50 places over all years, paid again yearly",
// and a seeded quota or matching rule a scenario removed (`null`) as "no quota", "no matching".
// The words are the filed report's (engine/report/format.ts), imported so the two cannot drift apart.
import { formatCny } from './cny'

export { describeDistribution, describeValue, parameterName } from '../../../engine/report/format'

const num = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 6 })

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
