// Each mechanism on hand-made inputs whose result is known exactly: fixed counts and amounts, so
// no randomness reaches the asserted numbers.
import { describe, expect, it } from 'vitest'
import { ApplicationPurposes, type ApplicationsPlan } from '../../../engine/mechanisms/applications.js'
import { poissonInversion } from '../../../engine/random/poisson.js'
import { standardNormal } from '../../../engine/random/standardNormal.js'
import { Stream } from '../../../engine/random/Stream.js'
import { row, scenario, simulate } from '../../helpers/simulate.js'

const fixedApplicants = (n: number) => ({ fixed: { value: n } })

describe('the per-applicant cap', () => {
  it('pays rate x basis up to the cap, counts the capped applicants and the money the cap saves', () => {
    const s = simulate(
      scenario({
        programmes: {
          'tech-transaction-subsidy': {
            applicants: fixedApplicants(4),
            contracts_per_applicant: { fixed: { value: 2 } },
            contract_value: { fixed: { value: 60_000_000 } },
            approval_rate: 1,
            rate: 0.05,
            cap: 5_000_000,
          },
        },
      }),
      3,
    )
    // basis 120,000,000 each -> 6,000,000 entitled -> 5,000,000 paid, 1,000,000 saved, for 4 applicants
    expect(row(s, 2, 2015, 'tech-transaction-subsidy', 'municipal')).toEqual({
      applicants: 4,
      approved: 4,
      capped: 4,
      quota_rejected: 0,
      budget_rejected: 0,
      recipients: 4,
      demand: 20_000_000,
      paid: 20_000_000,
      shortfall: 0,
      cap_saved: 4_000_000,
      budget_cut: 0,
    })
  })

  it('leaves entitlements under the cap untouched', () => {
    const s = simulate(
      scenario({
        programmes: {
          'tech-transaction-subsidy': {
            applicants: fixedApplicants(3),
            contracts_per_applicant: { fixed: { value: 1 } },
            contract_value: { fixed: { value: 10_000_000 } },
            approval_rate: 1,
          },
        },
      }),
      1,
    )
    const r = row(s, 0, 2015, 'tech-transaction-subsidy', 'municipal')
    expect([r.demand, r.capped, r.cap_saved]).toEqual([1_500_000, 0, 0])
  })

  it('pays nothing to applicants that are not approved', () => {
    const s = simulate(scenario({ programmes: { 'transfer-institution-grant': { applicants: fixedApplicants(9), approval_rate: 0 } } }), 2)
    expect(row(s, 1, 2015, 'transfer-institution-grant', 'municipal')).toMatchObject({ applicants: 9, approved: 0, recipients: 0, demand: 0 })
  })
})

