import { describe, expect, it } from 'vitest'
import { BudgetSimError } from '../../../engine/errors.js'
import { listPresets, loadPresetData } from '../../../engine/scenario/presets.js'
import { resolveScenario } from '../../../engine/scenario/resolveScenario.js'
import { scenario, simulate } from '../../helpers/simulate.js'

function issuesOf(f: () => unknown): { path: string; message: string }[] {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(BudgetSimError)
    expect((e as BudgetSimError).code).toBe('SCENARIO_INVALID')
    return (e as BudgetSimError).issues
  }
  throw new Error('expected an error')
}

const tech = (over: Record<string, unknown>) => scenario({ programmes: { 'tech-transaction-subsidy': over as any } })
const at = 'programmes.tech-transaction-subsidy'

describe('numerically honest programmes', () => {
  it('reject an uncapped Pareto without a mean (alpha 0.001), which used to finish with null means', () => {
    expect(issuesOf(() => resolveScenario(tech({ cap: null, contract_value: { pareto: { scale: 1e6, alpha: 0.001 } } })))).toEqual([
      {
        path: `${at}.contract_value.pareto.alpha`,
        message: 'must be above 2 when the entitlement is not capped (cap: null): a Pareto with alpha <= 1 has no finite mean; set a cap, or give alpha above 2, got 0.001',
      },
    ])
  })

  it('reject an uncapped Pareto without a variance (alpha 1.5), and accept it under a cap when its draws stay within the money limit', () => {
    expect(issuesOf(() => resolveScenario(tech({ cap: null, contract_value: { pareto: { scale: 1e5, alpha: 1.5 } } })))[0]).toMatchObject({
      path: `${at}.contract_value.pareto.alpha`,
      message: expect.stringMatching(/no finite variance, so the mean has no standard error; .* got 1\.5$/),
    })
    const capped = resolveScenario(tech({ cap: 5e6, contract_value: { pareto: { scale: 1e5, alpha: 1.5 } } }))
    expect(capped.programmes[0].parameters.cap).toBe(5e6)
  })

  it('reject gamma {mean: 1e15, cv: 1e6}, whose draws are all 0', () => {
    expect(issuesOf(() => resolveScenario(tech({ contract_value: { gamma: { mean: 1e15, cv: 1e6 } } })))).toEqual([
      { path: `${at}.contract_value.gamma.cv`, message: expect.stringMatching(/^must be at most 31\.623 .*, got 1000000$/) },
    ])
  })

  it('reject lognormal {median: 1e15, sigma: 10}, whose plausible draws reach 1e41 CNY, capped or not', () => {
    for (const cap of [null, 5e6])
      expect(issuesOf(() => resolveScenario(tech({ cap, contract_value: { lognormal: { median: 1e15, sigma: 10 } } })))).toEqual([
        { path: `${at}.contract_value.lognormal`, message: 'must keep its 1-in-10^9 upper draw within the money limit of 1e15 CNY, got 1.12e41 CNY' },
      ])
  })

  it('reject an uncapped entitlement beyond the money limit (rate x plausible basis), naming the rate and the rate that would fit', () => {
    const doc = tech({ cap: null, contracts_per_applicant: { poisson: { mean: 1e5 } }, contract_value: { lognormal: { median: 1e12, sigma: 0.5 } } })
    expect(issuesOf(() => resolveScenario(doc))).toEqual([
      {
        path: `${at}.rate`,
        message:
          'must keep an uncapped entitlement (cap: null) within the money limit of 1e15 CNY, got 5.77e15 CNY (rate 0.05 x a plausible basis of 1.15e17 CNY from up to 101902 contracts); set a cap, or a rate at most 0.009',
      },
    ])
    // the same programme under its seeded cap is fine
    expect(() => resolveScenario(tech({ contracts_per_applicant: { poisson: { mean: 1e5 } }, contract_value: { lognormal: { median: 1e12, sigma: 0.5 } } }))).not.toThrow()
  })

  it('reject a matching ratio distribution with a heavy tail or plausible draws above 1000', () => {
    const torch = (ratio: unknown) => scenario({ programmes: { 'torch-pilot-matching': { matching: { provincial: { of: 'national', ratio } } } as any } })
    expect(issuesOf(() => resolveScenario(torch({ pareto: { scale: 1, alpha: 1.5 } })))).toEqual([
      {
        path: 'programmes.torch-pilot-matching.matching.provincial.ratio.pareto.alpha',
        message: 'must be above 2 when it is a matching ratio (matching has no cap): a Pareto with alpha <= 2 has no finite variance, so the mean has no standard error; give alpha above 2, got 1.5',
      },
    ])
    expect(issuesOf(() => resolveScenario(torch({ lognormal: { median: 2, sigma: 2 } }))).map((i) => i.path)).toEqual(['programmes.torch-pilot-matching.matching.provincial.ratio.lognormal'])
    expect(() => resolveScenario(torch({ lognormal: { median: 2, sigma: 0.3 } }))).not.toThrow()
  })

  it('leave every preset valid', () => {
    for (const name of listPresets()) expect(() => resolveScenario(loadPresetData(name)), name).not.toThrow()
  })

  it('keep a heavy-tailed basis that no rate applies to (its draws within the limit): the outlay stays finite', () => {
    const doc = tech({ cap: null, rate: 0, amount: 1000, contract_value: { pareto: { scale: 1000, alpha: 1 } } })
    const { columns } = simulate(doc, 50)
    expect(Array.from(columns.money.demand).every(Number.isFinite)).toBe(true)
  })
})
