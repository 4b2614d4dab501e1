// Why: every summary row reports the same statistics of a per-trial sample; computing them in one
// place keeps the definitions (type-7 quantiles, TVaR, batch-means errors, Wilson interval) single.
// A series is described once (sorting is the cost) and measured against as many appropriations as
// the rows sharing it need.
import { quantileSorted } from 'simple-statistics'
import { BATCHES, MIN_BATCH_TRIALS, batchSpread } from './batchStandardError.js'
import { sortFloat64 } from './sortFloat64.js'
import { tailMean } from './tailMean.js'
import { wilsonInterval } from './wilsonInterval.js'

export interface SeriesStatistics {
  n: number
  mean: number
  /** Monte Carlo standard error of the mean: sd / sqrt(n) */
  mean_se: number
  sd: number
  min: number
  p05: number
  p25: number
  p50: number
  p75: number
  p90: number
  p95: number
  p99: number
  max: number
  /** value at risk at 95%: the 95th percentile */
  var95: number
  var95_se: number | null
  /** tail value at risk at 95%: mean of the worst 5% of trials */
  tvar95: number
  tvar95_se: number | null
  var99: number
  var99_se: number | null
  tvar99: number
  tvar99_se: number | null
}

export interface ExceedanceStatistics {
  appropriation: number | null
  /** P(value > appropriation) */
  p_exceed: number | null
  p_exceed_lo: number | null
  p_exceed_hi: number | null
  /** E[max(value - appropriation, 0)] */
  expected_excess: number | null
}

export type SampleStatistics = SeriesStatistics & ExceedanceStatistics

const q = (sorted: Float64Array, p: number) => quantileSorted(sorted as unknown as number[], p)

/** Working memory for describing series of up to `n` values without allocating per series. */
export function describeScratch(n: number): Float64Array {
  return new Float64Array(3 * n)
}

/**
 * Statistics of one per-trial sample (trial order), everything but the appropriation.
 *
 * mean = (sum in trial order) / n; sd from the two-pass sum of squares; mean_se = sd / sqrt(n);
 * quantiles are type 7 (NumPy's default); VaR_α = quantile α; TVaR_α = mean of the ⌈n(1-α)⌉
 * largest values; their errors are batch means over 20 contiguous batches of trials (null under
 * 200 trials, 0 for a constant sample). The batches are sorted once and merged into the full
 * order, so the whole description costs about one sort.
 *
 * @example describeSeries(Float64Array.from([1, 2, 3, 4])).p50 // 2.5
 */
