// The new mechanisms against closed forms: a voucher budget spent first come, first served under
// Poisson demand (expected spend and the chance the budget runs out), a risk compensation fund's
// expected compensation (exposures x failures x loss x share, then a cap per item, then the fund's
// own cap), and fixed quotas paying exactly their counts. Tolerances are Z_TOLERANCE Monte Carlo
// standard errors (see helpers/simulate.ts).
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadCatalogue } from '../../../engine/policy/loadCatalogue.js'
import { packageRoot } from '../../../engine/paths.js'
import { compilePlan } from '../../../engine/plan/compilePlan.js'
import { resolveScenario } from '../../../engine/scenario/resolveScenario.js'
import { Simulator } from '../../../engine/simulate/Simulator.js'
import { meanAndError, normalCdf, perTrial, poissonPmf, Z_TOLERANCE, type Simulated } from '../../helpers/simulate.js'

/** A seeds folder with the real documents and levels, and test programmes of our own. */
function testSeeds(programmes: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'budget-sim-seeds-'))
  cpSync(join(packageRoot, 'seeds', 'documents'), join(dir, 'documents'), { recursive: true })
  for (const f of ['documents.yaml', 'levels.yaml']) cpSync(join(packageRoot, 'seeds', f), join(dir, f))
  for (const [id, text] of Object.entries(programmes)) writeFileSync(join(dir, `${id}.yaml`), `id: ${id}\n${text}`)
  return dir
}

const header = `title: A test programme
title_zh: 测试
issuer: test
document: 001_63669fec260b4861.txt
applicant: enterprise
summary: a programme for closed-form tests only
parameters:
`
const assumed = (value: unknown) => `    value: ${JSON.stringify(value)}\n    assumption: a value for a closed-form test\n`

function run(dir: string, programme: string, parameters: Record<string, unknown>, trials: number, years = [2016]): Simulated {
  const scenario = { name: 'closed-form', years, trials, seed: 11, programmes: { [programme]: parameters } }
  const plan = compilePlan(resolveScenario(scenario, { catalogue: loadCatalogue(dir) }))
  const block = new Simulator(plan).simulate(0, trials)
  return { plan, columns: block.columns, applications: block.applications, trials }
}

describe('a voucher budget spent first come, first served', () => {
  const dir = testSeeds({
    voucher: `${header}  applicants:\n${assumed({ poisson: { mean: 40 } })}  basis:\n${assumed({ fixed: { value: 100000 } })}  rate:\n${assumed(0.5)}  budget:\n${assumed({ amount: 1_800_000, rule: 'first_come' })}  funding:\n${assumed({ municipal: 1 })}`,
  })
  // each voucher pays 50,000; the budget holds K = 36 of them
  const trials = 20_000
  const s = run(dir, 'voucher', {}, trials)
  const K = 36
  const lambda = 40

  it('spends voucher x E[min(N, K)] a year for Poisson(λ) applicants', () => {
    let expected = 0
    for (let n = 0; n < 200; n++) expected += Math.min(n, K) * poissonPmf(n, lambda)
    expected *= 50_000
    const { mean, se } = meanAndError(perTrial(s, 'demand'))
    expect(Math.abs(mean - expected)).toBeLessThanOrEqual(Z_TOLERANCE * se)
  })

  it('runs out in the years when more than K vouchers are claimed: P(N > K)', () => {
    let atMost = 0
    for (let n = 0; n <= K; n++) atMost += poissonPmf(n, lambda)
    const expected = 1 - atMost
    const rejected = perTrial(s, 'budget_rejected')
    const ranOut = Array.from(rejected).filter((r) => r > 0).length / trials
    const se = Math.sqrt((expected * (1 - expected)) / trials)
    expect(Math.abs(ranOut - expected)).toBeLessThanOrEqual(Z_TOLERANCE * se)
    // what it turns away is exactly the vouchers beyond K, and the money they would have had
    const applicants = perTrial(s, 'applicants')
    const cut = perTrial(s, 'budget_cut')
    for (let t = 0; t < trials; t++) {
      expect(rejected[t]).toBe(Math.max(0, applicants[t] - K))
      expect(cut[t]).toBe(rejected[t] * 50_000)
    }
  })

  it('never owes more than the budget', () => {
    expect(Math.max(...perTrial(s, 'demand'))).toBe(1_800_000)
  })
})

