// Why: amount specs (contract values, performance-graded amounts, national support, matching
// ratios) are compiled once per run into flat numeric descriptors sampled without closures.
import { standardGamma } from '../random/standardGamma.js'
import { standardNormal } from '../random/standardNormal.js'
import type { Stream } from '../random/Stream.js'
import { cumulativeWeights, empiricalIndex, fmt, weightedMean } from './CountDistribution.js'
import type { ValueDistributionSpec } from './schema.js'
import { ValueKinds } from './schema.js'

export const ValueKind = { fixed: 0, lognormal: 1, gamma: 2, pareto: 3, triangular: 4, uniform: 5, empirical: 6 } as const

/** A compiled value distribution: plain numbers and typed arrays, structured-clonable. */
export interface ValueDistribution {
  kind: number
  /** fixed: value; lognormal: mu; gamma: shape; pareto: scale; triangular, uniform: min */
  a: number
  /** lognormal: sigma; gamma: scale; pareto: 1/alpha; triangular: mode; uniform: max */
  b: number
  /** triangular: max */
  c: number
  values: Float64Array | null
  cumulative: Float64Array | null
}

export function valueKindOf(spec: ValueDistributionSpec): (typeof ValueKinds)[number] | undefined {
  const kinds = Object.keys(spec).filter((k) => (ValueKinds as readonly string[]).includes(k))
  return kinds.length === 1 ? (kinds[0] as (typeof ValueKinds)[number]) : undefined
}

/** Lognormal (mu, sigma) from either { median, sigma } or { mean, cv }. */
export function lognormalParameters(p: { median?: number; sigma?: number; mean?: number; cv?: number }): {
  mu: number
  sigma: number
} {
  if (p.median !== undefined) return { mu: Math.log(p.median), sigma: p.sigma ?? 0 }
  const s2 = Math.log(1 + (p.cv ?? 0) ** 2)
  return { mu: Math.log(p.mean!) - s2 / 2, sigma: Math.sqrt(s2) }
}

/** Gamma (shape, scale) from either { shape, scale } or { mean, cv }. */
export function gammaParameters(p: { shape?: number; scale?: number; mean?: number; cv?: number }): {
  shape: number
  scale: number
} {
  if (p.shape !== undefined) return { shape: p.shape, scale: p.scale! }
  const cv2 = p.cv! ** 2
  return { shape: 1 / cv2, scale: p.mean! * cv2 }
}

/**
 * Compile a value spec.
 *
 * @example compileValue({ lognormal: { median: 1500000, sigma: 1.3 } }) // { kind: 1, a: ln 1.5e6, b: 1.3 }
 */
export function compileValue(spec: ValueDistributionSpec): ValueDistribution {
  const s = spec as Record<string, any>
  const d: ValueDistribution = { kind: 0, a: 0, b: 0, c: 0, values: null, cumulative: null }
  switch (valueKindOf(spec)) {
    case 'fixed':
      d.kind = ValueKind.fixed
      d.a = s.fixed.value
      break
    case 'lognormal': {
      const { mu, sigma } = lognormalParameters(s.lognormal)
      d.kind = ValueKind.lognormal
      d.a = mu
      d.b = sigma
      break
    }
    case 'gamma': {
      const { shape, scale } = gammaParameters(s.gamma)
      d.kind = ValueKind.gamma
      d.a = shape
      d.b = scale
      break
    }
    case 'pareto':
      d.kind = ValueKind.pareto
      d.a = s.pareto.scale
      d.b = 1 / s.pareto.alpha
      break
    case 'triangular':
      d.kind = ValueKind.triangular
      d.a = s.triangular.min
      d.b = s.triangular.mode
      d.c = s.triangular.max
      break
    case 'uniform':
      d.kind = ValueKind.uniform
      d.a = s.uniform.min
      d.b = s.uniform.max
      break
    case 'empirical':
      d.kind = ValueKind.empirical
      d.values = Float64Array.from(s.empirical.values)
      d.cumulative = cumulativeWeights(s.empirical.values.length, s.empirical.weights)
      break
    default:
      throw new Error(`not a value distribution: ${JSON.stringify(spec)}`)
  }
  return d
}

/**
 * Draw a value. Lognormal uses one ziggurat normal (usually one 32-bit draw); pareto,
 * triangular, uniform and empirical invert one uniform.
 */
export function sampleValue(d: ValueDistribution, s: Stream): number {
  switch (d.kind) {
    case ValueKind.lognormal:
      return Math.exp(d.a + d.b * standardNormal(s))
    case ValueKind.fixed:
      return d.a
    case ValueKind.gamma:
      return standardGamma(s, d.a) * d.b
    case ValueKind.pareto:
      return d.a * Math.pow(s.nextDouble(), -d.b)
    case ValueKind.triangular: {
      const u = s.nextDouble()
      const { a: lo, b: mode, c: hi } = d
      const f = (mode - lo) / (hi - lo)
      return u < f ? lo + Math.sqrt(u * (hi - lo) * (mode - lo)) : hi - Math.sqrt((1 - u) * (hi - lo) * (hi - mode))
    }
    case ValueKind.uniform:
      return d.a + (d.b - d.a) * s.nextDouble()
    default: {
      const values = d.values!
      return values[empiricalIndex(s.nextDouble(), values.length, d.cumulative)]
    }
  }
}

/** Expected value (Infinity for a Pareto with alpha <= 1). */
export function valueMean(d: ValueDistribution): number {
  switch (d.kind) {
    case ValueKind.fixed:
      return d.a
    case ValueKind.lognormal:
      return Math.exp(d.a + (d.b * d.b) / 2)
    case ValueKind.gamma:
      return d.a * d.b
    case ValueKind.pareto: {
      const alpha = 1 / d.b
      return alpha > 1 ? (alpha * d.a) / (alpha - 1) : Infinity
    }
    case ValueKind.triangular:
      return (d.a + d.b + d.c) / 3
    case ValueKind.uniform:
      return (d.a + d.b) / 2
    default:
      return weightedMean(d.values!, d.cumulative)
  }
}

/** A short human description, e.g. "lognormal(median 1,500,000, sigma 1.3)". */
export function describeValue(spec: ValueDistributionSpec): string {
  const s = spec as Record<string, any>
  const kind = valueKindOf(spec)
  const p = kind ? s[kind] : {}
  switch (kind) {
    case 'fixed':
      return fmt(p.value)
    case 'lognormal':
      return p.median !== undefined
        ? `lognormal(median ${fmt(p.median)}, sigma ${fmt(p.sigma)})`
        : `lognormal(mean ${fmt(p.mean)}, cv ${fmt(p.cv)})`
    case 'gamma':
      return p.shape !== undefined ? `gamma(shape ${fmt(p.shape)}, scale ${fmt(p.scale)})` : `gamma(mean ${fmt(p.mean)}, cv ${fmt(p.cv)})`
    case 'pareto':
      return `Pareto(scale ${fmt(p.scale)}, alpha ${fmt(p.alpha)})`
    case 'triangular':
      return `triangular(${fmt(p.min)}, ${fmt(p.mode)}, ${fmt(p.max)})`
    case 'uniform':
      return `uniform(${fmt(p.min)}, ${fmt(p.max)})`
    case 'empirical':
      return `empirical (${p.values.length} values)`
    default:
      return JSON.stringify(spec)
  }
}
