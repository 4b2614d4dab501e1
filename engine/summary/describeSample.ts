// Why: every summary row reports the same statistics of a per-trial sample; computing them in one
// place keeps the definitions (type-7 quantiles, TVaR, batch-means errors, Wilson interval) single.
import { quantileSorted } from 'simple-statistics'
import { batchStandardError } from './batchStandardError.js'
import { tailMean } from './tailMean.js'
import { wilsonInterval } from './wilsonInterval.js'

export interface SampleStatistics {
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
  appropriation: number | null
  /** P(value > appropriation) */
  p_exceed: number | null
  p_exceed_lo: number | null
  p_exceed_hi: number | null
  /** E[max(value - appropriation, 0)] */
  expected_excess: number | null
}

const q = (p: number) => (sorted: Float64Array) => quantileSorted(sorted as unknown as number[], p)
const tail = (a: number) => (sorted: Float64Array) => tailMean(sorted, a)

/**
 * Statistics of one per-trial sample (trial order). `scratch` (length >= 2n) avoids allocation.
 *
 * mean_se = s / sqrt(n); quantiles are type 7 (NumPy's default); VaR_α = quantile α;
 * TVaR_α = mean of the ⌈n(1-α)⌉ largest values; their errors are batch means over 20 batches.
 */
export function describeSample(values: Float64Array, appropriation: number | null, scratch?: Float64Array): SampleStatistics {
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

  const work = scratch && scratch.length >= 2 * n ? scratch : new Float64Array(2 * n)
  const sorted = work.subarray(0, n)
  sorted.set(values)
  if (!constant) sorted.sort()
  const errorScratch = work.subarray(n, 2 * n)
  const se = (f: (s: Float64Array) => number) => (constant ? (n >= 200 ? 0 : null) : batchStandardError(values, f, errorScratch))

  let exceed: Pick<SampleStatistics, 'p_exceed' | 'p_exceed_lo' | 'p_exceed_hi' | 'expected_excess'> = {
    p_exceed: null,
    p_exceed_lo: null,
    p_exceed_hi: null,
    expected_excess: null,
  }
  if (appropriation !== null) {
    let over = 0
    let excess = 0
    for (let i = 0; i < n; i++) {
      if (values[i] > appropriation) {
        over++
        excess += values[i] - appropriation
      }
    }
    const [lo, hi] = wilsonInterval(over, n)
    exceed = { p_exceed: over / n, p_exceed_lo: lo, p_exceed_hi: hi, expected_excess: excess / n }
  }

  return {
    n,
    mean,
    mean_se: n > 0 ? sd / Math.sqrt(n) : NaN,
    sd,
    min: sorted[0],
    p05: q(0.05)(sorted),
    p25: q(0.25)(sorted),
    p50: q(0.5)(sorted),
    p75: q(0.75)(sorted),
    p90: q(0.9)(sorted),
    p95: q(0.95)(sorted),
    p99: q(0.99)(sorted),
    max: sorted[n - 1],
    var95: q(0.95)(sorted),
    var95_se: se(q(0.95)),
    tvar95: tailMean(sorted, 0.95),
    tvar95_se: se(tail(0.95)),
    var99: q(0.99)(sorted),
    var99_se: se(q(0.99)),
    tvar99: tailMean(sorted, 0.99),
    tvar99_se: se(tail(0.99)),
    appropriation,
    ...exceed,
  }
}
