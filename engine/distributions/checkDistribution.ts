// Why: JSON Schema checks each field alone; the rules that tie fields of a distribution together
// (give median with sigma, min <= mode <= max, weights match values) are checked here, with the
// same `path: problem` messages.
import type { Issue } from '../errors.js'
import { countKindOf } from './CountDistribution.js'
import { CountKinds, ValueKinds, type GrowingCountSpec, type ValueDistributionSpec } from './schema.js'
import { valueKindOf } from './ValueDistribution.js'

/** Problems with a count spec that the schema cannot express. */
export function checkCountSpec(spec: GrowingCountSpec, path: string): Issue[] {
  const issues: Issue[] = []
  const kinds = Object.keys(spec).filter((k) => (CountKinds as readonly string[]).includes(k))
  if (kinds.length !== 1) {
    issues.push({
      path,
      message:
        kinds.length === 0
          ? `must name one count distribution (one of: ${CountKinds.join(', ')})`
          : `must name exactly one count distribution, got ${kinds.join(' and ')}`,
    })
    return issues
  }
  const kind = countKindOf(spec)!
  const p = (spec as Record<string, any>)[kind]
  if (kind === 'uniform' && p.min > p.max) issues.push({ path: `${path}.uniform`, message: `min must not exceed max, got min ${p.min} > max ${p.max}` })
  if (kind === 'empirical') issues.push(...checkWeights(p, `${path}.empirical`))
  return issues
}

/** Problems with a value spec that the schema cannot express. */
export function checkValueSpec(spec: ValueDistributionSpec, path: string): Issue[] {
  const issues: Issue[] = []
  const kind = valueKindOf(spec)
  if (!kind) {
    return [{ path, message: `must name exactly one distribution (one of: ${ValueKinds.join(', ')})` }]
  }
  const p = (spec as Record<string, any>)[kind]
  const at = `${path}.${kind}`
  const pair = (a: string, b: string, c: string, d: string) => {
    const hasAB = p[a] !== undefined || p[b] !== undefined
    const hasCD = p[c] !== undefined || p[d] !== undefined
    if (hasAB && hasCD) issues.push({ path: at, message: `give either ${a} and ${b}, or ${c} and ${d}, not both` })
    else if (hasAB && (p[a] === undefined || p[b] === undefined))
      issues.push({ path: at, message: `${a} and ${b} go together: missing ${p[a] === undefined ? a : b}` })
    else if (hasCD && (p[c] === undefined || p[d] === undefined))
      issues.push({ path: at, message: `${c} and ${d} go together: missing ${p[c] === undefined ? c : d}` })
    else if (!hasAB && !hasCD) issues.push({ path: at, message: `give ${a} and ${b}, or ${c} and ${d}` })
  }
  switch (kind) {
    case 'lognormal':
      pair('median', 'sigma', 'mean', 'cv')
      if (p.sigma !== undefined && p.sigma > 10) issues.push({ path: `${at}.sigma`, message: `must be at most 10, got ${p.sigma}` })
      break
    case 'gamma':
      pair('shape', 'scale', 'mean', 'cv')
      break
    case 'triangular':
      if (!(p.min <= p.mode && p.mode <= p.max)) issues.push({ path: at, message: `needs min <= mode <= max, got ${p.min}, ${p.mode}, ${p.max}` })
      else if (p.min === p.max) issues.push({ path: at, message: `min and max must differ (use fixed for a constant), got ${p.min}` })
      break
    case 'uniform':
      if (p.min > p.max) issues.push({ path: at, message: `min must not exceed max, got min ${p.min} > max ${p.max}` })
      break
    case 'empirical':
      issues.push(...checkWeights(p, at))
      break
  }
  return issues
}

function checkWeights(p: { values: number[]; weights?: number[] }, at: string): Issue[] {
  if (!p.weights) return []
  if (p.weights.length !== p.values.length)
    return [{ path: `${at}.weights`, message: `must have one weight per value (${p.values.length}), got ${p.weights.length}` }]
  if (!p.weights.some((w) => w > 0)) return [{ path: `${at}.weights`, message: 'must have at least one positive weight' }]
  return []
}
