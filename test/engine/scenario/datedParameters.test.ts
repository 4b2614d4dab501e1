// Dated parameters: a seed value in force from a date (an amendment, a value for later years) is
// used for the scenario years that start on or after it, a scenario may change a value from a year
// on, and the resolved scenario says, year by year, which value applied and where it came from.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../../engine/paths.js'
import { compilePlan } from '../../../engine/plan/compilePlan.js'
import { loadCatalogue } from '../../../engine/policy/loadCatalogue.js'
import { parametersForYear, resolveScenario } from '../../../engine/scenario/resolveScenario.js'
import { Simulator } from '../../../engine/simulate/Simulator.js'
import { perTrial } from '../../helpers/simulate.js'

/** The real seeds, with the technology transaction subsidy's rate dated: 5% to 2015, 4% from `from`. */
function datedSeeds(from: string | number): string {
  const dir = mkdtempSync(join(tmpdir(), 'budget-sim-dated-'))
  cpSync(join(packageRoot, 'seeds'), dir, { recursive: true })
  const file = join(dir, 'tech-transaction-subsidy.yaml')
  const text = readFileSync(file, 'utf8')
  const start = text.indexOf('  rate:\n')
  const end = text.indexOf('  cap:\n')
  const dated = `  rate:
    values:
      - value: 0.05
        until: 2015
        source:
          - document: 000_7b587ff48353dfe3.txt
            clause: §四(一)2
            quote: 按照技术合同实际发生的技术交易额 5% 比例给予补助
      - value: 0.04
        from: ${typeof from === 'string' ? `"${from}"` : from}
        assumption: a test amendment lowering the rate
`
  writeFileSync(file, text.slice(0, start) + dated + text.slice(end))
  return dir
}

const fixedProgramme = {
  years: [2015, 2016, 2017],
  applicants: { fixed: { value: 10 } },
  contracts_per_applicant: { fixed: { value: 1 } },
  contract_value: { fixed: { value: 1_000_000 } },
  approval_rate: 1,
}
const scenario = (overrides: Record<string, unknown> = {}) => ({
  name: 'dated',
  years: [2015, 2016, 2017],
  trials: 2,
  seed: 1,
  programmes: { 'tech-transaction-subsidy': { ...fixedProgramme, ...overrides } },
})

describe('a dated seed value', () => {
  it('is used from the year it is in force, and the provenance says which value applied each year', () => {
    const catalogue = loadCatalogue(datedSeeds(2016))
    const resolved = resolveScenario(scenario(), { catalogue })
    const p = resolved.programmes[0]
    expect(p.dated?.rate.map((d) => [d.year, d.value, d.provenance.origin])).toEqual([
      [2015, 0.05, 'policy'],
      [2016, 0.04, 'assumption'],
      [2017, 0.04, 'assumption'],
    ])
    expect(p.dated?.rate[0].provenance.source?.[0].clause).toBe('§四(一)2')
    expect(p.dated?.rate[1].provenance.from).toBe(2016)
    expect([2015, 2016, 2017].map((y) => parametersForYear(p, y).rate)).toEqual([0.05, 0.04, 0.04])
    // and the simulation pays it: 10 contracts of 1,000,000 a year
    const plan = compilePlan(resolved)
    const block = new Simulator(plan).simulate(0, 2)
    const s = { plan, columns: block.columns, applications: block.applications, trials: 2 }
    expect([2015, 2016, 2017].map((year) => perTrial(s, 'demand', { year })[1])).toEqual([500_000, 400_000, 400_000])
  })

  it('in force from a date inside a year applies from the next year (the value on 1 January); a year with none in force has no such rule', () => {
    const resolved = resolveScenario(scenario(), { catalogue: loadCatalogue(datedSeeds('2016-07-30')) })
    expect(resolved.programmes[0].dated?.rate.map((d) => [d.value, d.provenance.origin])).toEqual([
      [0.05, 'policy'],
      [0, 'default'],
      [0.04, 'assumption'],
    ])
  })
})

describe('a scenario value by year', () => {
  it('changes a parameter from a year on, keeping the seeded value before it', () => {
    const resolved = resolveScenario(scenario({ cap: { by_year: { 2016: 3_000_000 } }, note: 'the cap falls to 3,000,000 from 2016' }))
    const cap = resolved.programmes[0].dated!.cap
    expect(cap.map((d) => [d.year, d.value, d.provenance.origin])).toEqual([
      [2015, 5_000_000, 'policy'],
      [2016, 3_000_000, 'scenario'],
      [2017, 3_000_000, 'scenario'],
    ])
    expect(cap[1].provenance).toMatchObject({ scenario: 'dated', from: 2016, note: 'the cap falls to 3,000,000 from 2016' })
    // a year-by-year value counts in the scenario's hash: two scenarios differing only there differ
    expect(resolveScenario(scenario({ cap: { by_year: { 2017: 3_000_000 } } })).programmes[0].dated!.cap[1].value).toBe(5_000_000)
  })

  it('is checked in every year it applies, with the path of the parameter', () => {
    try {
      resolveScenario(scenario({ approval_rate: { by_year: { 2016: 1.5 } } }))
      throw new Error('expected a problem')
    } catch (e) {
      expect((e as { issues: unknown[] }).issues).toEqual([
        { path: 'programmes.tech-transaction-subsidy.approval_rate.by_year.2016', message: 'must be between 0 and 1, got 1.5' },
      ])
    }
  })
})