describe('quotas', () => {
  it('fill at most the yearly slots and count the approved applicants turned away', () => {
    const s = simulate(scenario({ years: [2015, 2016], programmes: { 'transfer-institution-grant': { applicants: fixedApplicants(15), approval_rate: 1 } } }), 2)
    for (const year of [2015, 2016])
      expect(row(s, 1, year, 'transfer-institution-grant', 'municipal')).toMatchObject({
        applicants: 15,
        approved: 15,
        quota_rejected: 5,
        recipients: 10,
        demand: 10_000_000,
      })
  })

  it('spread a quota over years, with grants recurring each year for the enterprises selected', () => {
    // 30 approved a year, 50 places over three years, grants recur: 30 | 30 renewals + 20 new | 50 renewals
    const s = simulate(
      scenario({
        years: [2015, 2016, 2017],
        programmes: {
          'demonstration-enterprise-grant': {
            applicants: fixedApplicants(30),
            approval_rate: 1,
            basis: { fixed: { value: 10_000_000 } },
            rate: 0.02,
            cap: 500_000,
          },
        },
      }),
      2,
    )
    const at = (y: number) => row(s, 1, y, 'demonstration-enterprise-grant', 'municipal')
    expect(at(2015)).toMatchObject({ applicants: 30, approved: 30, quota_rejected: 0, recipients: 30, demand: 6_000_000 })
    expect(at(2016)).toMatchObject({ applicants: 30, approved: 30, quota_rejected: 10, recipients: 50, demand: 10_000_000 })
    expect(at(2017)).toMatchObject({ applicants: 30, approved: 30, quota_rejected: 30, recipients: 50, demand: 10_000_000 })
  })

  it('grade recurring grantees again each year: their grant is recomputed from a new draw of the basis', () => {
    // 20 approved a year for 10 places, chosen by score: 2015 pays the best draws; in 2016 the same
    // 10 are paid again (the new applicants are turned away) on a fresh draw of their performance
    const trials = 400
    const s = simulate(
      scenario({
        years: [2015, 2016],
        programmes: {
          'demonstration-enterprise-grant': {
            applicants: fixedApplicants(20),
            approval_rate: 1,
            basis: { empirical: { values: [1_000_000, 9_000_000] } },
            rate: 0.1,
            cap: null,
            quota: { total: 10, recurring: true },
            selection: 'score',
          },
        },
      }),
      trials,
    )
    const at = (t: number, y: number) => row(s, t, y, 'demonstration-enterprise-grant', 'municipal')
    const mean = (y: number) => Array.from({ length: trials }, (_, t) => at(t, y).demand).reduce((a, b) => a + b, 0) / trials
    for (let t = 0; t < trials; t++) expect(at(t, 2016)).toMatchObject({ recipients: 10, quota_rejected: 20 })
    // selected on their best year, graded again on an ordinary one: mean 10 x 0.1 x 5,000,000
    expect(mean(2015)).toBeGreaterThan(7_500_000)
    expect(Math.abs(mean(2016) - 5_000_000)).toBeLessThan(300_000)
    const regraded = Array.from({ length: trials }, (_, t) => at(t, 2016).demand !== at(t, 2015).demand).filter(Boolean).length
    expect(regraded / trials).toBeGreaterThan(0.9)
  })

  it('admit every approved applicant when a scenario removes the quota', () => {
    const s = simulate(scenario({ programmes: { 'transfer-institution-grant': { applicants: fixedApplicants(15), approval_rate: 1, quota: null } } }), 1)
    expect(row(s, 0, 2015, 'transfer-institution-grant', 'municipal')).toMatchObject({ recipients: 15, quota_rejected: 0, demand: 15_000_000 })
  })

  it('do not recur when the quota is not recurring, and combine a yearly limit with a total', () => {
    const s = simulate(
      scenario({
        years: [2015, 2016, 2017],
        programmes: { 'transfer-institution-grant': { applicants: fixedApplicants(15), approval_rate: 1, quota: { per_year: 10, total: 25 } } },
      }),
      1,
    )
    const recipients = [2015, 2016, 2017].map((y) => row(s, 0, y, 'transfer-institution-grant', 'municipal').recipients)
    expect(recipients).toEqual([10, 10, 5])
  })

  it('select the highest scores when the quota binds and selection is by score', () => {
    const programme = {
      applicants: fixedApplicants(200),
      approval_rate: 1,
      basis: { empirical: { values: [1_000_000, 2_000_000, 3_000_000, 4_000_000] } },
      rate: 0.1,
      quota: { per_year: 5 },
    }
    const byScore = simulate(scenario({ programmes: { 'demonstration-enterprise-grant': { ...programme, selection: 'score', cap: null } } }), 5)
    const byLot = simulate(scenario({ programmes: { 'demonstration-enterprise-grant': { ...programme, selection: 'random', cap: null } } }), 5)
    for (let t = 0; t < 5; t++) {
      // among 200 applicants at least five have the top basis (4,000,000) in practice: 5 x 400,000
      expect(row(byScore, t, 2015, 'demonstration-enterprise-grant', 'municipal').demand).toBe(2_000_000)
      expect(row(byLot, t, 2015, 'demonstration-enterprise-grant', 'municipal').recipients).toBe(5)
    }
    const lotTotal = [0, 1, 2, 3, 4].reduce((a, t) => a + row(byLot, t, 2015, 'demonstration-enterprise-grant', 'municipal').demand, 0)
    expect(lotTotal).toBeLessThan(5 * 2_000_000)
  })
})

