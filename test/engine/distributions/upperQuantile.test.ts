import { describe, expect, it } from 'vitest'
import { compileValue, sampleValue } from '../../../engine/distributions/ValueDistribution.js'
import {
  countUpperQuantile,
  gammaUpperQuantile,
  gammaUpperTail,
  normalUpperQuantile,
  poissonUpperQuantile,
  valueUpperQuantile,
} from '../../../engine/distributions/upperQuantile.js'
import { deriveMasterKey } from '../../../engine/random/masterKey.js'
import { Stream } from '../../../engine/random/Stream.js'

describe('normalUpperQuantile', () => {
  it('gives 5.9978 for 1 in 10^9 and 1.96 for 2.5%, symmetric about 1/2', () => {
    expect(normalUpperQuantile(1e-9)).toBeCloseTo(5.997807015, 6)
    expect(normalUpperQuantile(0.025)).toBeCloseTo(1.959963985, 6)
    expect(normalUpperQuantile(0.975)).toBeCloseTo(-1.959963985, 6)
    expect(normalUpperQuantile(0.5)).toBeCloseTo(0, 9)
  })
})

describe('gammaUpperQuantile', () => {
  it('is -ln p for shape 1 (the exponential)', () => {
    for (const p of [0.1, 1e-3, 1e-9]) expect(gammaUpperQuantile(1, p) / -Math.log(p)).toBeCloseTo(1, 9)
  })

  it('gives the chi-square table value: 10.2577 (= 20.515 / 2) for shape 2.5 at 0.1%', () => {
    expect(gammaUpperQuantile(2.5, 1e-3)).toBeCloseTo(20.515 / 2, 3)
  })

  it('inverts the upper tail for small and large shapes', () => {
    for (const k of [0.001, 0.05, 0.5, 3, 80, 5000]) {
      const x = gammaUpperQuantile(k, 1e-9)
      expect(gammaUpperTail(k, x) / 1e-9, `shape ${k}`).toBeCloseTo(1, 6)
    }
  })

  it('agrees with the engine sampler: 1% of Gamma(0.5) draws exceed its 1% quantile', () => {
    const d = compileValue({ gamma: { shape: 0.5, scale: 1 } })
    const s = new Stream(deriveMasterKey(7)).reset(0, 0, 0, 0)
    const q = gammaUpperQuantile(0.5, 0.01)
    const n = 200_000
    let above = 0
    for (let i = 0; i < n; i++) if (sampleValue(d, s) > q) above++
    const se = Math.sqrt((0.01 * 0.99) / n)
    expect(Math.abs(above / n - 0.01)).toBeLessThan(4 * se)
  })
})

describe('poissonUpperQuantile', () => {
  it('is the smallest n with P(N > n) <= p, checked against the probability mass function', () => {
    for (const mean of [0.5, 14, 600]) {
      const n = poissonUpperQuantile(mean, 1e-9)
      let pmf = Math.exp(-mean)
      let cdf = 0
      const cdfAt: number[] = []
      for (let k = 0; k <= n; k++) {
        if (k > 0) pmf *= mean / k
        cdf += pmf
        cdfAt.push(cdf)
      }
      expect(1 - cdfAt[n], `mean ${mean}`).toBeLessThanOrEqual(1e-9 * 1.0001)
      expect(1 - cdfAt[n - 1], `mean ${mean}`).toBeGreaterThan(1e-9)
    }
  })
})

describe('valueUpperQuantile and countUpperQuantile', () => {
  it('give median x e^(5.998 sigma) for a lognormal, scale x p^(-1/alpha) for a Pareto, the largest value for bounded kinds', () => {
    expect(valueUpperQuantile({ lognormal: { median: 1e6, sigma: 1 } }) / (1e6 * Math.exp(5.997807015))).toBeCloseTo(1, 6)
    expect(valueUpperQuantile({ pareto: { scale: 1000, alpha: 1.5 } })).toBeCloseTo(1000 * 1e9 ** (1 / 1.5), 0)
    expect(valueUpperQuantile({ pareto: { scale: 1e6, alpha: 0.001 } })).toBe(Infinity)
    expect(valueUpperQuantile({ uniform: { min: 1, max: 9 } })).toBe(9)
    expect(valueUpperQuantile({ empirical: { values: [1, 5e20, 3], weights: [1, 0, 1] } })).toBe(3)
    expect(countUpperQuantile({ fixed: { value: 4 } })).toBe(4)
    expect(countUpperQuantile({ one_plus_poisson: { mean: 0.5 } })).toBe(1 + poissonUpperQuantile(0.5, 1e-9))
    expect(countUpperQuantile({ negative_binomial: { mean: 600, size: 20 } })).toBeGreaterThan(poissonUpperQuantile(600, 1e-9))
  })
})
