// Figures and their errors: the paired error of a difference from per-trial differences (mean)
// or batch means (p95, p_exceed), and the seeded ranges of a run.
import { describe, expect, it } from 'vitest'
import { rangedParameters, valueQuantile } from '../../../engine/analysis/ranges.js'
import { crossesZero, estimate, pairedDifference } from '../../../engine/analysis/target.js'
import { loadCatalogue } from '../../../engine/policy/loadCatalogue.js'
import { createRunSpec } from '../../../engine/run/RunSpec.js'
import { loadPresetData } from '../../../engine/scenario/presets.js'
import { resolveScenario } from '../../../engine/scenario/resolveScenario.js'
import { rangedSeedsDir, SEEDED_RANGES } from '../../helpers/rangedSeeds.js'

describe('paired errors', () => {
  const n = 400
  const a = Float64Array.from({ length: n }, (_, i) => 100 + ((i * 7919) % 97))
  const b = a.map((x, i) => x + 5 + ((i * 31) % 3))

  it('of the mean: the sd of the per-trial differences / sqrt(n), the difference that of the two means', () => {
    const d = pairedDifference(a, b, 'mean', null)
    const diffs = b.map((x, i) => x - a[i])
    const m = diffs.reduce((s, x) => s + x, 0) / n
    const sd = Math.sqrt(diffs.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1))
    expect(d.se).toBeCloseTo(sd / Math.sqrt(n), 12)
    expect(d.difference).toBe(estimate(b, 'mean', null).value - estimate(a, 'mean', null).value)
    expect(crossesZero(d.difference, d.se)).toBe(false)
    expect(crossesZero(0, 0)).toBe(true)
    expect(crossesZero(1, null)).toBeNull()
  })

  it('of p95 and p_exceed: batch means over 20 contiguous batches, null under 200 trials', () => {
    const p95 = pairedDifference(a, b, 'p95', null)
    expect(p95.se).not.toBeNull()
    const exceed = pairedDifference(a, b, 'p_exceed', 150, 150)
    expect(exceed.difference).toBeGreaterThan(0)
    expect(exceed.se).not.toBeNull()
    expect(pairedDifference(a.subarray(0, 100), b.subarray(0, 100), 'p95', null).se).toBeNull()
    expect(() => estimate(a, 'p_exceed', null)).toThrow(expect.objectContaining({ code: 'NO_APPROPRIATION' }))
  })
})

describe('ranged parameters', () => {
  it('are the assumptions whose seeds give ranges, with their rationale; a scenario-set value is not ranged; requested ranges join them', () => {
    const catalogue = loadCatalogue(rangedSeedsDir())
    const baseline = loadPresetData('guangzhou-2015-2017-baseline') as Record<string, any>
    const spec = createRunSpec(resolveScenario(baseline, { catalogue }))
    const ranges = rangedParameters(spec, { catalogue, requested: [{ path: 'programmes.tech-transaction-subsidy.cap', low: 1e6, high: 9e6 }] })
    expect(ranges.map((r) => [r.parameter, r.source, r.low, r.high])).toEqual([
      ['programmes.tech-transaction-subsidy.applicants.poisson.mean', 'seed', 450, 750],
      ['programmes.tech-transaction-subsidy.contract_value.lognormal.median', 'seed', SEEDED_RANGES.median.low, SEEDED_RANGES.median.high],
      ['programmes.transfer-institution-grant.funding.municipal', 'seed', 0.8, 1],
      ['programmes.testing-certification-award.tier_shares.national_recognition', 'seed', 0.15, 0.5],
      ['programmes.tech-transaction-subsidy.cap', 'request', 1e6, 9e6],
    ])
    expect(ranges[1]).toMatchObject({ origin: 'assumption', rationale: SEEDED_RANGES.median.rationale, base: 1_500_000 })
    // the scenario sets the contract values: no longer the seed's assumption, so not ranged
    const doc = structuredClone(baseline)
    doc.programmes['tech-transaction-subsidy'] = { contract_value: { lognormal: { median: 2e6, sigma: 1 } } }
    const own = rangedParameters(createRunSpec(resolveScenario(doc, { catalogue })), { catalogue })
    expect(own.map((r) => r.parameter).filter((p) => p.includes('tech-transaction'))).toEqual(['programmes.tech-transaction-subsidy.applicants.poisson.mean'])
  })

  it('take a distribution range’s 10th and 90th percentiles for the tornado', () => {
    expect(valueQuantile({ uniform: { min: 0, max: 10 } }, 0.1)).toBeCloseTo(1, 12)
    expect(valueQuantile({ lognormal: { median: 100, sigma: 1 } }, 0.5)).toBeCloseTo(100, 6)
    expect(valueQuantile({ lognormal: { median: 100, sigma: 1 } }, 0.9)).toBeCloseTo(100 * Math.exp(1.2815515655), 4)
    expect(valueQuantile({ triangular: { min: 0, mode: 0, max: 1 } }, 0.75)).toBeCloseTo(0.5, 12)
    expect(valueQuantile({ empirical: { values: [3, 1, 2] } }, 0.5)).toBe(2)
  })
})
