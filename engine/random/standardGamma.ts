// Why: gamma-distributed values, and the gamma mixing variable of the negative binomial
// (overdispersed applicant counts), need a gamma sampler that takes its randomness as an argument.
import { standardNormal } from './standardNormal.js'
import type { Stream } from './Stream.js'

/**
 * A Gamma(shape, 1) deviate by Marsaglia and Tsang's method (2000); for shape < 1 the
 * boost Gamma(shape) = Gamma(shape + 1) * U^(1/shape).
 *
 * d = shape - 1/3, c = 1/sqrt(9d); repeat: x ~ N(0,1), v = (1 + c x)^3, u ~ U(0,1);
 * accept d v when log u < x²/2 + d - d v + d log v.
 *
 * @example standardGamma(stream, 2) * scale // Gamma(2, scale)
 */
export function standardGamma(s: Stream, shape: number): number {
  if (shape < 1) {
    const g = standardGamma(s, shape + 1)
    return g * Math.pow(s.nextDouble(), 1 / shape)
  }
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    let x: number
    let v: number
    do {
      x = standardNormal(s)
      v = 1 + c * x
    } while (v <= 0)
    v = v * v * v
    const u = s.nextDouble()
    if (u < 1 - 0.0331 * x * x * x * x) return d * v
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v
  }
}
