// Why: a distribution can be valid field by field and still be numerically dishonest: draws that
// overflow the money limit, or that a run of a few billion draws never reaches. The checks need
// the value a distribution exceeds once in 10^9 draws (its upper quantile), computed here from the
// spec without sampling.
import { logGamma } from '../random/logGamma.js'
import { countKindOf } from './CountDistribution.js'
import type { CountDistributionSpec, GrowingCountSpec, ValueDistributionSpec } from './schema.js'
import { gammaParameters, lognormalParameters, valueKindOf } from './ValueDistribution.js'

/** The tail probability the checks use: "plausible" means reached about once in 10^9 draws. */
export const PLAUSIBLE_TAIL = 1e-9

/**
 * z with P(Z > z) = p for a standard normal Z (Acklam's rational approximation, relative error
 * below 1.2e-9), for 0 < p < 1.
 *
 * @example normalUpperQuantile(1e-9) // 5.9978...
 */
export function normalUpperQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239]
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1]
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416]
  // lower quantile of 1 - p, written through the symmetric lower tail p for accuracy
  const q = Math.min(p, 1 - p)
  let x: number
  if (q < 0.02425) {
    const r = Math.sqrt(-2 * Math.log(q))
    x = (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1)
  } else {
    const r = q - 0.5
    const s = r * r
    x = ((((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r) / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1)
  }
  // x is the lower quantile of q (negative for q < 0.5); the upper quantile of p is -x when p < 0.5
  return p < 0.5 ? -x : x
}

/**
 * Q(k, x) = Γ(k, x) / Γ(k), the regularized upper incomplete gamma function (series below k + 1,
 * Lentz's continued fraction above, as in Numerical Recipes' gammq).
 */
export function gammaUpperTail(k: number, x: number): number {
  if (x <= 0) return 1
  if (!Number.isFinite(x)) return 0
  const logPrefix = k * Math.log(x) - x - logGamma(k)
  if (x < k + 1) {
    // P(k, x) by its series; Q = 1 - P
    let term = 1 / k
    let sum = term
    for (let n = 1; n < 100_000; n++) {
      term *= x / (k + n)
      sum += term
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break
    }
    return Math.max(0, 1 - sum * Math.exp(logPrefix))
  }
  const tiny = 1e-300
  let b = x + 1 - k
  let c = 1 / tiny
  let d = 1 / b
  let h = d
  for (let i = 1; i < 100_000; i++) {
    const an = -i * (i - k)
    b += 2
    d = an * d + b
    if (Math.abs(d) < tiny) d = tiny
    c = b + an / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < 1e-15) break
  }
  return Math.exp(logPrefix) * h
}

/**
 * x with P(X > x) = p for X ~ Gamma(shape k, scale 1): bisection on log x over the exact tail for
 * k up to 10^5, Wilson-Hilferty above (relative error O(1/k)).
 */
export function gammaUpperQuantile(k: number, p: number): number {
  if (k > 1e5) {
    const z = normalUpperQuantile(p)
    const v = 1 / (9 * k)
    return k * (1 - v + z * Math.sqrt(v)) ** 3
  }
  if (gammaUpperTail(k, Number.MIN_VALUE) <= p) return 0
  let lo = Math.log(Number.MIN_VALUE)
  let hi = Math.log(k + 1)
  while (gammaUpperTail(k, Math.exp(hi)) > p) hi += 1
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2
    if (gammaUpperTail(k, Math.exp(mid)) > p) lo = mid
    else hi = mid
  }
  return Math.exp(hi)
}

/** Smallest n with P(N > n) <= p for N ~ Poisson(mean) (P(N > n) = P(n + 1, mean), the lower regularized gamma). */
export function poissonUpperQuantile(mean: number, p: number): number {
  if (!(mean > 0)) return 0
  if (mean > 1e6) {
    const z = normalUpperQuantile(p)
    return Math.ceil(mean + z * Math.sqrt(mean) + (z * z + 2) / 6)
  }
  const exceeds = (n: number) => 1 - gammaUpperTail(n + 1, mean) // P(N > n)
  let hi = Math.ceil(mean + 10 * Math.sqrt(mean) + 50)
  while (exceeds(hi) > p) hi *= 2
  let lo = -1 // P(N > -1) = 1 > p
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (exceeds(mid) > p) lo = mid
    else hi = mid
  }
  return hi
}

/**
 * The value a value distribution exceeds with probability p (for p = 10^-9: once in a billion
 * draws); Infinity when it overflows a double. Bounded kinds give their largest value.
 *
 * @example valueUpperQuantile({ lognormal: { median: 1e6, sigma: 1 } }, 1e-9) // 1e6 * e^5.998 = 4.02e8
 */
export function valueUpperQuantile(spec: ValueDistributionSpec, p = PLAUSIBLE_TAIL): number {
  const s = spec as Record<string, any>
  switch (valueKindOf(spec)) {
    case 'fixed':
      return s.fixed.value
    case 'lognormal': {
      const { mu, sigma } = lognormalParameters(s.lognormal)
      return Math.exp(mu + sigma * normalUpperQuantile(p))
    }
    case 'gamma': {
      const { shape, scale } = gammaParameters(s.gamma)
      return gammaUpperQuantile(shape, p) * scale
    }
    case 'pareto':
      return s.pareto.scale * Math.pow(p, -1 / s.pareto.alpha)
    case 'triangular':
      return s.triangular.max
    case 'uniform':
      return s.uniform.max
    case 'empirical':
      return empiricalMax(s.empirical)
    default:
      return NaN
  }
}

/** The count a count distribution exceeds with probability at most p (growth not applied). */
export function countUpperQuantile(spec: GrowingCountSpec | CountDistributionSpec, p = PLAUSIBLE_TAIL): number {
  const s = spec as Record<string, any>
  switch (countKindOf(spec)) {
    case 'fixed':
      return s.fixed.value
    case 'poisson':
      return poissonUpperQuantile(s.poisson.mean, p)
    case 'one_plus_poisson':
      return 1 + poissonUpperQuantile(s.one_plus_poisson.mean, p)
    case 'negative_binomial': {
      // a Poisson whose mean is Gamma(size, mean/size): the mean's upper quantile at p/2, then the
      // Poisson's at p/2 (an upper bound on the mixture's quantile at p)
      const { mean, size } = s.negative_binomial
      if (!(mean > 0)) return 0
      return poissonUpperQuantile(gammaUpperQuantile(size, p / 2) * (mean / size), p / 2)
    }
    case 'uniform':
      return s.uniform.max
    case 'empirical':
      return empiricalMax(s.empirical)
    default:
      return NaN
  }
}

/** The largest value an empirical distribution can draw (one with a positive weight), at least 0. */
function empiricalMax({ values, weights }: { values: number[]; weights?: number[] }): number {
  let max = 0
  values.forEach((v, i) => {
    if ((weights === undefined || weights[i] > 0) && v > max) max = v
  })
  return max
}
