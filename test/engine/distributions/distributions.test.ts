import { describe, expect, it } from 'vitest'
import { checkCountSpec, checkValueSpec } from '../../../engine/distributions/checkDistribution.js'
import { compileCount, countMean, sampleCount } from '../../../engine/distributions/CountDistribution.js'
import type { CountDistributionSpec, ValueDistributionSpec } from '../../../engine/distributions/schema.js'
import { compileValue, sampleValue, valueMean } from '../../../engine/distributions/ValueDistribution.js'
import { deriveMasterKey } from '../../../engine/random/masterKey.js'
import { Stream } from '../../../engine/random/Stream.js'
import { meanAndError, Z_TOLERANCE } from '../../helpers/simulate.js'

const n = 100_000

describe('count distributions', () => {
  const cases: [string, CountDistributionSpec, number][] = [
    ['fixed', { fixed: { value: 7 } }, 7],
    ['poisson', { poisson: { mean: 14 } }, 14],
    ['negative binomial', { negative_binomial: { mean: 600, size: 20 } }, 600],
    ['one plus poisson', { one_plus_poisson: { mean: 0.4 } }, 1.4],
    ['uniform', { uniform: { min: 3, max: 9 } }, 6],
    ['empirical with weights', { empirical: { values: [1, 2, 10], weights: [1, 1, 2] } }, 5.75],
  ]
  for (const [label, spec, expected] of cases) {
    it(`draws ${label} counts with mean ${expected} within Monte Carlo error`, () => {
      const d = compileCount(spec)
      expect(countMean(d)).toBeCloseTo(expected, 10)
      const s = new Stream(deriveMasterKey(1)).reset(0, 0, 0, 0)
      const x = Float64Array.from({ length: n }, () => sampleCount(d, s))
      const { mean, se } = meanAndError(x)
      expect(Math.abs(mean - expected)).toBeLessThanOrEqual(Z_TOLERANCE * se + 1e-12)
      expect(x.every((v) => Number.isInteger(v) && v >= 0)).toBe(true)
    })
  }

  it('gives the negative binomial variance mean + mean²/size', () => {
    const d = compileCount({ negative_binomial: { mean: 100, size: 5 } })
    const s = new Stream(deriveMasterKey(2)).reset(0, 0, 0, 0)
    const x = Float64Array.from({ length: n }, () => sampleCount(d, s))
    const { sd } = meanAndError(x)
    const variance = 100 + 100 ** 2 / 5
    // the sample variance of an NB(k=5) sample has relative standard error ~ sqrt((2 + 6/k)/n) (kurtosis)
    expect(Math.abs(sd * sd - variance) / variance).toBeLessThan(Z_TOLERANCE * Math.sqrt((2 + 6 / 5 + 1) / n))
  })

  it('scales Poisson means by the growth factor and rounds other kinds after scaling', () => {
    expect(compileCount({ poisson: { mean: 600 } }, 1.1078).a).toBeCloseTo(664.68, 9)
    const fixed = compileCount({ fixed: { value: 10 } }, 1.26)
    const s = new Stream(deriveMasterKey(1)).reset(0, 0, 0, 0)
    expect(sampleCount(fixed, s)).toBe(13)
  })
})

describe('value distributions', () => {
  const cases: [string, ValueDistributionSpec, number][] = [
    ['fixed', { fixed: { value: 5 } }, 5],
    ['lognormal by median and sigma', { lognormal: { median: 2e6, sigma: 1.2 } }, 2e6 * Math.exp(0.72)],
    ['lognormal by mean and cv', { lognormal: { mean: 3e6, cv: 0.5 } }, 3e6],
    ['gamma by shape and scale', { gamma: { shape: 2, scale: 3 } }, 6],
    ['gamma by mean and cv', { gamma: { mean: 10, cv: 0.3 } }, 10],
    ['pareto', { pareto: { scale: 100, alpha: 3 } }, 150],
    ['triangular', { triangular: { min: 1, mode: 2, max: 6 } }, 3],
    ['uniform', { uniform: { min: 2, max: 4 } }, 3],
    ['empirical', { empirical: { values: [1, 5] } }, 3],
  ]
  for (const [label, spec, expected] of cases) {
    it(`draws ${label} values with mean ${expected.toPrecision(6)} within Monte Carlo error`, () => {
      const d = compileValue(spec)
      expect(valueMean(d) / expected).toBeCloseTo(1, 10)
      const s = new Stream(deriveMasterKey(4)).reset(0, 0, 0, 0)
      const x = Float64Array.from({ length: n }, () => sampleValue(d, s))
      const { mean, se } = meanAndError(x)
      expect(Math.abs(mean - expected)).toBeLessThanOrEqual(Z_TOLERANCE * se + 1e-9 * expected)
    })
  }

  it('gives a lognormal its median: half the draws fall below it', () => {
    const d = compileValue({ lognormal: { median: 1.5e6, sigma: 1.3 } })
    const s = new Stream(deriveMasterKey(4)).reset(0, 0, 0, 1)
    let below = 0
    for (let i = 0; i < n; i++) if (sampleValue(d, s) < 1.5e6) below++
    expect(Math.abs(below / n - 0.5)).toBeLessThan(Z_TOLERANCE * Math.sqrt(0.25 / n))
  })
})

describe('distribution checks', () => {
  it('requires exactly one kind and names the choices', () => {
    expect(checkCountSpec({ growth: 0.1 } as any, 'p.applicants')[0].message).toMatch(/must name one count distribution \(one of: fixed, poisson/)
    expect(checkCountSpec({ poisson: { mean: 1 }, fixed: { value: 1 } } as any, 'x')[0].message).toBe(
      'must name exactly one count distribution, got poisson and fixed',
    )
  })

  it('asks for median with sigma, or mean with cv, but not both', () => {
    expect(checkValueSpec({ lognormal: { median: 1 } }, 'v')).toEqual([{ path: 'v.lognormal', message: 'median and sigma go together: missing sigma' }])
    expect(checkValueSpec({ lognormal: { median: 1, sigma: 1, mean: 2, cv: 1 } }, 'v')[0].message).toBe(
      'give either median and sigma, or mean and cv, not both',
    )
    expect(checkValueSpec({ lognormal: {} }, 'v')[0].message).toBe('give median and sigma, or mean and cv')
  })

  it('rejects a triangular whose mode lies outside [min, max] and weights that do not match values', () => {
    expect(checkValueSpec({ triangular: { min: 5, mode: 1, max: 9 } }, 'v')[0].message).toBe('needs min <= mode <= max, got 5, 1, 9')
    expect(checkValueSpec({ empirical: { values: [1, 2], weights: [1] } }, 'v')[0]).toEqual({
      path: 'v.empirical.weights',
      message: 'must have one weight per value (2), got 1',
    })
  })
})
