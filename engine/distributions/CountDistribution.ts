// Why: count specs ({ poisson: { mean } }, ...) are compiled once per run into flat numeric
// descriptors that the hot loop samples with a switch, never a closure per draw.
import { poissonInversion, poissonPtrs, POISSON_INVERSION_LIMIT } from '../random/poisson.js'
import { standardGamma } from '../random/standardGamma.js'
import type { Stream } from '../random/Stream.js'
import type { CountDistributionSpec, GrowingCountSpec } from './schema.js'
import { CountKinds } from './schema.js'

export const CountKind = { fixed: 0, poisson: 1, negativeBinomial: 2, onePlusPoisson: 3, uniform: 4, empirical: 5 } as const

/** A compiled count distribution: plain numbers and typed arrays, structured-clonable. */
export interface CountDistribution {
  kind: number
  /** fixed: value; poisson, one_plus_poisson: mean; negative_binomial: mean; uniform: min */
  a: number
  /** poisson, one_plus_poisson: e^-mean; negative_binomial: size; uniform: max */
  b: number
  /** multiplier applied to the draw then rounded (fixed, uniform, empirical, one_plus_poisson under growth) */
  factor: number
  values: Float64Array | null
  cumulative: Float64Array | null
}

/** The one distribution key of a spec (`{ poisson: {...}, growth }` -> 'poisson'), or undefined. */
export function countKindOf(spec: GrowingCountSpec | CountDistributionSpec): (typeof CountKinds)[number] | undefined {
  const kinds = Object.keys(spec).filter((k) => (CountKinds as readonly string[]).includes(k))
  return kinds.length === 1 ? (kinds[0] as (typeof CountKinds)[number]) : undefined
}

/**
 * Compile a count spec, scaled by a growth factor (1 for none). Poisson and negative binomial
 * scale their mean; other kinds scale each draw and round it to the nearest integer.
 *
 * @example compileCount({ poisson: { mean: 600 } }, 1.1078).a // 664.68
 */
export function compileCount(spec: GrowingCountSpec | CountDistributionSpec, factor = 1): CountDistribution {
  const s = spec as Record<string, any>
  const kind = countKindOf(spec)
  const d: CountDistribution = { kind: 0, a: 0, b: 0, factor: 1, values: null, cumulative: null }
  switch (kind) {
    case 'fixed':
      d.kind = CountKind.fixed
      d.a = s.fixed.value
      d.factor = factor
      break
    case 'poisson':
      d.kind = CountKind.poisson
      d.a = s.poisson.mean * factor
      d.b = Math.exp(-d.a)
      break
    case 'negative_binomial':
      d.kind = CountKind.negativeBinomial
      d.a = s.negative_binomial.mean * factor
      d.b = s.negative_binomial.size
      break
    case 'one_plus_poisson':
      d.kind = CountKind.onePlusPoisson
      d.a = s.one_plus_poisson.mean
      d.b = Math.exp(-d.a)
      d.factor = factor
      break
    case 'uniform':
      d.kind = CountKind.uniform
      d.a = s.uniform.min
      d.b = s.uniform.max
      d.factor = factor
      break
    case 'empirical':
      d.kind = CountKind.empirical
      d.values = Float64Array.from(s.empirical.values)
      d.cumulative = cumulativeWeights(s.empirical.values.length, s.empirical.weights)
      d.factor = factor
      break
    default:
      throw new Error(`not a count distribution: ${JSON.stringify(spec)}`)
  }
  return d
}

/** Normalised cumulative weights for empirical sampling (null = equal weights). */
export function cumulativeWeights(n: number, weights: number[] | undefined): Float64Array | null {
  if (!weights) return null
  const c = new Float64Array(n)
  let total = 0
  for (let i = 0; i < n; i++) total += weights[i]
  let acc = 0
  for (let i = 0; i < n; i++) {
    acc += weights[i]
    c[i] = acc / total
  }
  c[n - 1] = 1
  return c
}

