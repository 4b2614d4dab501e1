import { describe, expect, it } from 'vitest'
import { logGamma } from '../../../engine/random/logGamma.js'
import { deriveMasterKey } from '../../../engine/random/masterKey.js'
import { poisson, poissonInversion, poissonPtrs, poissonQuantile } from '../../../engine/random/poisson.js'
import { Stream } from '../../../engine/random/Stream.js'
import { Z_TOLERANCE } from '../../helpers/simulate.js'

function moments(sample: number[]) {
  const n = sample.length
  const mean = sample.reduce((a, b) => a + b, 0) / n
  const variance = sample.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)
  return { mean, variance }
}

describe('poisson', () => {
  it('by inversion uses exactly one uniform per draw, whatever the mean', () => {
    for (const lambda of [0.4, 3, 25]) {
      const a = new Stream(deriveMasterKey(3)).reset(0, 0, 0, 0)
      const b = new Stream(deriveMasterKey(3)).reset(0, 0, 0, 0)
      for (let i = 0; i < 1000; i++) poissonInversion(a, lambda, Math.exp(-lambda))
      for (let i = 0; i < 1000; i++) b.nextFloat()
      expect(a.nextU32()).toBe(b.nextU32())
    }
  })

  it('by inversion gives the quantile of its one uniform', () => {
    for (const lambda of [0.4, 3, 25]) {
      const a = new Stream(deriveMasterKey(5)).reset(0, 0, 0, 0)
      const b = new Stream(deriveMasterKey(5)).reset(0, 0, 0, 0)
      for (let i = 0; i < 1000; i++) expect(poissonInversion(a, lambda, Math.exp(-lambda))).toBe(poissonQuantile(b.nextFloat(), lambda, Math.exp(-lambda)))
    }
  })

  for (const lambda of [0.4, 5, 29.5, 30.5, 600, 2000]) {
    it(`has mean and variance ${lambda} (λ = ${lambda}) within Monte Carlo error`, () => {
      const s = new Stream(deriveMasterKey(11)).reset(1, 2, 3, 4)
      const n = 100_000
      const sample = Array.from({ length: n }, () => poisson(s, lambda))
      const { mean, variance } = moments(sample)
      // se(mean) = sqrt(λ/n); se(variance) ≈ sqrt((2λ² + λ)/n) for a Poisson sample
      expect(Math.abs(mean - lambda)).toBeLessThan(Z_TOLERANCE * Math.sqrt(lambda / n))
      expect(Math.abs(variance - lambda)).toBeLessThan(Z_TOLERANCE * Math.sqrt((2 * lambda * lambda + lambda) / n))
    })
  }

  it('PTRS matches the Poisson(40) probabilities (chi-square over 0..80)', () => {
    const lambda = 40
    const s = new Stream(deriveMasterKey(5)).reset(0, 0, 0, 0)
    const n = 200_000
    const counts = new Map<number, number>()
    for (let i = 0; i < n; i++) {
      const k = poissonPtrs(s, lambda)
      counts.set(k, (counts.get(k) ?? 0) + 1)
    }
    let chi2 = 0
    let cells = 0
    for (let k = 20; k <= 60; k++) {
      const p = Math.exp(-lambda + k * Math.log(lambda) - logGamma(k + 1))
      const expected = n * p
      chi2 += ((counts.get(k) ?? 0) - expected) ** 2 / expected
      cells++
    }
    // chi-square with `cells` degrees of freedom: mean cells, sd sqrt(2 cells)
    expect(chi2).toBeLessThan(cells + Z_TOLERANCE * Math.sqrt(2 * cells))
  })
})

describe('logGamma', () => {
  it('equals log((n-1)!) for whole numbers and log(sqrt(pi)) at 1/2', () => {
    let logFactorial = 0
    for (let n = 1; n <= 30; n++) {
      expect(logGamma(n)).toBeCloseTo(logFactorial, 10)
      logFactorial += Math.log(n)
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 10)
  })
})
