// Parameter paths and changed specifications: a path names a number of a run; changing it gives a
// new specification on the same seed, checked by the mechanism that owns it, equal in content to
// the scenario resolved with that override.
import { describe, expect, it } from 'vitest'
import { describeParameter, parseParameterPath, withParameters } from '../../../engine/analysis/parameterPath.js'
import { createRunSpec } from '../../../engine/run/RunSpec.js'
import { loadPresetData } from '../../../engine/scenario/presets.js'
import { resolveScenario } from '../../../engine/scenario/resolveScenario.js'

const baselineDoc = loadPresetData('guangzhou-2015-2017-baseline') as Record<string, any>
const spec = createRunSpec(resolveScenario(baselineDoc), { trials: 100 })
const path = (text: string) => parseParameterPath(text)

describe('parameter paths', () => {
  it('name a programme parameter, a number inside its value, or an appropriation, and say what they name', () => {
    expect(describeParameter(spec, path('programmes.tech-transaction-subsidy.cap'))).toMatchObject({ current: 5_000_000, integer: false, origin: 'policy', unit: 'CNY' })
    expect(describeParameter(spec, path('programmes.tech-transaction-subsidy.contract_value.lognormal.median'))).toMatchObject({ current: 1_500_000, origin: 'assumption', unit: 'CNY' })
    expect(describeParameter(spec, path('programmes.tech-transaction-subsidy.approval_rate'))).toMatchObject({ current: 0.85, unit: 'share', maximum: 1 })
    expect(describeParameter(spec, path('programmes.transfer-institution-grant.quota.per_year'))).toMatchObject({ current: 10, integer: true, unit: 'places' })
    expect(describeParameter(spec, path('programmes.torch-pilot-matching.matching.provincial.ratio'))).toMatchObject({ current: 2, unit: 'ratio' })
    expect(describeParameter(spec, path('appropriations.municipal.2017'))).toMatchObject({ current: 210_000_000, origin: 'scenario', unit: 'CNY' })
    expect(describeParameter(spec, path('appropriations.national.2017'))).toMatchObject({ current: null })
  })

  it('refuse what is not a number of the run, naming the field', () => {
    const refuse = (text: string, message: RegExp) =>
      expect(() => describeParameter(spec, parseParameterPath(text, 'ranges[3].path'), 'ranges[3].path')).toThrow(
        expect.objectContaining({ code: 'ANALYSIS_INVALID', issues: [expect.objectContaining({ path: 'ranges[3].path', message: expect.stringMatching(message) })] }),
      )
    refuse('programmes.nope.cap', /not a programme of the scenario/)
    refuse('programmes.tech-transaction-subsidy.selection', /not name a number/)
    refuse('programmes.tech-transaction-subsidy.contract_value.gamma.shape', /not a number in this run/)
    refuse('appropriations.county.2017', /not a funding level/)
    refuse('appropriations.municipal.2030', /not a year of the scenario/)
    refuse('Programmes.X', /not a parameter path/)
    refuse('cap', /starts with programmes/)
  })

  it('change a number into a new specification on the same seed, equal in content to the scenario resolved with that override', () => {
    const changed = withParameters(spec, [{ path: path('programmes.tech-transaction-subsidy.contract_value.lognormal.median'), value: 2_000_000 }])
    const doc = structuredClone(baselineDoc)
    doc.programmes['tech-transaction-subsidy'] = { contract_value: { lognormal: { median: 2_000_000, sigma: 1.3 } } }
    const resolved = createRunSpec(resolveScenario(doc), { trials: 100 })
    expect(changed.scenario_hash).toBe(resolved.scenario_hash)
    expect(changed.spec_hash).toBe(resolved.spec_hash)
    expect(changed.seed).toBe(spec.seed)
    expect(changed.programmes[0].provenance.contract_value).toMatchObject({ origin: 'scenario' })
    expect(spec.programmes[0].parameters.contract_value).toEqual({ lognormal: { median: 1_500_000, sigma: 1.3 } })
    const appropriation = withParameters(spec, [{ path: path('appropriations.municipal.2017'), value: 250_000_000 }])
    expect(appropriation.appropriations.municipal).toEqual({ 2015: 170_000_000, 2016: 190_000_000, 2017: 250_000_000 })
    expect(withParameters(spec, [], { trials: 7, seed: 'x' })).toMatchObject({ trials: 7, seed: 'x', scenario_hash: spec.scenario_hash })
  })

  it('move the other shares of a share map in proportion, so they still sum to 1', () => {
    const tiers = withParameters(spec, [{ path: path('programmes.testing-certification-award.tier_shares.national_recognition'), value: 0.5 }])
    expect(tiers.programmes.find((p) => p.id === 'testing-certification-award')!.parameters.tier_shares).toEqual({ national_recognition: 0.5, provincial_recognition: 0.5 })
    // a single funding level has no other share to take the rest
    expect(() => withParameters(spec, [{ path: path('programmes.transfer-institution-grant.funding.municipal'), value: 0.8 }])).toThrow(/shares must sum to 1/)
  })

  it('refuse a value the owning mechanism does not allow, naming the field', () => {
    expect(() => withParameters(spec, [{ path: path('programmes.tech-transaction-subsidy.approval_rate'), value: 1.4, field: 'ranges[0].high' }])).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: 'ranges[0].high', message: expect.stringMatching(/approval_rate: must be between 0 and 1/) })] }),
    )
    expect(() => withParameters(spec, [{ path: path('programmes.transfer-institution-grant.quota.per_year'), value: 2.5 }])).toThrow(/whole number/)
    expect(() => withParameters(spec, [{ path: path('appropriations.municipal.2017'), value: -1 }])).toThrow(/between 0 and 1e15/)
  })
})
