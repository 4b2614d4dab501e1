// Why: the planner's charts show a distribution: its histogram, its exceedance curve
// (P(outlay > x) = 1 - ECDF) and a few quantiles, computed once on the server from the per-trial
// values rather than shipping every trial to the browser.
import { quantileSorted } from 'simple-statistics'

export interface Distribution {
  n: number
  mean: number
  mean_se: number
  min: number
  max: number
  quantiles: Record<'p05' | 'p25' | 'p50' | 'p75' | 'p95' | 'p99', number>
  /** counts per bin; `below` and `above` count values outside a fixed range */
  histogram: { edges: number[]; counts: number[]; below: number; above: number }
  /** points of the exceedance curve: P(value > x) */
  exceedance: { x: number; p: number }[]
}

/**
 * Describe a sample for plotting: `bins` equal-width bins between min and max (or over a fixed
 * `range`, so two samples can share bins), and at most `points` points of the exceedance curve
 * (at evenly spaced ranks, plus the extremes).
 */
export function distribution(values: Float64Array, bins = 40, points = 200, range?: [number, number]): Distribution {
  const n = values.length
  const sorted = Float64Array.from(values).sort()
  let sum = 0
  for (const v of sorted) sum += v
  const mean = sum / n
  let ss = 0
  for (const v of sorted) ss += (v - mean) ** 2
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0
  const min = sorted[0]
  const max = sorted[n - 1]
  const [lo, hi] = range ?? [min, max]
  const width = hi > lo ? (hi - lo) / bins : 1
  const edges = Array.from({ length: bins + 1 }, (_, i) => (hi > lo ? lo + i * width : lo - 0.5 + i / bins))
  const counts = new Array(bins).fill(0)
  let below = 0
  let above = 0
  for (const v of sorted) {
    if (range && v < lo) below++
    else if (range && v > hi) above++
    else counts[Math.min(bins - 1, Math.max(0, Math.floor((v - edges[0]) / (edges[1] - edges[0]))))]++
  }
  const exceedance: { x: number; p: number }[] = []
  const step = Math.max(1, Math.floor(n / points))
  for (let i = 0; i < n; i += step) exceedance.push({ x: sorted[i], p: (n - 1 - i) / n })
  if (exceedance.at(-1)!.x !== max) exceedance.push({ x: max, p: 0 })
  const q = (p: number) => quantileSorted(sorted as unknown as number[], p)
  return {
    n,
    mean,
    mean_se: n > 0 ? sd / Math.sqrt(n) : 0,
    min,
    max,
    quantiles: { p05: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95), p99: q(0.99) },
    histogram: { edges, counts, below, above },
    exceedance,
  }
}
