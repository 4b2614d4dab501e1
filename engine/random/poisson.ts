// Why: applicant counts and contracts per applicant are Poisson (or Poisson mixtures). Small
// means use inversion with exactly one uniform per draw, so a stream's consumption never depends
// on the mean (a reform that changes a mean keeps every later draw of the stream in place);
// large means use Hörmann's PTRS, whose cost does not grow with the mean.
import { logGamma } from './logGamma.js'
import type { Stream } from './Stream.js'

/** Means at or below this use inversion; above it, PTRS. */
export const POISSON_INVERSION_LIMIT = 30

/**
 * A Poisson(λ) deviate by inversion from one 32-bit uniform, for λ <= 30.
 * expNegLambda must be e^-λ (precomputed by the caller, once per mean).
 *
 * k = min{k : u <= Σ_{i<=k} e^-λ λ^i / i!}
 *
 * @example poissonInversion(stream, 0.4, Math.exp(-0.4)) // 0 with probability 0.67
 */
export function poissonInversion(s: Stream, lambda: number, expNegLambda: number): number {
  return poissonQuantile(s.nextFloat(), lambda, expNegLambda)
}

/**
 * The Poisson(λ) deviate that inversion makes of the uniform u (what poissonInversion does with
 * its one draw), for kernels that fill their uniforms a chunk at a time.
 *
 * @example poissonQuantile(0.5, 0.4, Math.exp(-0.4)) // 0
 */
export function poissonQuantile(u: number, lambda: number, expNegLambda: number): number {
  let k = 0
  let p = expNegLambda
  let cdf = p
  while (u > cdf && k < 1000) {
    k++
    p *= lambda / k
    cdf += p
    if (p === 0) break
  }
  return k
}

/**
 * A Poisson(λ) deviate by the PTRS transformed rejection method (Hörmann 1993), for λ >= 10.
 * Uses about 2.3 uniforms per draw on average.
 *
 * @example poissonPtrs(stream, 2000) // mean 2000, variance 2000
 */
export function poissonPtrs(s: Stream, lambda: number): number {
  const slam = Math.sqrt(lambda)
  const loglam = Math.log(lambda)
  const b = 0.931 + 2.53 * slam
  const a = -0.059 + 0.02483 * b
  const invalpha = 1.1239 + 1.1328 / (b - 3.4)
  const vr = 0.9277 - 3.6224 / (b - 2)
  for (;;) {
    const U = s.nextDouble() - 0.5
    const V = s.nextDouble()
    const us = 0.5 - Math.abs(U)
    const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43)
    if (us >= 0.07 && V <= vr) return k
    if (k < 0 || (us < 0.013 && V > us)) continue
    if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) {
      return k
    }
  }
}

/**
 * A Poisson(λ) deviate, choosing inversion (λ <= 30) or PTRS (λ > 30).
 *
 * @example poisson(stream, 600)
 */
export function poisson(s: Stream, lambda: number): number {
  if (lambda <= 0) return 0
  if (lambda <= POISSON_INVERSION_LIMIT) return poissonInversion(s, lambda, Math.exp(-lambda))
  return poissonPtrs(s, lambda)
}
