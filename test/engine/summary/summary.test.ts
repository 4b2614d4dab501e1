import { describe, expect, it } from 'vitest'
import { batchStandardError } from '../../../engine/summary/batchStandardError.js'
import { describeSample } from '../../../engine/summary/describeSample.js'
import { summarize } from '../../../engine/summary/summarize.js'
import { tailMean } from '../../../engine/summary/tailMean.js'
import { wilsonInterval } from '../../../engine/summary/wilsonInterval.js'
import { scenario, simulate } from '../../helpers/simulate.js'

describe('wilsonInterval', () => {
  it('matches the textbook interval for 10 successes in 100', () => {
    const [lo, hi] = wilsonInterval(10, 100)
    expect(lo).toBeCloseTo(0.05523, 5)
    expect(hi).toBeCloseTo(0.17437, 5)
  })

  it('stays inside [0, 1] at 0 and n successes', () => {
    expect(wilsonInterval(0, 50)[0]).toBe(0)
    expect(wilsonInterval(0, 50)[1]).toBeGreaterThan(0)
    expect(wilsonInterval(50, 50)[1]).toBe(1)
  })
})

describe('tailMean', () => {
  it('averages the ⌈n(1-α)⌉ largest values', () => {
    const x = Float64Array.from({ length: 100 }, (_, i) => i + 1)
    expect(tailMean(x, 0.95)).toBe((96 + 97 + 98 + 99 + 100) / 5)
    expect(tailMean(x, 0.99)).toBe(100)
    expect(tailMean(Float64Array.from([1, 2, 3]), 0.5)).toBe(2.5)
  })
})

describe('describeSample', () => {
  it('gives type-7 quantiles (NumPy linear) and the mean standard error', () => {
    const s = describeSample(Float64Array.from([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]), null)
    expect(s.p05).toBeCloseTo(1.45, 12)
    expect(s.p50).toBeCloseTo(5.5, 12)
    expect(s.p95).toBeCloseTo(9.55, 12)
    expect(s.var95).toBe(s.p95)
    expect(s.min).toBe(1)
    expect(s.max).toBe(10)
    expect(s.sd).toBeCloseTo(Math.sqrt(55 / 6), 12)
    expect(s.mean_se).toBeCloseTo(Math.sqrt(55 / 6) / Math.sqrt(10), 12)
    expect(s.var95_se).toBeNull()
  })

  it('counts trials over the appropriation and the expected excess', () => {
    const s = describeSample(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 8)
    expect(s.p_exceed).toBe(0.2)
    expect(s.expected_excess).toBeCloseTo((1 + 2) / 10, 12)
    expect(s.p_exceed_lo).toBeLessThan(0.2)
    expect(s.p_exceed_hi).toBeGreaterThan(0.2)
  })
})

describe('batchStandardError', () => {
  it('estimates the standard error of a mean like sd / sqrt(n) does', () => {
    // deterministic pseudo-random sample: the error of the mean by batches vs the plug-in formula
    let x = 12345
    const values = Float64Array.from({ length: 20_000 }, () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0
      return x / 2 ** 32
    })
    const mean = (s: Float64Array) => s.reduce((a, b) => a + b, 0) / s.length
    const se = batchStandardError(values, mean)!
    const plugIn = Math.sqrt(1 / 12 / values.length)
    // with 20 batches the estimate's own relative error is about 1/sqrt(2 x 19) = 16%: allow 4 x that
    expect(Math.abs(se / plugIn - 1)).toBeLessThan(4 / Math.sqrt(38))
  })
})

describe('summarize', () => {
  it('gives every year, programme and level and their totals, with counts only on all-level rows', () => {
    const s = simulate(
      scenario({
        years: [2015, 2016],
        programmes: { 'torch-pilot-matching': { years: [2015, 2016] }, 'transfer-institution-grant': {} },
        appropriations: { provincial: { 2015: 50_000_000, 2016: 50_000_000 } },
      }),
      300,
    )
    const rows = summarize(s.plan, s.columns, 300)
    const find = (year: number | null, programme: string, level: string, measure: string) =>
      rows.find((r) => r.year === year && r.programme === programme && r.level === level && r.measure === measure)
    const total = find(null, 'all', 'all', 'demand')!
    const byYear = [2015, 2016].map((y) => find(y, 'all', 'all', 'demand')!.mean)
    expect(total.mean).toBeCloseTo(byYear[0] + byYear[1], 6)
    expect(find(2015, 'torch-pilot-matching', 'provincial', 'demand')!.mean).toBeCloseTo(2 * find(2015, 'torch-pilot-matching', 'national', 'demand')!.mean, 6)
    expect(find(2015, 'all', 'provincial', 'demand')!.appropriation).toBe(50_000_000)
    expect(find(null, 'all', 'provincial', 'paid')!.appropriation).toBe(100_000_000)
    expect(find(2015, 'all', 'all', 'demand')!.appropriation).toBeNull()
    expect(find(2015, 'all', 'national', 'applicants')).toBeUndefined()
    expect(find(2015, 'transfer-institution-grant', 'all', 'recipients')!.mean).toBeLessThanOrEqual(10)
    // counts on level "all" count each programme once, not once per level
    expect(find(2015, 'torch-pilot-matching', 'all', 'applicants')!.mean).toBe(1)
    expect(find(2015, 'transfer-institution-grant', 'provincial', 'demand')).toBeUndefined()
  })
})