/** Index of an empirical draw from one uniform: equal weights or by cumulative weights. */
export function empiricalIndex(u: number, n: number, cumulative: Float64Array | null): number {
  if (cumulative === null) return Math.min(n - 1, Math.floor(u * n))
  let lo = 0
  let hi = n - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (cumulative[mid] < u) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Draw a count. Inversion-based kinds (poisson with mean <= 30, one_plus_poisson, uniform,
 * empirical) consume exactly one uniform per draw.
 */
export function sampleCount(d: CountDistribution, s: Stream): number {
  switch (d.kind) {
    case CountKind.fixed:
      return d.factor === 1 ? d.a : Math.round(d.a * d.factor)
    case CountKind.poisson:
      if (d.a <= 0) return 0
      return d.a <= POISSON_INVERSION_LIMIT ? poissonInversion(s, d.a, d.b) : poissonPtrs(s, d.a)
    case CountKind.negativeBinomial: {
      if (d.a <= 0) return 0
      const lambda = standardGamma(s, d.b) * (d.a / d.b)
      if (lambda <= 0) return 0
      return lambda <= POISSON_INVERSION_LIMIT ? poissonInversion(s, lambda, Math.exp(-lambda)) : poissonPtrs(s, lambda)
    }
    case CountKind.onePlusPoisson: {
      const k = 1 + poissonInversion(s, d.a, d.b)
      return d.factor === 1 ? k : Math.round(k * d.factor)
    }
    case CountKind.uniform: {
      const k = d.a + Math.floor(s.nextFloat() * (d.b - d.a + 1))
      return d.factor === 1 ? k : Math.round(k * d.factor)
    }
    default: {
      const values = d.values!
      const k = values[empiricalIndex(s.nextDouble(), values.length, d.cumulative)]
      return d.factor === 1 ? k : Math.round(k * d.factor)
    }
  }
}

/** Expected count (before rounding under growth). */
export function countMean(d: CountDistribution): number {
  switch (d.kind) {
    case CountKind.fixed:
      return d.a * d.factor
    case CountKind.poisson:
    case CountKind.negativeBinomial:
      return d.a
    case CountKind.onePlusPoisson:
      return (1 + d.a) * d.factor
    case CountKind.uniform:
      return ((d.a + d.b) / 2) * d.factor
    default:
      return weightedMean(d.values!, d.cumulative) * d.factor
  }
}

export function weightedMean(values: Float64Array, cumulative: Float64Array | null): number {
  let m = 0
  let prev = 0
  for (let i = 0; i < values.length; i++) {
    const w = cumulative ? cumulative[i] - prev : 1 / values.length
    if (cumulative) prev = cumulative[i]
    m += w * values[i]
  }
  return m
}

/** A short human description, e.g. "Poisson(mean 600)". */
export function describeCount(spec: GrowingCountSpec | CountDistributionSpec): string {
  const s = spec as Record<string, any>
  const kind = countKindOf(spec)
  const p = kind ? s[kind] : {}
  let text: string
  switch (kind) {
    case 'fixed':
      text = `${p.value}`
      break
    case 'poisson':
      text = `Poisson(mean ${fmt(p.mean)})`
      break
    case 'negative_binomial':
      text = `NegBin(mean ${fmt(p.mean)}, size ${fmt(p.size)})`
      break
    case 'one_plus_poisson':
      text = `1 + Poisson(mean ${fmt(p.mean)})`
      break
    case 'uniform':
      text = `uniform integer ${p.min}..${p.max}`
      break
    case 'empirical':
      text = `empirical (${p.values.length} values)`
      break
    default:
      text = JSON.stringify(spec)
  }
  if (typeof s.growth === 'number' && s.growth !== 0) text += `, growing ${fmt(s.growth * 100)}%/yr`
  return text
}

export function fmt(x: number): string {
  return Number.isInteger(x) ? x.toLocaleString('en-US') : String(Math.round(x * 1e6) / 1e6)
}
