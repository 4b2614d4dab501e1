import { describe, expect, it } from 'vitest'
import { deriveMasterKey } from '../../../engine/random/masterKey.js'
import { Stream, uniformOf } from '../../../engine/random/Stream.js'
import { Z_TOLERANCE } from '../../helpers/simulate.js'

const key = deriveMasterKey(20150827)
const draws = (s: Stream, n: number) => Array.from({ length: n }, () => s.nextU32())

describe('Stream', () => {
  it('gives the same sequence for the same master key and stream key', () => {
    const a = new Stream(key).reset(5, 2016, 123, 3)
    const b = new Stream(deriveMasterKey(20150827)).reset(5, 2016, 123, 3)
    expect(draws(a, 100)).toEqual(draws(b, 100))
  })

  it('fills a chunk with exactly the draws nextU32 gives, and goes on after them', () => {
    const a = new Stream(key).reset(3, 2017, 42, 6)
    const b = new Stream(key).reset(3, 2017, 42, 6)
    const chunk = new Uint32Array(1000)
    a.fillU32(chunk, 999)
    expect(Array.from(chunk.subarray(0, 999))).toEqual(draws(b, 999))
    expect(chunk[999]).toBe(0)
    expect(draws(a, 10)).toEqual(draws(b, 10))
  })

  it('makes of 32 bits the uniform nextFloat makes', () => {
    const a = new Stream(key).reset(1, 2, 3, 4)
    const b = new Stream(key).reset(1, 2, 3, 4)
    for (let i = 0; i < 1000; i++) expect(uniformOf(a.nextU32())).toBe(b.nextFloat())
  })

  it('restarts its sequence when re-keyed, whatever was drawn before', () => {
    const s = new Stream(key)
    const first = draws(s.reset(1, 2015, 7, 1), 10)
    draws(s, 1234)
    expect(draws(s.reset(1, 2015, 7, 1), 10)).toEqual(first)
  })

  it('gives different sequences when any part of the key or the seed differs', () => {
    const base = draws(new Stream(key).reset(1, 2015, 7, 1), 4).join()
    const variants = [
      new Stream(key).reset(2, 2015, 7, 1),
      new Stream(key).reset(1, 2016, 7, 1),
      new Stream(key).reset(1, 2015, 8, 1),
      new Stream(key).reset(1, 2015, 7, 2),
      new Stream(deriveMasterKey(20150828)).reset(1, 2015, 7, 1),
      new Stream(deriveMasterKey('20150827x')).reset(1, 2015, 7, 1),
    ]
    for (const v of variants) expect(draws(v, 4).join()).not.toEqual(base)
  })

  it('draws uniforms in the open interval (0, 1) with mean 1/2 and variance 1/12', () => {
    const s = new Stream(key).reset(0, 0, 0, 0)
    const n = 200_000
    let sum = 0
    let sumSq = 0
    let min = 1
    let max = 0
    for (let i = 0; i < n; i++) {
      const u = i % 2 === 0 ? s.nextFloat() : s.nextDouble()
      sum += u
      sumSq += u * u
      min = Math.min(min, u)
      max = Math.max(max, u)
    }
    const mean = sum / n
    // sd of U(0,1) is 1/sqrt(12); the mean's standard error is that over sqrt(n)
    expect(Math.abs(mean - 0.5)).toBeLessThan(Z_TOLERANCE / Math.sqrt(12 * n))
    const variance = sumSq / n - mean * mean
    // Var of U^2 is 4/45, so the second moment's standard error is sqrt(4/45/n)
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(Z_TOLERANCE * Math.sqrt(4 / 45 / n))
    expect(min).toBeGreaterThan(0)
    expect(max).toBeLessThan(1)
  })

  it('spreads neighbouring stream keys evenly: first draws of 100,000 trials pass a chi-square test', () => {
    const s = new Stream(key)
    const bins = new Array(64).fill(0)
    const n = 100_000
    for (let t = 0; t < n; t++) bins[s.reset(t, 2015, 1, 1).nextU32() >>> 26]++
    const expected = n / 64
    const chi2 = bins.reduce((a, o) => a + (o - expected) ** 2 / expected, 0)
    // 63 degrees of freedom: mean 63, sd sqrt(126) = 11.2; 63 + 4 sd = 108
    expect(chi2).toBeLessThan(63 + Z_TOLERANCE * Math.sqrt(126))
  })
})
