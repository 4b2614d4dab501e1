import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BudgetSimError } from '../../../engine/errors.js'
import { scenariosDir } from '../../../engine/paths.js'
import { parseScenarioText } from '../../../engine/scenario/parseScenarioText.js'
import { listPresets, loadPresetData } from '../../../engine/scenario/presets.js'
import { resolveScenario, scenarioHash } from '../../../engine/scenario/resolveScenario.js'
import { scenarioJsonSchema } from '../../../engine/scenario/schema.js'
import { scenario } from '../../helpers/simulate.js'

function issuesOf(f: () => unknown): { path: string; message: string }[] {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(BudgetSimError)
    return (e as BudgetSimError).issues
  }
  throw new Error('expected an error')
}

const tech = (over: Record<string, unknown> = {}) => scenario({ programmes: { 'tech-transaction-subsidy': over as any } })

describe('resolveScenario: validation', () => {
  it('names the path and the problem for an out-of-range value', () => {
    expect(issuesOf(() => resolveScenario(tech({ approval_rate: 1.4 })))).toEqual([
      { path: 'programmes.tech-transaction-subsidy.approval_rate', message: 'must be between 0 and 1, got 1.4' },
    ])
  })

  it('rejects unknown keys at any depth and lists the allowed ones', () => {
    const issues = issuesOf(() => resolveScenario({ ...tech({ approval: 0.8 }), trails: 10 }))
    expect(issues).toContainEqual({ path: 'trails', message: expect.stringMatching(/^unknown key \(allowed: .*trials/) })
    expect(issues).toContainEqual({
      path: 'programmes.tech-transaction-subsidy.approval',
      message: expect.stringMatching(/^unknown key \(allowed: years, applicants, .*approval_rate/),
    })
  })

  it('reports wrong types, non-integers and missing fields with what was given', () => {
    const issues = issuesOf(() =>
      resolveScenario({ name: 'x', years: [2015, '2016'], trials: 2.5, programmes: { 'tech-transaction-subsidy': { cap: 'lots' } } }),
    )
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'years[1]', message: 'must be an integer, got "2016"' },
        { path: 'trials', message: 'must be an integer, got 2.5' },
        { path: 'seed', message: 'is required' },
        { path: 'programmes.tech-transaction-subsidy.cap', message: 'must be a number or null, got "lots"' },
      ]),
    )
  })

  it('rejects NaN and infinities that YAML can express', () => {
    const data = parseScenarioText('name: x\nyears: [2015]\ntrials: 10\nseed: 1\nprogrammes:\n  tech-transaction-subsidy: { cap: .inf }\n')
    expect(issuesOf(() => resolveScenario(data))).toEqual([
      { path: 'programmes.tech-transaction-subsidy.cap', message: 'must be a finite number, got Infinity' },
    ])
  })

  it('rejects a distribution with two kinds, or a parameter of the wrong kind, inside a matching ratio', () => {
    const doc = scenario({
      programmes: { 'torch-pilot-matching': { matching: { provincial: { of: 'national', ratio: { lognormal: { median: -1, sigma: 0.2 } } } } } },
    })
    expect(issuesOf(() => resolveScenario(doc))).toEqual([
      { path: 'programmes.torch-pilot-matching.matching.provincial.ratio.lognormal.median', message: 'must be greater than 0, got -1' },
    ])
  })

  it('checks rules that span parameters: shares sum to 1, a rate needs a basis, matching must have something to match', () => {
    const issues = issuesOf(() =>
      resolveScenario(
        scenario({
          programmes: {
            'transfer-institution-grant': { funding: { municipal: 0.7, provincial: 0.2 }, rate: 0.1 },
            'torch-pilot-matching': { matching: { municipal: { of: 'provincial', ratio: 1 } } },
          },
        }),
      ),
    )
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'programmes.transfer-institution-grant.funding', message: 'shares must sum to 1, got 0.9' },
        {
          path: 'programmes.transfer-institution-grant.rate',
          message: 'a rate of 0.1 needs something to apply to: contract_value (with contracts_per_applicant) or basis',
        },
        {
          path: 'programmes.torch-pilot-matching.matching.municipal.of',
          message: 'provincial neither funds this programme nor matches another level, so there is nothing to match',
        },
      ]),
    )
  })

  it('rejects unknown programmes, unordered years and appropriations outside the years', () => {
    const issues = issuesOf(() =>
      resolveScenario({
        ...scenario({ years: [2016, 2015], programmes: { 'no-such-programme': {} } }),
        appropriations: { municipal: { 2014: 1 } },
      }),
    )
    expect(issues).toContainEqual({ path: 'years', message: 'must be in increasing order, got 2016, 2015' })
    expect(issues).toContainEqual({ path: 'programmes.no-such-programme', message: expect.stringMatching(/^unknown programme \(known: .*tech-transaction-subsidy/) })
    expect(issues).toContainEqual({ path: 'appropriations.municipal.2014', message: "2014 is not one of the scenario's years (2016, 2015)" })
  })

  it('reports schema problems, unknown programmes and the checks of the valid programmes in one error', () => {
    const issues = issuesOf(() =>
      resolveScenario({
        ...scenario({
          years: [2016, 2015],
          programmes: {
            'tech-transacton-subsidy': {},
            'testing-certification-award': { approval_rate: 1.4 },
            'transfer-institution-grant': { funding: { municipal: 0.7, provincial: 0.2 } },
          },
        }),
        trails: 10,
        appropriations: { municipal: { 2014: 1 } },
      }),
    )
    expect(issues).toEqual([
      { path: 'programmes.testing-certification-award.approval_rate', message: 'must be between 0 and 1, got 1.4' },
      { path: 'trails', message: expect.stringMatching(/^unknown key \(allowed: .*trials/) },
      { path: 'programmes.tech-transacton-subsidy', message: expect.stringMatching(/^unknown programme; did you mean tech-transaction-subsidy\? \(known: /) },
      { path: 'years', message: 'must be in increasing order, got 2016, 2015' },
      { path: 'programmes.transfer-institution-grant.funding', message: 'shares must sum to 1, got 0.9' },
      { path: 'appropriations.municipal.2014', message: "2014 is not one of the scenario's years (2016, 2015)" },
    ])
  })

  it('names an unknown programme rather than its malformed id or its entry', () => {
    const issues = issuesOf(() =>
      resolveScenario(scenario({ programmes: { Tech_Transaction_Subsidy: {}, 'no-such-programme': { aproval: 1 } } as any })),
    )
    expect(issues).toEqual([
      { path: 'programmes.Tech_Transaction_Subsidy', message: expect.stringMatching(/^unknown programme; did you mean tech-transaction-subsidy\? \(known: .*torch-pilot-matching/) },
      { path: 'programmes.no-such-programme', message: expect.stringMatching(/^unknown programme \(known: /) },
    ])
  })

  it('checks the programmes of a reform while reporting its schema problems', () => {
    const issues = issuesOf(() =>
      resolveScenario({ name: 'r', extends: 'guangzhou-2015-2017-baseline', trials: -1, programmes: { 'transfer-institution-grant': { rate: 0.1 } } }),
    )
    expect(issues).toEqual([
      { path: 'trials', message: 'must be between 1 and 100000000, got -1' },
      {
        path: 'programmes.transfer-institution-grant.rate',
        message: 'a rate of 0.1 needs something to apply to: contract_value (with contracts_per_applicant) or basis',
      },
    ])
  })

  it('gives YAML syntax errors a line and column', () => {
    try {
      parseScenarioText('name: x\nyears: [2015\ntrials: 3\n')
      throw new Error('expected a parse error')
    } catch (e) {
      expect((e as BudgetSimError).code).toBe('SCENARIO_PARSE_ERROR')
      expect((e as BudgetSimError).issues[0].path).toMatch(/^line \d+, column \d+$/)
    }
    expect(() => parseScenarioText('- a\n- b')).toThrow(/must be a mapping/)
    expect(() => parseScenarioText('a: 1\na: 2')).toThrow(BudgetSimError)
  })
})

describe('resolveScenario: seeds, overrides and provenance', () => {
  it('fills unset parameters from the seed and records whether each is policy or assumption', () => {
    const s = resolveScenario(tech())
    const p = s.programmes[0]
    expect(p.parameters.rate).toBe(0.05)
    expect(p.provenance.rate).toMatchObject({ origin: 'policy', source: [expect.objectContaining({ clause: '§四(一)2' }), expect.anything()] })
    expect(p.provenance.applicants?.origin).toBe('assumption')
    expect(p.provenance.quota).toBeUndefined()
    expect(p.provenance.amount).toEqual({ origin: 'default', note: 'no flat amount' })
  })

  it('marks scenario overrides as set by the scenario', () => {
    const p = resolveScenario(tech({ cap: 3_000_000, note: 'why' })).programmes[0]
    expect(p.parameters.cap).toBe(3_000_000)
    expect(p.provenance.cap).toEqual({ origin: 'scenario', scenario: 'test', note: 'why' })
  })

  it('applies a reform as a diff: changed parameters come from the reform, the rest from the baseline', () => {
    const reform = resolveScenario(loadPresetData('reform-cap-3m'))
    const baseline = resolveScenario(loadPresetData('guangzhou-2015-2017-baseline'))
    expect(reform.lineage).toEqual(['guangzhou-2015-2017-baseline'])
    expect(reform.trials).toBe(baseline.trials)
    expect(reform.seed).toBe(baseline.seed)
    expect(reform.appropriations).toEqual(baseline.appropriations)
    const tt = reform.programmes.find((p) => p.id === 'tech-transaction-subsidy')!
    expect(tt.parameters.cap).toBe(3_000_000)
    expect(tt.provenance.cap).toMatchObject({ origin: 'scenario', scenario: 'reform-cap-3m' })
    const torch = reform.programmes.find((p) => p.id === 'torch-pilot-matching')!
    expect(torch.provenance.years).toMatchObject({ origin: 'scenario', scenario: 'guangzhou-2015-2017-baseline' })
    expect(reform.programmes.map((p) => p.id)).toEqual(baseline.programmes.map((p) => p.id))
    expect(scenarioHash(reform)).not.toBe(scenarioHash(baseline))
  })

  it('removes an inherited programme given as null and merges appropriations by year', () => {
    const s = resolveScenario({
      name: 'r',
      extends: 'guangzhou-2015-2017-baseline',
      programmes: { 'torch-pilot-matching': null },
      appropriations: { municipal: { 2017: 1 } },
    })
    expect(s.programmes.map((p) => p.id)).not.toContain('torch-pilot-matching')
    expect(s.appropriations.municipal).toEqual({ 2015: 170000000, 2016: 190000000, 2017: 1 })
  })

  it('removes a seeded quota or matching rule given as null, and one inherited appropriation year', () => {
    const s = resolveScenario({
      name: 'r',
      extends: 'guangzhou-2015-2017-baseline',
      programmes: { 'transfer-institution-grant': { quota: null }, 'torch-pilot-matching': { matching: null } },
      appropriations: { municipal: { 2016: null } },
    })
    const transfer = s.programmes.find((p) => p.id === 'transfer-institution-grant')!
    expect(transfer.parameters.quota).toBeNull()
    expect(transfer.provenance.quota).toMatchObject({ origin: 'scenario', scenario: 'r' })
    expect(s.programmes.find((p) => p.id === 'torch-pilot-matching')!.parameters.matching).toBeNull()
    expect(s.appropriations.municipal).toEqual({ 2015: 170000000, 2017: 210000000 })
  })

  it('reports an unknown or circular extends on the extends field', () => {
    expect(issuesOf(() => resolveScenario({ name: 'r', extends: 'nope' }))[0]).toMatchObject({ path: 'extends', message: expect.stringMatching(/no preset scenario named "nope"/) })
    const loops = (name: string) => ({ name, extends: name === 'a' ? 'b' : 'a' })
    expect(issuesOf(() => resolveScenario(loops('a'), { loadPreset: loops }))[0].message).toMatch(/circular/)
  })

  it('gives the same hash for the same content and ignores trials, seed and name', () => {
    const a = resolveScenario(tech())
    const b = resolveScenario({ ...tech(), name: 'other', trials: 5, seed: 'x' })
    expect(scenarioHash(a)).toBe(scenarioHash(b))
    expect(scenarioHash(a)).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('presets', () => {
  it('are the baseline, the three reforms and the bench scenario, each valid and named after its file', () => {
    expect(listPresets()).toEqual(
      expect.arrayContaining(['guangzhou-2015-2017-baseline', 'reform-cap-3m', 'reform-rate-3pct', 'reform-matching-0.5', 'bench-tech-transaction']),
    )
    for (const name of listPresets()) {
      const s = resolveScenario(loadPresetData(name))
      expect(s.name).toBe(name)
    }
  })

  it('run all five programmes in the Guangzhou baseline', () => {
    const s = resolveScenario(loadPresetData('guangzhou-2015-2017-baseline'))
    expect(s.programmes.map((p) => p.id)).toEqual([
      'tech-transaction-subsidy',
      'transfer-institution-grant',
      'testing-certification-award',
      'demonstration-enterprise-grant',
      'torch-pilot-matching',
    ])
    expect(s.years).toEqual([2015, 2016, 2017])
  })

  it('carry the technology transaction subsidy through 2020 in the 2016-2020 preset: cited rate and cap to 2017, assumed from 2018', () => {
    const s = resolveScenario(loadPresetData('guangzhou-2016-2020-innovation-zone'))
    expect(s.years).toEqual([2016, 2017, 2018, 2019, 2020])
    const tt = s.programmes.find((p) => p.id === 'tech-transaction-subsidy')!
    for (const name of ['rate', 'cap']) {
      const byYear = tt.dated![name].map((d) => [d.year, d.provenance.origin])
      expect(byYear).toEqual([
        [2016, 'policy'],
        [2017, 'policy'],
        [2018, 'assumption'],
        [2019, 'assumption'],
        [2020, 'assumption'],
      ])
    }
    expect(tt.dated!.rate.map((d) => d.value)).toEqual([0.05, 0.05, 0.05, 0.05, 0.05])
    expect(tt.parameters.applicants).toEqual({ poisson: { mean: 665 }, growth: 0.1078 })
    expect(s.programmes.map((p) => p.id)).toEqual(
      expect.arrayContaining(['guangzhou-innovation-voucher', 'incubator-risk-compensation', 'guangzhou-leading-talent', 'guangzhou-industry-high-end-talent', 'guangzhou-industry-shortage-talent']),
    )
    expect(s.programmes.map((p) => p.id)).not.toContain('guangdong-innovation-voucher')
  })

  it('keep the 2015-2017 baseline on the cited rate and cap alone', () => {
    const tt = resolveScenario(loadPresetData('guangzhou-2015-2017-baseline')).programmes.find((p) => p.id === 'tech-transaction-subsidy')!
    expect(tt.dated).toBeUndefined()
    expect(tt.provenance.rate.origin).toBe('policy')
    expect(tt.provenance.cap.origin).toBe('policy')
  })

  it('mark the appropriations and re-based applicants of the two 2016-2020 presets as assumptions', () => {
    for (const name of ['guangzhou-2016-2020-innovation-zone', 'guangdong-2017-2020-transfer']) {
      const s = resolveScenario(loadPresetData(name))
      const marked = Object.keys(s.document.assumptions ?? {})
      for (const level of Object.keys(s.appropriations)) expect(marked, `${name}: ${level}`).toContain(`appropriations.${level}`)
      for (const p of Object.values(s.document.programmes ?? {}))
        for (const key of Object.keys(p ?? {}).filter((k) => k !== 'note' && k !== 'years')) expect(marked.some((m) => m.endsWith(`.${key}`)), `${name}: ${key}`).toBe(true)
    }
    const gd = resolveScenario(loadPresetData('guangdong-2017-2020-transfer'))
    expect(gd.programmes.map((p) => p.id)).not.toContain('guangzhou-innovation-voucher')
    expect(gd.programmes.find((p) => p.id === 'incubator-risk-compensation')!.parameters.years).toEqual([2017, 2018, 2019, 2020])
  })

  it('fix the bench scenario exactly as the engine issue states', () => {
    const s = resolveScenario(loadPresetData('bench-tech-transaction'))
    expect(s.years).toHaveLength(1)
    expect(s.trials).toBe(5000)
    expect(s.appropriations).toEqual({})
    expect(s.programmes).toHaveLength(1)
    expect(s.programmes[0].parameters).toMatchObject({
      rate: 0.05,
      cap: 5_000_000,
      applicants: { poisson: { mean: 2000 } },
      contracts_per_applicant: { one_plus_poisson: { mean: 0.4 } },
      contract_value: { lognormal: { median: 2_000_000, sigma: 1.2 } },
      approval_rate: 0.8,
      funding: { municipal: 1 },
    })
  })

  it('read the three reforms as the issue names them: cap 3,000,000; rate 3%; matching 0.5', () => {
    const param = (preset: string, id: string) => resolveScenario(loadPresetData(preset)).programmes.find((p) => p.id === id)!.parameters
    expect(param('reform-cap-3m', 'tech-transaction-subsidy').cap).toBe(3_000_000)
    expect(param('reform-rate-3pct', 'tech-transaction-subsidy').rate).toBe(0.03)
    expect(param('reform-matching-0.5', 'torch-pilot-matching').matching).toEqual({ provincial: { of: 'national', ratio: 0.5 } })
  })
})

describe('scenarios/schema.json', () => {
  it('is generated from the TypeScript source and up to date (run `npm run schema`)', () => {
    const committed = JSON.parse(readFileSync(join(scenariosDir, 'schema.json'), 'utf8'))
    expect(committed).toEqual(scenarioJsonSchema())
  })
})
