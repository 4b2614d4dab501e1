import { describe, expect, it } from 'vitest'
import { deriveMasterKey } from '../../../engine/random/masterKey.js'
import { standardGamma } from '../../../engine/random/standardGamma.js'
import { Stream } from '../../../engine/random/Stream.js'
import { Z_TOLERANCE } from '../../helpers/simulate.js'

describe('standardGamma', () => {
  for (const shape of [0.3, 1, 2.5, 20]) {
    it(`has mean and variance ${shape} for shape ${shape}`, () => {
      const s = new Stream(deriveMasterKey(9)).reset(0, 0, 0, shape * 10)
      const n = 100_000
      const x = Float64Array.from({ length: n }, () => standardGamma(s, shape))
      const mean = x.reduce((a, b) => a + b, 0) / n
      const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)
      // Gamma(k,1): variance k, fourth central moment 3k² + 6k, so se(variance) = sqrt((3k²+6k-k²)/n)
      expect(Math.abs(mean - shape)).toBeLessThan(Z_TOLERANCE * Math.sqrt(shape / n))
      expect(Math.abs(variance - shape)).toBeLessThan(Z_TOLERANCE * Math.sqrt((2 * shape * shape + 6 * shape) / n))
      expect(Math.min(...x)).toBeGreaterThan(0)
    })
  }
})