describe('a risk compensation fund over a portfolio', () => {
  const portfolio = (cap?: number) => ({
    loans: { exposures: { poisson: { mean: 300 } }, amount: { lognormal: { median: 1_000_000, sigma: 0.7 } }, default_rate: 0.04, loss_given_default: 0.7, compensated_share: 0.9, ...(cap ? { cap } : {}) },
  })
  const dir = testSeeds({
    fund: `${header}  portfolio:\n${assumed(portfolio())}  funding:\n${assumed({ provincial: 0.6, municipal: 0.4 })}`,
  })
  const trials = 20_000
  const mu = Math.log(1_000_000)
  const sigma = 0.7

  it('compensates exposures x failure rate x loss given default x share x mean exposure, split by the funding shares', () => {
    const s = run(dir, 'fund', {}, trials)
    const expected = 300 * 0.04 * 0.7 * 0.9 * Math.exp(mu + (sigma * sigma) / 2)
    const provincial = perTrial(s, 'demand', { level: 'provincial' })
    const municipal = perTrial(s, 'demand', { level: 'municipal' })
    const total = meanAndError(provincial.map((v, t) => v + municipal[t]))
    expect(Math.abs(total.mean - expected)).toBeLessThanOrEqual(Z_TOLERANCE * total.se)
    for (let t = 0; t < 50; t++) expect(provincial[t] * 0.4).toBeCloseTo(municipal[t] * 0.6, 4)
    // the counts: exposures drawn and those that failed
    expect(meanAndError(perTrial(s, 'applicants', { level: 'provincial' })).mean).toBeCloseTo(300, -1)
    expect(meanAndError(perTrial(s, 'approved', { level: 'provincial' })).mean).toBeCloseTo(12, 0)
  })

  it('caps each compensation: the limited expected value of a lognormal', () => {
    const c = 800_000
    const s = run(dir, 'fund', { portfolio: portfolio(c) }, trials)
    // E[min(k X, c)] for X lognormal(mu, sigma), k = share x loss given default
    const k = 0.9 * 0.7
    const d = (Math.log(c / k) - mu) / sigma
    const lev = k * Math.exp(mu + (sigma * sigma) / 2) * normalCdf(d - sigma) + c * (1 - normalCdf(d))
    const expected = 300 * 0.04 * lev
    const both = perTrial(s, 'demand', { level: 'provincial' }).map((v, t) => v / 0.6)
    const { mean, se } = meanAndError(both)
    expect(Math.abs(mean - expected)).toBeLessThanOrEqual(Z_TOLERANCE * se)
    expect(meanAndError(perTrial(s, 'capped', { level: 'provincial' })).mean).toBeGreaterThan(0)
  })

  it("pays the fund's own cap when claims exceed it, pro rata", () => {
    const s = run(dir, 'fund', { budget: { amount: 2_000_000, rule: 'pro_rata' } }, 2000)
    const demand = perTrial(s, 'demand', { level: 'provincial' })
    const cut = perTrial(s, 'budget_cut', { level: 'provincial' })
    let binding = 0
    for (let t = 0; t < 2000; t++) {
      const owed = demand[t] / 0.6
      expect(owed).toBeLessThanOrEqual(2_000_000 * (1 + 1e-12))
      if (cut[t] > 0) {
        binding++
        expect(owed).toBeCloseTo(2_000_000, 2)
      }
    }
    // expected claims are 300 x 0.04 x 0.63 x 1.28M = 9.7M: the 2M cap nearly always binds
    expect(binding).toBeGreaterThan(1990)
  })
})

describe('fixed counts (the talent programme)', () => {
  it('pays exactly the places of a yearly quota when more qualify, and of a total quota until it is used up', () => {
    const dir = testSeeds({
      talent: `${header}  applicants:\n${assumed({ fixed: { value: 1500 } })}  amount:\n${assumed(100000)}  quota:\n${assumed({ per_year: 1000 })}  funding:\n${assumed({ municipal: 1 })}`,
      leading: `${header}  applicants:\n${assumed({ fixed: { value: 150 } })}  amount:\n${assumed(500000)}  quota:\n${assumed({ total: 500 })}  funding:\n${assumed({ municipal: 1 })}`,
    })
    const years = [2016, 2017, 2018, 2019, 2020]
    const yearly = run(dir, 'talent', {}, 3, years)
    for (const year of years) {
      expect(perTrial(yearly, 'recipients', { year })[2]).toBe(1000)
      expect(perTrial(yearly, 'demand', { year })[2]).toBe(100_000_000)
      expect(perTrial(yearly, 'quota_rejected', { year })[2]).toBe(500)
    }
    const total = run(dir, 'leading', {}, 3, years)
    expect(years.map((year) => perTrial(total, 'recipients', { year })[1])).toEqual([150, 150, 150, 50, 0])
    expect(perTrial(total, 'demand')[1]).toBe(500 * 500_000)
  })
})
