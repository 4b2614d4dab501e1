// Engine means against closed forms. Tolerance: Z_TOLERANCE (4) Monte Carlo standard errors,
// each estimated from the sample of per-trial outcomes (sd / sqrt(trials)).
import { describe, expect, it } from 'vitest'
import { meanAndError, normalCdf, perTrial, poissonPmf, scenario, simulate, Z_TOLERANCE } from '../../helpers/simulate.js'

/**
 * Limited expected value of a lognormal X = exp(m + s Z) at u:
 * E[min(X, u)] = e^(m + s²/2) Φ((ln u - m - s²)/s) + u (1 - Φ((ln u - m)/s))
 */
function lognormalLimitedMean(m: number, s: number, u: number): number {
  if (!Number.isFinite(u)) return Math.exp(m + (s * s) / 2)
  return Math.exp(m + (s * s) / 2) * normalCdf((Math.log(u) - m - s * s) / s) + u * (1 - normalCdf((Math.log(u) - m) / s))
}

describe('mean outlay of a capped lognormal programme', () => {
  const median = 2_000_000
  const sigma = 1.2
  const rate = 0.05
  // entitlement = rate x value is lognormal with m = ln(rate x median)
  const m = Math.log(rate * median)

  for (const cap of [300_000, 5_000_000]) {
    it(`equals n x p x E[min(rate x V, cap)] for cap ${cap.toLocaleString('en-US')} (limited expected value)`, () => {
      const s = simulate(
        scenario({
          programmes: {
            'tech-transaction-subsidy': {
              applicants: { poisson: { mean: 500 } },
              contracts_per_applicant: { fixed: { value: 1 } },
              contract_value: { lognormal: { median, sigma } },
              approval_rate: 0.8,
              rate,
              cap,
            },
          },
        }),
        4000,
      )
      // compound Poisson thinning: E[outlay] = λ p E[min(X, cap)]
      const expected = 500 * 0.8 * lognormalLimitedMean(m, sigma, cap)
      const { mean, se } = meanAndError(perTrial(s, 'demand'))
      expect(Math.abs(mean - expected)).toBeLessThan(Z_TOLERANCE * se)
      // and the money the cap saves is E[(X - cap)+] = E[X] - E[min(X, cap)]
      const savedExpected = 500 * 0.8 * (lognormalLimitedMean(m, sigma, Infinity) - lognormalLimitedMean(m, sigma, cap))
      const saved = meanAndError(perTrial(s, 'cap_saved'))
      expect(Math.abs(saved.mean - savedExpected)).toBeLessThan(Z_TOLERANCE * saved.se)
    })
  }

  it('counts the capped applicants at n x p x P(rate x V > cap)', () => {
    const cap = 300_000
    const s = simulate(
      scenario({
        programmes: {
          'tech-transaction-subsidy': {
            applicants: { fixed: { value: 1000 } },
            contracts_per_applicant: { fixed: { value: 1 } },
            contract_value: { lognormal: { median, sigma } },
            approval_rate: 1,
            rate,
            cap,
          },
        },
      }),
      2000,
    )
    const expected = 1000 * (1 - normalCdf((Math.log(cap) - m) / sigma))
    const { mean, se } = meanAndError(perTrial(s, 'capped'))
    expect(Math.abs(mean - expected)).toBeLessThan(Z_TOLERANCE * se)
  })
})

describe('a yearly quota of 10 slots under Poisson thinning', () => {
  it('fills E[min(A, 10)] slots on average, A ~ Poisson(λ p)', () => {
    const lambda = 14
    const p = 0.85
    const s = simulate(
      scenario({ programmes: { 'transfer-institution-grant': { applicants: { poisson: { mean: lambda } }, approval_rate: p } } }),
      20_000,
    )
    const mu = lambda * p
    let expected = 10
    for (let k = 0; k < 10; k++) expected -= (10 - k) * poissonPmf(k, mu)
    const recipients = meanAndError(perTrial(s, 'recipients'))
    expect(Math.abs(recipients.mean - expected)).toBeLessThan(Z_TOLERANCE * recipients.se)
    const demand = meanAndError(perTrial(s, 'demand'))
    expect(Math.abs(demand.mean - 1_000_000 * expected)).toBeLessThan(Z_TOLERANCE * demand.se)
    // the approved turned away: E[(A - 10)+] = λp - E[min(A, 10)]
    const rejected = meanAndError(perTrial(s, 'quota_rejected'))
    expect(Math.abs(rejected.mean - (mu - expected))).toBeLessThan(Z_TOLERANCE * rejected.se)
  })
})

describe('tiered awards', () => {
  it('average n x Σ share x amount', () => {
    const s = simulate(scenario({ programmes: { 'testing-certification-award': { applicants: { fixed: { value: 1000 } } } } }), 2000)
    const expected = 1000 * (0.3 * 2_000_000 + 0.7 * 1_000_000)
    const { mean, se } = meanAndError(perTrial(s, 'demand'))
    expect(Math.abs(mean - expected)).toBeLessThan(Z_TOLERANCE * se)
  })
})

describe('random matching ratios', () => {
  it('make provincial matching average E[ratio] x national support', () => {
    const s = simulate(
      scenario({
        programmes: {
          'torch-pilot-matching': {
            applicants: { fixed: { value: 1 } },
            basis: { fixed: { value: 10_000_000 } },
            matching: { provincial: { of: 'national', ratio: { uniform: { min: 2, max: 3 } } } },
          },
        },
      }),
      5000,
    )
    const { mean, se } = meanAndError(perTrial(s, 'demand', { level: 'provincial' }))
    expect(Math.abs(mean - 25_000_000)).toBeLessThan(Z_TOLERANCE * se)
    expect(Math.min(...perTrial(s, 'demand', { level: 'provincial' }))).toBeGreaterThanOrEqual(20_000_000)
  })
})
