// Why: TVaR (the expected outlay in the worst years) is the mean of the upper tail of the sorted
// trial outcomes.

/**
 * Mean of the ⌈n(1-α)⌉ largest values of an ascending-sorted array (TVaR at level α).
 *
 * @example tailMean(Float64Array.from([1, 2, 3, 4]), 0.5) // 3.5
 */
export function tailMean(sorted: ArrayLike<number>, alpha: number): number {
  const n = sorted.length
  if (n === 0) return NaN
  const k = Math.max(1, Math.ceil(n * (1 - alpha) - 1e-9))
  let sum = 0
  for (let i = n - k; i < n; i++) sum += sorted[i]
  return sum / k
}
