// Why: the PTRS Poisson sampler's acceptance test needs log(k!) = logGamma(k + 1).

const COEFFS = [
  8.333333333333333e-2, -2.777777777777778e-3, 7.936507936507937e-4, -5.952380952380952e-4,
  8.417508417508418e-4, -1.917526917526918e-3, 6.410256410256410e-3, -2.955065359477124e-2,
  1.796443723688307e-1, -1.392432216905900,
]

/**
 * log Γ(x) for x > 0 by Stirling's series after shifting x to at least 7
 * (the same method as NumPy's random_loggam).
 *
 * log Γ(x) ≈ (x - 1/2) log x - x + log(2π)/2 + Σ a_k / x^(2k-1)
 *
 * @example logGamma(5) // log(24) = 3.1780538303479458
 */
export function logGamma(x: number): number {
  if (x === 1 || x === 2) return 0
  let n = 0
  if (x <= 7) n = Math.floor(7 - x)
  let x0 = x + n
  const x2 = 1 / (x0 * x0)
  let gl0 = COEFFS[9]
  for (let k = 8; k >= 0; k--) gl0 = gl0 * x2 + COEFFS[k]
  let gl = gl0 / x0 + 0.5 * Math.log(2 * Math.PI) + (x0 - 0.5) * Math.log(x0) - x0
  if (x <= 7) {
    for (let k = 1; k <= n; k++) {
      gl -= Math.log(x0 - 1)
      x0 -= 1
    }
  }
  return gl
}
