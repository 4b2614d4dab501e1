import { describe, expect, it } from 'vitest'
import { deriveMasterKey } from '../../../engine/random/masterKey.js'
import { standardNormal } from '../../../engine/random/standardNormal.js'
import { Stream } from '../../../engine/random/Stream.js'
import { Z_TOLERANCE } from '../../helpers/simulate.js'

/** Standard normal CDF via erfc (Abramowitz-Stegun 7.1.26 is too coarse; use a series). */
function phi(x: number): number {
  // W. J. Cody's rational approximation through erf; adequate to ~1e-12 here
  const t = 1 / (1 + 0.5 * Math.abs(x) / Math.SQRT2)
  const y =
    t *
    Math.exp(
      -(x * x) / 2 -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  return x >= 0 ? 1 - y / 2 : y / 2
}

describe('standardNormal', () => {
  const n = 400_000
  const s = new Stream(deriveMasterKey(7)).reset(0, 0, 0, 0)
  const z = Float64Array.from({ length: n }, () => standardNormal(s))

  it('has mean 0 and variance 1 within Monte Carlo error', () => {
    let sum = 0
    let sumSq = 0
    for (const v of z) {
      sum += v
      sumSq += v * v
    }
    const mean = sum / n
    const variance = sumSq / n - mean * mean
    expect(Math.abs(mean)).toBeLessThan(Z_TOLERANCE / Math.sqrt(n))
    // Var(Z^2) = 2, so the variance estimate's standard error is sqrt(2/n)
    expect(Math.abs(variance - 1)).toBeLessThan(Z_TOLERANCE * Math.sqrt(2 / n))
  })

  it('puts the right mass in the body, the wedges and the tail beyond the ziggurat base (3.4426)', () => {
    for (const x of [-3.6, -2, -1, -0.3, 0, 0.5, 1.5, 2.5, 3.4426, 3.8]) {
      let below = 0
      for (const v of z) if (v <= x) below++
      const p = phi(x)
      // binomial standard error of an empirical CDF value
      const se = Math.sqrt((p * (1 - p)) / n)
      expect(Math.abs(below / n - p), `CDF at ${x}`).toBeLessThan(Z_TOLERANCE * se + 1e-7)
    }
  })

  it('is symmetric: as many draws above 3 as below -3, within binomial error', () => {
    let hi = 0
    let lo = 0
    for (const v of z) {
      if (v > 3) hi++
      if (v < -3) lo++
    }
    expect(Math.abs(hi - lo)).toBeLessThan(Z_TOLERANCE * Math.sqrt(hi + lo))
  })
})