export function describeSeries(values: Float64Array, scratch?: Float64Array): SeriesStatistics {
  const n = values.length
  let sum = 0
  let constant = true
  const first = values[0]
  for (let i = 0; i < n; i++) {
    sum += values[i]
    if (values[i] !== first) constant = false
  }
  const mean = sum / n
  let ss = 0
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0

  const work = scratch && scratch.length >= 3 * n ? scratch : new Float64Array(3 * n)
  const sorted = work.subarray(0, n)
  const batches = work.subarray(n, 2 * n)
  const spare = work.subarray(2 * n, 3 * n)
  let errors: Pick<SeriesStatistics, 'var95_se' | 'tvar95_se' | 'var99_se' | 'tvar99_se'>
  if (constant) {
    sorted.set(values)
    const se = n >= BATCHES * MIN_BATCH_TRIALS ? 0 : null
    errors = { var95_se: se, tvar95_se: se, var99_se: se, tvar99_se: se }
  } else if (n < BATCHES * MIN_BATCH_TRIALS) {
    sortFloat64(values, sorted, spare)
    errors = { var95_se: null, tvar95_se: null, var99_se: null, tvar99_se: null }
  } else {
    // sort each contiguous batch in place, take its statistics, then merge the batches
    batches.set(values)
    const stats = [new Float64Array(BATCHES), new Float64Array(BATCHES), new Float64Array(BATCHES), new Float64Array(BATCHES)]
    const bounds = new Int32Array(BATCHES + 1)
    for (let b = 0; b <= BATCHES; b++) bounds[b] = Math.floor((b * n) / BATCHES)
    for (let b = 0; b < BATCHES; b++) {
      const batch = batches.subarray(bounds[b], bounds[b + 1])
      sortFloat64(batch, batch, spare)
      stats[0][b] = q(batch, 0.95)
      stats[1][b] = tailMean(batch, 0.95)
      stats[2][b] = q(batch, 0.99)
      stats[3][b] = tailMean(batch, 0.99)
    }
    mergeRuns(batches, bounds, sorted, spare)
    const [v95, t95, v99, t99] = stats.map(batchSpread)
    errors = { var95_se: v95, tvar95_se: t95, var99_se: v99, tvar99_se: t99 }
  }

  return {
    n,
    mean,
    mean_se: n > 0 ? sd / Math.sqrt(n) : NaN,
    sd,
    min: sorted[0],
    p05: q(sorted, 0.05),
    p25: q(sorted, 0.25),
    p50: q(sorted, 0.5),
    p75: q(sorted, 0.75),
    p90: q(sorted, 0.9),
    p95: q(sorted, 0.95),
    p99: q(sorted, 0.99),
    max: sorted[n - 1],
    var95: q(sorted, 0.95),
    var95_se: errors.var95_se,
    tvar95: tailMean(sorted, 0.95),
    tvar95_se: errors.tvar95_se,
    var99: q(sorted, 0.99),
    var99_se: errors.var99_se,
    tvar99: tailMean(sorted, 0.99),
    tvar99_se: errors.tvar99_se,
  }
}

/**
 * P(value > appropriation) with its Wilson 95% interval, and E[max(value - appropriation, 0)];
 * all null without an appropriation.
 */
export function describeExceedance(values: Float64Array, appropriation: number | null): ExceedanceStatistics {
  if (appropriation === null) return { appropriation, p_exceed: null, p_exceed_lo: null, p_exceed_hi: null, expected_excess: null }
  const n = values.length
  let over = 0
  let excess = 0
  for (let i = 0; i < n; i++) {
    if (values[i] > appropriation) {
      over++
      excess += values[i] - appropriation
    }
  }
  const [lo, hi] = wilsonInterval(over, n)
  return { appropriation, p_exceed: over / n, p_exceed_lo: lo, p_exceed_hi: hi, expected_excess: excess / n }
}

/** Statistics of one per-trial sample against an appropriation (null for none). */
export function describeSample(values: Float64Array, appropriation: number | null, scratch?: Float64Array): SampleStatistics {
  return { ...describeSeries(values, scratch), ...describeExceedance(values, appropriation) }
}

/** Merge the sorted runs [bounds[i], bounds[i+1]) of `runs` into `out`, using `spare`. */
function mergeRuns(runs: Float64Array, bounds: Int32Array, out: Float64Array, spare: Float64Array): void {
  let src = runs
  let dst = spare
  let edges = Array.from(bounds)
  while (edges.length > 2) {
    const next: number[] = [edges[0]]
    for (let i = 0; i + 1 < edges.length; i += 2) {
      const lo = edges[i]
      const mid = edges[i + 1]
      const hi = i + 2 < edges.length ? edges[i + 2] : mid
      let a = lo
      let b = mid
      let k = lo
      while (a < mid && b < hi) dst[k++] = src[b] < src[a] ? src[b++] : src[a++]
      while (a < mid) dst[k++] = src[a++]
      while (b < hi) dst[k++] = src[b++]
      next.push(hi)
    }
    if (next[next.length - 1] !== edges[edges.length - 1]) next.push(edges[edges.length - 1])
    edges = next
    const t = src
    src = dst
    dst = t
  }
  out.set(src.subarray(0, runs.length))
}
