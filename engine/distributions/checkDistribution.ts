// Why: JSON Schema checks each field alone; the rules that tie fields of a distribution together
// (give median with sigma, min <= mode <= max, weights match values) are checked here, with the
// same `path: problem` messages. So are the rules that keep a distribution numerically honest:
// draws that underflow to 0, plausible draws beyond the money limit, and heavy tails whose mean or
// variance is infinite where a sum needs them (the scenario's own context decides; see
// checkProgramme).
import type { Issue } from '../errors.js'
import { countKindOf } from './CountDistribution.js'
import { CountKinds, ValueKinds, type GrowingCountSpec, type ValueDistributionSpec } from './schema.js'
import { normalUpperQuantile, PLAUSIBLE_TAIL, gammaUpperQuantile, valueUpperQuantile } from './upperQuantile.js'
import { gammaParameters, lognormalParameters, valueKindOf } from './ValueDistribution.js'

/** Money amounts (contract values, bases, entitlements) stay at most this many CNY, as the schema's money fields. */
export const MONEY_LIMIT = 1e15
/**
 * Gamma shapes (and negative binomial sizes) below this draw 0 almost always: a draw is
 * Gamma(shape + 1) x U^(1/shape), and its median, about scale x 2^(-1/shape), is below the
 * smallest double, so the sampled mean is 0 however large the true mean.
 */
export const MIN_GAMMA_SHAPE = 1e-3
/** The largest matching ratio a scenario may give as a number; a ratio distribution's plausible draws stay within it. */
export const MAX_MATCHING_RATIO = 1000
const MAX_GAMMA_CV = 1 / Math.sqrt(MIN_GAMMA_SHAPE)
const UNDERFLOW = 'below that shape draws are 0 almost always: the median draw, about scale x 2^(-1/shape), underflows a double, so the sampled mean is 0 whatever the true mean'

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
  if (kind === 'negative_binomial' && p.size < MIN_GAMMA_SHAPE)
    issues.push({
      path: `${path}.negative_binomial.size`,
      message: `must be at least ${MIN_GAMMA_SHAPE} (a smaller size draws a gamma-distributed mean that underflows to 0, so almost every count is 0), got ${p.size}`,
    })
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
      if (p.shape !== undefined && p.shape < MIN_GAMMA_SHAPE)
        issues.push({ path: `${at}.shape`, message: `must be at least ${MIN_GAMMA_SHAPE} (${UNDERFLOW}), got ${p.shape}` })
      if (p.cv !== undefined && p.cv > MAX_GAMMA_CV)
        issues.push({ path: `${at}.cv`, message: `must be at most ${round3(MAX_GAMMA_CV)} (a larger cv means a gamma shape 1/cv² below ${MIN_GAMMA_SHAPE}; ${UNDERFLOW}), got ${p.cv}` })
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


function round3(x: number): number {
  return Math.round(x * 1000) / 1000
}

/** A number as the messages write it: 1.14e41, 2500000, 0.35. */
export function formatAmount(x: number): string {
  if (!Number.isFinite(x)) return 'Infinity'
  if (x !== 0 && (Math.abs(x) >= 1e7 || Math.abs(x) < 1e-3)) return x.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e')
  return String(Math.round(x * 1000) / 1000)
}

/**
 * Problems when a value distribution's plausible draws (its 1-in-10^9 upper quantile) exceed a
 * limit or overflow. The message says what would fit. Call it on a spec without other problems.
 *
 * @example checkValueMagnitude({ lognormal: { median: 1e15, sigma: 10 } }, 'programmes.x.contract_value')
 * // [{ path: 'programmes.x.contract_value.lognormal', message: 'must keep its 1-in-10^9 draw within the money limit of 1e15 CNY, got 1.14e41 CNY; ...' }]
 */
