// Why: a tornado moves one parameter at a time; planners also ask how much of the outlay's spread
// each assumption accounts for when all are uncertain together. Crystal Ball answers with its
// "contribution to variance": draw every assumption together, rank-correlate each with the
// forecast (Spearman), square the correlations and normalise them to sum to 1. Here the
// parameters are drawn together by a Latin hypercube over their ranges (K vectors: each
// parameter's range cut into K equal-probability strata, one draw per stratum, strata paired at
// random between parameters), each vector is simulated for a few trials on the run's draws, and
// every (vector, trial) pair is one observation of (parameter values, outlay).
import seedrandom from 'seedrandom'
import { rangeQuantile, type ParameterRange } from './ranges.js'

/** Default number of Latin hypercube vectors. */
export const DEFAULT_VECTORS = 64
/** Default trials simulated per vector. */
export const DEFAULT_TRIALS_PER_VECTOR = 32

/**
 * K vectors of parameter values: vectors[k][i] is parameter i in vector k. Parameter i's K values
 * take one uniform draw in each of the K strata of its range's probability scale, in a random
 * order (seeded: the same seed gives the same design).
 */
export function latinHypercube(ranges: Pick<ParameterRange, 'low' | 'high' | 'distribution' | 'integer'>[], vectors: number, seed: number | string): number[][] {
  const random = seedrandom.xor4096(`budget-sim:latin-hypercube:${String(seed)}`)
  const out: number[][] = Array.from({ length: vectors }, () => new Array(ranges.length).fill(0))
  ranges.forEach((range, i) => {
    const strata = Array.from({ length: vectors }, (_, k) => k)
    for (let k = vectors - 1; k > 0; k--) {
      const j = Math.floor(random.double() * (k + 1))
      ;[strata[k], strata[j]] = [strata[j], strata[k]]
    }
    for (let k = 0; k < vectors; k++) out[k][i] = rangeQuantile(range, (strata[k] + random.double()) / vectors)
  })
  return out
}

/** Ranks 1..n of `values`, ties given their average rank. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b])
  const ranks = new Float64Array(n)
  for (let i = 0; i < n; ) {
    let j = i
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++
    const rank = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) ranks[order[k]] = rank
    i = j + 1
  }
  return ranks
}

/** Pearson correlation of two samples (0 when either is constant). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length
  let mx = 0
  let my = 0
  for (let i = 0; i < n; i++) {
    mx += x[i]
    my += y[i]
  }
  mx /= n
  my /= n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my)
    sxx += (x[i] - mx) ** 2
    syy += (y[i] - my) ** 2
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0
}

/** Spearman's rank correlation (Pearson on average ranks). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(averageRanks(x), averageRanks(y))
}

export interface Contribution {
  method: string
  vectors: number
  trials_per_vector: number
  parameters: { parameter: string; rank_correlation: number; share: number }[]
}

export const CONTRIBUTION_METHOD =
  'contribution to variance (Crystal Ball): squared Spearman rank correlation between each parameter and the per-trial outlay, normalised to sum to 1; parameters drawn together by a Latin hypercube over their ranges'

/**
 * The contribution to variance of each parameter, from the design (vectors[k][i]) and the
 * per-trial outlays of each vector (outlays[k], trials_per_vector values each).
 */
export function contributionToVariance(parameters: string[], vectors: number[][], outlays: Float64Array[]): Contribution {
  const m = outlays[0]?.length ?? 0
  const n = vectors.length * m
  const y = new Float64Array(n)
  outlays.forEach((o, k) => y.set(o, k * m))
  const correlations = parameters.map((_, i) => {
    const x = new Float64Array(n)
    for (let k = 0; k < vectors.length; k++) x.fill(vectors[k][i], k * m, (k + 1) * m)
    return spearman(x, y)
  })
  const total = correlations.reduce((t, r) => t + r * r, 0)
  return {
    method: CONTRIBUTION_METHOD,
    vectors: vectors.length,
    trials_per_vector: m,
    parameters: parameters
      .map((parameter, i) => ({ parameter, rank_correlation: correlations[i], share: total > 0 ? (correlations[i] * correlations[i]) / total : 0 }))
      .sort((a, b) => b.share - a.share),
  }
}
