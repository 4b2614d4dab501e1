// Why: an overrun probability estimated from n trials needs an interval that stays inside [0, 1]
// and behaves at 0 or n successes; the Wilson score interval does.

/**
 * Wilson score interval for a binomial proportion x/n.
 *
 * centre = (p + z²/2n) / (1 + z²/n), half = z / (1 + z²/n) · sqrt(p(1-p)/n + z²/4n²)
 *
 * @example wilsonInterval(10, 100) // [0.0552, 0.1744] (95%)
 */
export function wilsonInterval(successes: number, n: number, z = 1.959963984540054): [number, number] {
  if (n <= 0) return [0, 1]
  const p = successes / n
  const z2 = z * z
  const denominator = 1 + z2 / n
  const centre = (p + z2 / (2 * n)) / denominator
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))
  return [Math.max(0, centre - half), Math.min(1, centre + half)]
}
