// The Latin hypercube and the rank correlations of the contribution to variance.
import { describe, expect, it } from 'vitest'
import { averageRanks, contributionToVariance, latinHypercube, spearman } from '../../../engine/analysis/contribution.js'
import { rangeQuantile, valueQuantile } from '../../../engine/analysis/ranges.js'

const uniform = (low: number, high: number) => ({ low, high, distribution: null, integer: false })

describe('the Latin hypercube', () => {
  it('puts exactly one value in each of the K equal-probability strata of every range, the same for the same seed', () => {
    const K = 50
    const design = latinHypercube([uniform(0, 1), uniform(10, 20), { low: 0, high: 0, distribution: { lognormal: { median: 1, sigma: 1 } }, integer: false }], K, 7)
    expect(design).toHaveLength(K)
    for (const [i, [low, high]] of [
      [0, [0, 1]],
      [1, [10, 20]],
    ] as const) {
      const strata = design.map((v) => Math.floor(((v[i] - low) / (high - low)) * K)).sort((a, b) => a - b)
      expect(strata).toEqual(Array.from({ length: K }, (_, k) => k))
    }
    // the distribution's values fall one in each stratum of its quantiles
    const edges = Array.from({ length: K + 1 }, (_, k) => (k === 0 ? 0 : k === K ? Infinity : valueQuantile({ lognormal: { median: 1, sigma: 1 } }, k / K)))
    const strata = design.map((v) => edges.findIndex((e, k) => v[2] >= e && v[2] < edges[k + 1])).sort((a, b) => a - b)
    expect(strata).toEqual(Array.from({ length: K }, (_, k) => k))
    expect(latinHypercube([uniform(0, 1), uniform(10, 20)], K, 7)).toEqual(latinHypercube([uniform(0, 1), uniform(10, 20)], K, 7))
  })

  it('pairs the strata so the parameters’ rank correlations stay well below the 1/sqrt(K) a random pairing leaves (Iman-Conover)', () => {
    const K = 128
    const design = latinHypercube(Array.from({ length: 6 }, () => uniform(0, 1)), K, 'x')
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < i; j++) expect(Math.abs(spearman(design.map((v) => v[i]), design.map((v) => v[j])))).toBeLessThan(1 / Math.sqrt(K))
  })
})

describe('rank correlations', () => {
  it('give ties their average rank, and Spearman’s rho of monotone relations is 1 or -1', () => {
    expect([...averageRanks([10, 20, 20, 5])]).toEqual([2, 3.5, 3.5, 1])
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 12)
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12)
  })

  it('split the variance by normalised squared correlations, largest first', () => {
    // y = 3 a + b: a's share dominates, c (no effect) gets about nothing
    const design = latinHypercube([uniform(0, 1), uniform(0, 1), uniform(0, 1)], 64, 3)
    const outlays = design.map((v) => Float64Array.from([3 * v[0] + v[1], 3 * v[0] + v[1]]))
    const c = contributionToVariance(['a', 'b', 'c'], design, outlays)
    expect(c.parameters.map((p) => p.parameter)).toEqual(['a', 'b', 'c'])
    expect(c.parameters.reduce((t, p) => t + p.share, 0)).toBeCloseTo(1, 12)
    expect(c.parameters[0].share).toBeGreaterThan(0.8)
    expect(c.parameters[2].share).toBeLessThan(0.01)
    expect(c).toMatchObject({ vectors: 64, trials_per_vector: 2 })
  })

  it('take a whole-number range’s values as whole numbers', () => {
    for (const u of [0.01, 0.5, 0.99]) expect(Number.isInteger(rangeQuantile({ low: 5, high: 15, distribution: null, integer: true }, u))).toBe(true)
  })
})
