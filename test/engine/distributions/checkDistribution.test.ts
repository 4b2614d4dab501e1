import { describe, expect, it } from 'vitest'
import { checkCountSpec, checkHeavyTail, checkValueMagnitude, checkValueSpec } from '../../../engine/distributions/checkDistribution.js'
import { compileCount, sampleCount } from '../../../engine/distributions/CountDistribution.js'
import { compileValue, sampleValue } from '../../../engine/distributions/ValueDistribution.js'
import { deriveMasterKey } from '../../../engine/random/masterKey.js'
import { Stream } from '../../../engine/random/Stream.js'

const stream = () => new Stream(deriveMasterKey(3)).reset(0, 0, 0, 0)

describe('gamma shapes whose draws underflow', () => {
  it('are what the sampler turns into zeros: 10,000 draws of Gamma(shape 1e-12) with mean 1e15 are all 0', () => {
    const d = compileValue({ gamma: { mean: 1e15, cv: 1e6 } })
    const s = stream()
    let nonZero = 0
    for (let i = 0; i < 10_000; i++) if (sampleValue(d, s) > 0) nonZero++
    expect(nonZero).toBe(0)
  })

  it('are rejected by shape (below 0.001) and by cv (above 31.623), naming the field', () => {
    expect(checkValueSpec({ gamma: { shape: 1e-12, scale: 1e6 } }, 'x')).toEqual([
      { path: 'x.gamma.shape', message: expect.stringMatching(/^must be at least 0\.001 \(below that shape draws are 0 almost always.*\), got 1e-12$/) },
    ])
    expect(checkValueSpec({ gamma: { mean: 1e15, cv: 1e6 } }, 'x')).toEqual([
      { path: 'x.gamma.cv', message: expect.stringMatching(/^must be at most 31\.623 \(a larger cv means a gamma shape 1\/cv² below 0\.001; .*\), got 1000000$/) },
    ])
    expect(checkValueSpec({ gamma: { shape: 0.001, scale: 1e6 } }, 'x')).toEqual([])
    expect(checkValueSpec({ gamma: { mean: 1e6, cv: 31 } }, 'x')).toEqual([])
  })

  it('are rejected as negative binomial sizes too, whose counts would all be 0', () => {
    const d = compileCount({ negative_binomial: { mean: 600, size: 1e-12 } })
    const s = stream()
    let total = 0
    for (let i = 0; i < 10_000; i++) total += sampleCount(d, s)
    expect(total).toBe(0)
    expect(checkCountSpec({ negative_binomial: { mean: 600, size: 1e-12 } }, 'a')).toEqual([
      { path: 'a.negative_binomial.size', message: expect.stringMatching(/^must be at least 0\.001 .*, got 1e-12$/) },
    ])
  })
})

describe('checkValueMagnitude', () => {
  it('rejects a lognormal whose 1-in-10^9 draw is beyond 1e15 CNY and says what would fit', () => {
    expect(checkValueMagnitude({ lognormal: { median: 1e15, sigma: 10 } }, 'p.contract_value')).toEqual([
      { path: 'p.contract_value.lognormal', message: 'must keep its 1-in-10^9 upper draw within the money limit of 1e15 CNY, got 1.12e41 CNY' },
    ])
    expect(checkValueMagnitude({ lognormal: { median: 1e12, sigma: 2 } }, 'p.basis')).toEqual([
      {
        path: 'p.basis.lognormal',
        message: 'must keep its 1-in-10^9 upper draw within the money limit of 1e15 CNY, got 1.62e17 CNY; with median 1e12, sigma at most 1.152, or with sigma 2, median at most 6.17e9 CNY would fit',
      },
    ])
    expect(checkValueMagnitude({ lognormal: { median: 1.5e6, sigma: 1.3 } }, 'p')).toEqual([])
  })

  it('rejects a Pareto that overflows a double and bounded kinds with a value beyond the limit', () => {
    expect(checkValueMagnitude({ pareto: { scale: 1e6, alpha: 0.001 } }, 'p')).toEqual([
      {
        path: 'p.pareto',
        message: 'must keep its 1-in-10^9 upper draw within the money limit of 1e15 CNY, got a value that overflows a double (Infinity); with scale 1000000, alpha at least 1.001 would fit',
      },
    ])
    expect(checkValueMagnitude({ uniform: { min: 0, max: 1e300 } }, 'p')).toEqual([{ path: 'p.uniform', message: 'must keep every value within the money limit of 1e15 CNY, got 1e300 CNY' }])
    expect(checkValueMagnitude({ fixed: { value: 1e15 } }, 'p')).toEqual([])
  })

  it('checks matching ratios against their own limit, without a currency', () => {
    expect(checkValueMagnitude({ lognormal: { median: 2, sigma: 2 } }, 'r', 1000, 'the largest matching ratio, 1000', '')).toEqual([
      {
        path: 'r.lognormal',
        message: 'must keep its 1-in-10^9 upper draw within the largest matching ratio, 1000, got 324085.034; with median 2, sigma at most 1.036, or with sigma 2, median at most 0.006 would fit',
      },
    ])
  })
})

describe('checkHeavyTail', () => {
  it('names a Pareto alpha without a mean (<= 1) or a variance (<= 2), and passes alpha above 2 and other kinds', () => {
    expect(checkHeavyTail({ pareto: { scale: 1, alpha: 0.001 } }, 'p', 'x is exposed', 'fix it')).toEqual([
      { path: 'p.pareto.alpha', message: 'must be above 2 when x is exposed: a Pareto with alpha <= 1 has no finite mean; fix it, got 0.001' },
    ])
    expect(checkHeavyTail({ pareto: { scale: 1, alpha: 1.5 } }, 'p', 'x is exposed', 'fix it')[0].message).toMatch(/no finite variance, so the mean has no standard error/)
    expect(checkHeavyTail({ pareto: { scale: 1, alpha: 2.5 } }, 'p', 'x', 'y')).toEqual([])
    expect(checkHeavyTail({ lognormal: { median: 1, sigma: 3 } }, 'p', 'x', 'y')).toEqual([])
  })
})
