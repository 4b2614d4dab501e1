// Properties that must hold for any programme parameters, checked with fast-check on small runs.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { scenario, simulate } from '../../helpers/simulate.js'

const techProgramme = fc.record({
  applicants: fc.record({ poisson: fc.record({ mean: fc.double({ min: 0, max: 60, noNaN: true }) }) }),
  contracts_per_applicant: fc.record({ one_plus_poisson: fc.record({ mean: fc.double({ min: 0, max: 2, noNaN: true }) }) }),
  contract_value: fc.record({
    lognormal: fc.record({ median: fc.double({ min: 1e4, max: 1e8, noNaN: true }), sigma: fc.double({ min: 0, max: 2.5, noNaN: true }) }),
  }),
  approval_rate: fc.double({ min: 0, max: 1, noNaN: true }),
  rate: fc.double({ min: 0, max: 0.3, noNaN: true }),
  cap: fc.double({ min: 0, max: 2e7, noNaN: true }),
  quota: fc.option(fc.record({ per_year: fc.integer({ min: 0, max: 40 }) }), { nil: undefined }),
})

const exhaustion = fc.constantFrom('record', 'pro_rata', 'first_come')

describe('engine properties', () => {
  it('never pays more than demand, nor more than cap x approved applicants', () => {
    fc.assert(
      fc.property(techProgramme, exhaustion, fc.double({ min: 0, max: 5e8, noNaN: true }), fc.integer({ min: 0, max: 1e6 }), (p, rule, budget, seed) => {
        const programme = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined))
        const s = simulate(
          scenario({
            seed,
            years: [2015, 2016],
            programmes: { 'tech-transaction-subsidy': { ...programme, years: [2015, 2016] } as any },
            appropriations: { municipal: { 2015: budget, 2016: budget } },
            on_exhaustion: rule as any,
          }),
          4,
        )
        const { paid, demand } = s.columns.money
        const { approved } = s.columns.counts
        for (let i = 0; i < s.columns.rows; i++) {
          expect(paid[i]).toBeLessThanOrEqual(demand[i] * (1 + 1e-12))
          expect(paid[i]).toBeLessThanOrEqual(p.cap * approved[i] * (1 + 1e-12))
          expect(paid[i]).toBeGreaterThanOrEqual(0)
        }
      }),
      { numRuns: 60 },
    )
  })

  it('makes matching exactly ratio x the matched outlay', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 1e6 }),
        (ratio, nationalShare, seed) => {
          const s = simulate(
            scenario({
              seed,
              programmes: {
                'torch-pilot-matching': {
                  applicants: { poisson: { mean: 3 } },
                  funding: nationalShare === 1 ? { national: 1 } : { national: nationalShare, municipal: 1 - nationalShare },
                  matching: { provincial: { of: 'national', ratio } },
                },
              },
            }),
            5,
          )
          const { plan, columns } = s
          const national = plan.levels.indexOf('national')
          const provincial = plan.levels.indexOf('provincial')
          for (let t = 0; t < 5; t++) {
            let n = 0
            let p = 0
            for (let r = 0; r < plan.rowsPerTrial; r++) {
              if (plan.rowLevel[r] === national) n += columns.money.demand[t * plan.rowsPerTrial + r]
              if (plan.rowLevel[r] === provincial) p += columns.money.demand[t * plan.rowsPerTrial + r]
            }
            expect(Math.abs(p - ratio * n)).toBeLessThanOrEqual(1e-12 * Math.max(1, ratio * n))
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('never increases outlay when a cap decreases (same seed, same draws)', () => {
    fc.assert(
      fc.property(techProgramme, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 1e6 }), (p, shrink, seed) => {
        const programme = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined))
        const run = (cap: number) =>
          simulate(scenario({ seed, years: [2015], programmes: { 'tech-transaction-subsidy': { ...programme, years: [2015], cap } as any } }), 4)
        const high = run(p.cap)
        const low = run(p.cap * shrink)
        for (let i = 0; i < high.columns.rows; i++) expect(low.columns.money.demand[i]).toBeLessThanOrEqual(high.columns.money.demand[i])
      }),
      { numRuns: 60 },
    )
  })
})