describe('tiers', () => {
  it('pay each tier its own flat amount', () => {
    const s = simulate(
      scenario({
        programmes: {
          'testing-certification-award': {
            applicants: fixedApplicants(6),
            tier_shares: { national_recognition: 1, provincial_recognition: 0 },
          },
        },
      }),
      1,
    )
    expect(row(s, 0, 2015, 'testing-certification-award', 'municipal').demand).toBe(12_000_000)
  })
})

describe('funding shares and matching', () => {
  const torch = (matching: Record<string, unknown>, funding: Record<string, number> = { national: 1 }) =>
    simulate(
      scenario({
        years: [2015],
        programmes: { 'torch-pilot-matching': { applicants: fixedApplicants(1), basis: { fixed: { value: 20_000_000 } }, funding, matching } as any },
      }),
      1,
    )

  it('oblige the province to match national support at 2:1', () => {
    const s = torch({ provincial: { of: 'national', ratio: 2 } })
    expect(row(s, 0, 2015, 'torch-pilot-matching', 'national').demand).toBe(20_000_000)
    expect(row(s, 0, 2015, 'torch-pilot-matching', 'provincial').demand).toBe(40_000_000)
  })

  it('chain obligations: a municipality matching the province matches what the province pays, matching included', () => {
    const s = torch({ provincial: { of: 'national', ratio: 2 }, municipal: { of: 'provincial', ratio: 0.5 } })
    expect(row(s, 0, 2015, 'torch-pilot-matching', 'municipal').demand).toBe(20_000_000)
  })

  it('split the outlay by shares before matching', () => {
    const s = torch({ municipal: { of: 'provincial', ratio: 1 } }, { national: 0.75, provincial: 0.25 })
    expect(row(s, 0, 2015, 'torch-pilot-matching', 'national').demand).toBe(15_000_000)
    expect(row(s, 0, 2015, 'torch-pilot-matching', 'provincial').demand).toBe(5_000_000)
    expect(row(s, 0, 2015, 'torch-pilot-matching', 'municipal').demand).toBe(5_000_000)
  })
})

describe('appropriations and exhaustion rules', () => {
  // two programmes on the municipal line: 10 x 1,000,000 (transfer) and 6 x 2,000,000 (testing) = 22,000,000
  const twoProgrammes = (on_exhaustion: string, budget: number) =>
    simulate(
      scenario({
        programmes: {
          'transfer-institution-grant': { applicants: fixedApplicants(10), approval_rate: 1 },
          'testing-certification-award': { applicants: fixedApplicants(6), tier_shares: { national_recognition: 1, provincial_recognition: 0 } },
        },
        appropriations: { municipal: { 2015: budget } },
        on_exhaustion,
      } as any),
      3,
    )

  it('record: pay all demand and leave the overrun to the report', () => {
    const s = twoProgrammes('record', 11_000_000)
    expect(row(s, 0, 2015, 'transfer-institution-grant', 'municipal')).toMatchObject({ demand: 10_000_000, paid: 10_000_000, shortfall: 0 })
  })

  it('pro_rata: scale every claim by appropriation / demand', () => {
    const s = twoProgrammes('pro_rata', 11_000_000)
    expect(row(s, 0, 2015, 'transfer-institution-grant', 'municipal')).toMatchObject({ demand: 10_000_000, paid: 5_000_000, shortfall: 5_000_000 })
    expect(row(s, 0, 2015, 'testing-certification-award', 'municipal')).toMatchObject({ demand: 12_000_000, paid: 6_000_000, shortfall: 6_000_000 })
  })

  it('first_come: pay claims in order of arrival until the money runs out, the last one in part', () => {
    for (let t = 0; t < 3; t++) {
      const s = twoProgrammes('first_come', 11_500_000)
      const a = row(s, t, 2015, 'transfer-institution-grant', 'municipal')
      const b = row(s, t, 2015, 'testing-certification-award', 'municipal')
      expect(a.paid + b.paid).toBe(11_500_000)
      expect(a.shortfall + b.shortfall).toBe(10_500_000)
      // payments are whole claims except one partial claim: amounts paid are 1,000,000 and 2,000,000 multiples plus one remainder
      const partial = [a.paid % 1_000_000, b.paid % 2_000_000].filter((x) => x !== 0)
      expect(partial.length).toBeLessThanOrEqual(1)
    }
  })

  it('change nothing when demand is within the appropriation', () => {
    for (const rule of ['pro_rata', 'first_come']) {
      const s = twoProgrammes(rule, 22_000_000)
      expect(row(s, 0, 2015, 'testing-certification-award', 'municipal')).toMatchObject({ paid: 12_000_000, shortfall: 0 })
    }
  })
})

