// Why: a tornado moves one parameter at a time; planners also ask how much of the outlay's spread
// each assumption accounts for when all are uncertain together. Crystal Ball answers with its
// "contribution to variance": draw every assumption together, rank-correlate each with the
// forecast (Spearman), square the correlations and normalise them to sum to 1. Here the
// parameters are drawn together by a Latin hypercube over their ranges (K vectors: each
// parameter's range cut into K equal-probability strata, one draw per stratum, strata paired
// between parameters so that their sample rank correlations stay small), each vector is
// simulated for a few trials on the run's draws (common random numbers: the trials' own variation
// is the same in every vector, so it hardly correlates with any parameter), and every (vector,
// trial) pair is one observation of (parameter values, outlay).
import seedrandom from 'seedrandom'
import { normalUpperQuantile } from '../distributions/upperQuantile.js'
import { rangeQuantile, type ParameterRange } from './ranges.js'

/** Default number of Latin hypercube vectors. */
export const DEFAULT_VECTORS = 128
/** Default trials simulated per vector. */
export const DEFAULT_TRIALS_PER_VECTOR = 16

/**
 * K vectors of parameter values: vectors[k][i] is parameter i in vector k. Parameter i's K values
 * take one uniform draw in each of the K strata of its range's probability scale; the strata are
 * then paired between parameters by Iman and Conover's restricted pairing (the rank order of
 * van der Waerden scores decorrelated through the Cholesky factor of their sample correlation),
 * so that the parameters' sample rank correlations stay small: with K vectors a random pairing
 * leaves spurious correlations of about 1/sqrt(K) (root mean square) between parameters, which a
 * parameter without effect would inherit from one with a large effect; this pairing leaves about a
 * quarter of that (0.26/sqrt(K), measured). Seeded: the same seed gives the same design.
 */
export function latinHypercube(ranges: Pick<ParameterRange, 'low' | 'high' | 'distribution' | 'integer'>[], vectors: number, seed: number | string): number[][] {
  const random = seedrandom.xor4096(`budget-sim:latin-hypercube:${String(seed)}`)
  const P = ranges.length
  const K = vectors
  const shuffled = (): number[] => {
    const order = Array.from({ length: K }, (_, k) => k)
    for (let k = K - 1; k > 0; k--) {
      const j = Math.floor(random.double() * (k + 1))
      ;[order[k], order[j]] = [order[j], order[k]]
    }
    return order
  }
  // each parameter's K values, ascending (one draw per stratum)
  const sorted = ranges.map((range) => Array.from({ length: K }, (_, k) => rangeQuantile(range, (k + random.double()) / K)))
  // scores: van der Waerden scores in a random order per parameter
  const scores = ranges.map(() => shuffled().map((k) => normalQuantile((k + 1) / (K + 1))))
  const decorrelated = P > 1 && K > P ? decorrelate(scores) : scores
  const out: number[][] = Array.from({ length: K }, () => new Array(P).fill(0))
  for (let i = 0; i < P; i++) {
    // the vector with the r-th smallest score takes the r-th smallest value
    const order = Array.from({ length: K }, (_, k) => k).sort((a, b) => decorrelated[i][a] - decorrelated[i][b] || a - b)
    order.forEach((k, r) => (out[k][i] = sorted[i][r]))
  }
  return out
}

/** Columns times the inverse transpose of the Cholesky factor of their correlation matrix (Iman-Conover with target correlation I). */
function decorrelate(columns: number[][]): number[][] {
  const P = columns.length
  const C = columns.map((a) => columns.map((b) => pearson(a, b)))
  // C = L L^T
  const L = C.map(() => new Array(P).fill(0))
  for (let i = 0; i < P; i++)
    for (let j = 0; j <= i; j++) {
      let sum = C[i][j]
      for (let k = 0; k < j; k++) sum -= L[i][k] * L[j][k]
      if (i === j) {
        if (!(sum > 1e-12)) return columns // singular (a degenerate design): keep the random pairing
        L[i][i] = Math.sqrt(sum)
      } else L[i][j] = sum / L[j][j]
    }
  // new column i = sum_j (L^-1)[i][j] column j: solve L y = x for each row x
  const K = columns[0].length
  const out = columns.map(() => new Array(K).fill(0))
  for (let k = 0; k < K; k++)
    for (let i = 0; i < P; i++) {
      let sum = columns[i][k]
      for (let j = 0; j < i; j++) sum -= L[i][j] * out[j][k]
      out[i][k] = sum / L[i][i]
    }
  return out
}

/** The standard normal quantile (Acklam's approximation, via the engine's upper quantile). */
function normalQuantile(p: number): number {
  return -normalUpperQuantile(p)
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