export function checkValueMagnitude(
  spec: ValueDistributionSpec,
  path: string,
  limit = MONEY_LIMIT,
  what = `the money limit of ${formatAmount(MONEY_LIMIT)} CNY`,
  unit = ' CNY',
): Issue[] {
  const kind = valueKindOf(spec)
  if (!kind) return []
  const q = valueUpperQuantile(spec, PLAUSIBLE_TAIL)
  if (q <= limit) return []
  const p = (spec as Record<string, any>)[kind]
  const bounded = kind === 'fixed' || kind === 'uniform' || kind === 'triangular' || kind === 'empirical'
  const got = Number.isFinite(q) ? `${formatAmount(q)}${unit}` : 'a value that overflows a double (Infinity)'
  const message = bounded
    ? `must keep every value within ${what}, got ${formatAmount(q)}${unit}`
    : `must keep its 1-in-10^9 upper draw within ${what}, got ${got}${fits(kind, p, limit, unit)}`
  return [{ path: `${path}.${kind}`, message }]
}

/** What would fit under the limit, for the unbounded kinds ('' when nothing simple does). */
function fits(kind: string, p: Record<string, number>, limit: number, unit: string): string {
  const z = normalUpperQuantile(PLAUSIBLE_TAIL)
  const options: string[] = []
  // an amount below 1 CNY (or a ratio below 10^-6) is no useful advice
  const useful = (x: number) => x >= (unit ? 1 : 1e-6)
  if (kind === 'lognormal' && p.median !== undefined) {
    if (p.median < limit) options.push(`with median ${formatAmount(p.median)}, sigma at most ${round3(Math.log(limit / p.median) / z)}`)
    const median = limit / Math.exp(p.sigma * z)
    if (useful(median)) options.push(`with sigma ${p.sigma}, median at most ${formatAmount(median)}${unit}`)
  } else if (kind === 'lognormal') {
    const { sigma } = lognormalParameters(p)
    const disc = z * z - 2 * Math.log(limit / p.mean)
    if (p.mean < limit && disc > 0) {
      const s = z - Math.sqrt(disc)
      options.push(`with mean ${formatAmount(p.mean)}, cv at most ${round3(Math.sqrt(Math.expm1(s * s)))}`)
    }
    const mean = limit * Math.exp((sigma * sigma) / 2 - sigma * z)
    if (useful(mean)) options.push(`with cv ${p.cv}, mean at most ${formatAmount(mean)}${unit}`)
  } else if (kind === 'gamma') {
    const { shape } = gammaParameters(p)
    const q1 = gammaUpperQuantile(shape, PLAUSIBLE_TAIL)
    if (p.shape !== undefined && useful(limit / q1)) options.push(`with shape ${p.shape}, scale at most ${formatAmount(limit / q1)}${unit}`)
    else if (p.shape === undefined && useful((limit / q1) * shape)) options.push(`with cv ${p.cv}, mean at most ${formatAmount((limit / q1) * shape)}${unit}`)
  } else if (kind === 'pareto') {
    if (p.scale < limit) options.push(`with scale ${formatAmount(p.scale)}, alpha at least ${round3(Math.log(1 / PLAUSIBLE_TAIL) / Math.log(limit / p.scale) + 0.0005)}`)
    const scale = limit * Math.pow(PLAUSIBLE_TAIL, 1 / p.alpha)
    if (useful(scale)) options.push(`with alpha ${p.alpha}, scale at most ${formatAmount(scale)}${unit}`)
  }
  return options.length > 0 ? `; ${options.join(', or ')} would fit` : ''
}

/**
 * Problems with a Pareto whose tail index leaves the moments a sum needs infinite: alpha <= 1 has
 * no mean, alpha <= 2 no variance (so the Monte Carlo standard error of a mean means nothing).
 * `context` says why the sum is exposed, e.g. "the entitlement is not capped (cap: null)".
 */
export function checkHeavyTail(spec: ValueDistributionSpec, path: string, context: string, remedy: string): Issue[] {
  if (valueKindOf(spec) !== 'pareto') return []
  const alpha = (spec as { pareto: { alpha: number } }).pareto.alpha
  if (alpha > 2) return []
  const why = alpha <= 1 ? 'a Pareto with alpha <= 1 has no finite mean' : 'a Pareto with alpha <= 2 has no finite variance, so the mean has no standard error'
  return [{ path: `${path}.pareto.alpha`, message: `must be above 2 when ${context}: ${why}; ${remedy}, got ${alpha}` }]
}
