// Why: VaR and TVaR have no simple standard-error formula. Trials are independent and addressed
// by index, so contiguous batches of trials are independent replications: the spread of a
// statistic across batches gives its Monte Carlo standard error (batch means).

/** Number of batches used for batch-means standard errors. */
export const BATCHES = 20
/** Fewest trials per batch for which batch-means errors are reported. */
export const MIN_BATCH_TRIALS = 10

/**
 * Standard error of `statistic` by batch means: split `values` into B = 20 contiguous batches,
 * apply the statistic to each (sorted ascending), and return sd(batch statistics) / sqrt(B).
 * Returns null when there are fewer than 20 x 10 values.
 *
 * @example batchStandardError(values, (sorted) => quantileSorted(sorted, 0.95))
 */
export function batchStandardError(values: Float64Array, statistic: (sorted: Float64Array) => number, scratch?: Float64Array): number | null {
  const n = values.length
  if (n < BATCHES * MIN_BATCH_TRIALS) return null
  const buffer = scratch && scratch.length >= n ? scratch : new Float64Array(n)
  const stats = new Float64Array(BATCHES)
  for (let b = 0; b < BATCHES; b++) {
    const from = Math.floor((b * n) / BATCHES)
    const to = Math.floor(((b + 1) * n) / BATCHES)
    const batch = buffer.subarray(from, to)
    batch.set(values.subarray(from, to))
    batch.sort()
    stats[b] = statistic(batch)
  }
  return batchSpread(stats)
}

/**
 * The batch-means standard error from the B = 20 batch statistics: sd(stats) / sqrt(B), summed in
 * batch order (so every caller gets the same bits for the same statistics).
 *
 * @example batchSpread(stats) // stats.length === BATCHES
 */
export function batchSpread(stats: Float64Array): number {
  let mean = 0
  for (const s of stats) mean += s
  mean /= BATCHES
  let ss = 0
  for (const s of stats) ss += (s - mean) ** 2
  return Math.sqrt(ss / (BATCHES - 1)) / Math.sqrt(BATCHES)
}