describe('programme years', () => {
  it('give zero rows in years the programme does not run', () => {
    const s = simulate(scenario({ years: [2015, 2016], programmes: { 'transfer-institution-grant': { years: [2016] } } }), 2)
    expect(row(s, 1, 2015, 'transfer-institution-grant', 'municipal')).toEqual({
      applicants: 0, approved: 0, capped: 0, quota_rejected: 0, budget_rejected: 0, recipients: 0, demand: 0, paid: 0, shortfall: 0, cap_saved: 0, budget_cut: 0,
    })
    expect(row(s, 1, 2016, 'transfer-institution-grant', 'municipal').applicants).toBeGreaterThan(0)
  })

  it('grow applicant counts by (1 + growth)^(year - first year)', () => {
    const s = simulate(scenario({ years: [2015, 2017], programmes: { 'transfer-institution-grant': { applicants: { fixed: { value: 100 }, growth: 0.1 } } } }), 1)
    expect(row(s, 0, 2015, 'transfer-institution-grant', 'municipal').applicants).toBe(100)
    expect(row(s, 0, 2017, 'transfer-institution-grant', 'municipal').applicants).toBe(121)
  })
})

describe('applicants with contracts', () => {
  it('are drawn in chunks with exactly the draws of one applicant at a time', () => {
    // 10,000 applicants cross two chunk boundaries; rate 1 and no cap make the demand the sum of
    // the approved applicants' bases, in order
    const n = 10_000
    const s = simulate(
      scenario({
        programmes: {
          'tech-transaction-subsidy': {
            applicants: fixedApplicants(n),
            contracts_per_applicant: { one_plus_poisson: { mean: 0.5 } },
            contract_value: { lognormal: { median: 3_000_000, sigma: 1.5 } },
            approval_rate: 0.7,
            rate: 1,
            cap: null,
          },
        },
      }),
      2,
    )
    const prog = s.plan.programmes[0]
    const c = prog.mechanisms[0].find((a) => a.id === 'applications')!.compiled as ApplicationsPlan
    for (const trial of [0, 1]) {
      const stream = (purpose: number) => new Stream(s.plan.masterKey).reset(trial, 2015, prog.key, purpose)
      const cs = stream(ApplicationPurposes.contractCount)
      const vs = stream(ApplicationPurposes.contractValue)
      const as = stream(ApplicationPurposes.approval)
      let demand = 0
      let approved = 0
      for (let i = 0; i < n; i++) {
        const k = 1 + poissonInversion(cs, c.contracts!.a, c.contracts!.b)
        let basis = 0
        for (let j = 0; j < k; j++) basis += Math.exp(c.contractValue!.a + c.contractValue!.b * standardNormal(vs))
        if (as.nextU32() >= c.approvalThreshold) continue
        demand += basis
        approved++
      }
      const r = row(s, trial, 2015, 'tech-transaction-subsidy', 'municipal')
      expect([r.approved, r.demand]).toEqual([approved, demand])
    }
  })
})
