// Why: the overrides the page sends decide what is simulated; pin that an untouched form sends
// nothing, that a touched parameter is sent whole, that a cleared quota, matching ratio or year of
// appropriation is removed with null, and that API error paths find their fields.
import { describe, expect, it } from 'vitest'
import type { ResolvedScenario } from '../src/api/types'
import { allFields, scenarioForm } from '../src/scenario/form'
import { collectOverrides, countChanges, parseNumber } from '../src/scenario/overrides'
import { applyOverrides, fieldFor, runRequest, validationDocument, type Source } from '../src/scenario/request'
import resolvedJson from './fixtures/baseline-resolved.json'

const resolved = resolvedJson as unknown as ResolvedScenario
const form = scenarioForm(resolved)
const paths = allFields(form).map((f) => f.path)
const collect = (values: Record<string, string | boolean>) => collectOverrides(resolved, form, new Map(Object.entries(values)))
const preset: Source = { kind: 'preset', name: resolved.name, title: resolved.title ?? '', resolved }

describe('the form', () => {
  it('offers the figures planners change, named by scenario path', () => {
    expect(paths).toContain('trials')
    expect(paths).toContain('appropriations.municipal.2016')
    expect(paths).toContain('programmes.tech-transaction-subsidy.approval_rate')
    expect(paths).toContain('programmes.tech-transaction-subsidy.applicants.poisson.mean')
    expect(paths).toContain('programmes.tech-transaction-subsidy.applicants.growth')
    expect(paths).toContain('programmes.demonstration-enterprise-grant.quota.total')
    expect(paths).toContain('programmes.torch-pilot-matching.matching.provincial.ratio')
    expect(paths).toContain('programmes.torch-pilot-matching.applicants.fixed.value')
    const cap = allFields(form).find((f) => f.path === 'programmes.tech-transaction-subsidy.cap')!
    // amounts are offered in the page's units, and read back exactly
    expect(cap.initial).toBe('500 万元')
    expect(cap.unit?.name).toBe('万元')
    const municipal2015 = allFields(form).find((f) => f.path === 'appropriations.municipal.2015')!
    expect(municipal2015.initial).toBe('1.7 亿元')
    expect(collect({}).overrides).toEqual({})
    expect(cap.provenance?.origin).toBe('policy')
  })
  it('says what empty fields mean: both quota fields empty is no quota', () => {
    const field = (path: string) => allFields(form).find((f) => f.path === path)!
    const perYear = field('programmes.transfer-institution-grant.quota.per_year')
    expect(perYear.emptyMeans).toBe('no yearly limit')
    expect(perYear.emptyWith).toEqual({ path: 'programmes.transfer-institution-grant.quota.total', means: 'no quota' })
    expect(field('programmes.transfer-institution-grant.quota.total').emptyWith?.path).toBe(perYear.path)
    expect(field('programmes.torch-pilot-matching.matching.provincial.ratio').emptyMeans).toBe('no provincial matching')
  })
})

describe('collectOverrides', () => {
  it('sends nothing for an untouched form', () => {
    const c = collect({})
    expect(c.overrides).toEqual({})
    expect(c.issues).toEqual([])
    expect(c.trials).toBe(10000)
  })
  it('sends a changed parameter whole', () => {
    const c = collect({
      'programmes.tech-transaction-subsidy.applicants.poisson.mean': '700',
      'programmes.demonstration-enterprise-grant.quota.total': '60',
      'programmes.tech-transaction-subsidy.cap': '',
      trials: '2,000',
      seed: '7',
    })
    expect(c.issues).toEqual([])
    expect(c.overrides).toEqual({
      trials: 2000,
      seed: 7,
      programmes: {
        'tech-transaction-subsidy': { applicants: { poisson: { mean: 700 }, growth: 0.1078 }, cap: null },
        'demonstration-enterprise-grant': { quota: { total: 60, recurring: true } },
      },
    })
  })
  it('changes a matching ratio and the years of appropriations changed', () => {
    const c = collect({ 'programmes.torch-pilot-matching.matching.provincial.ratio': '0.5', 'appropriations.municipal.2015': '180,000,000', 'appropriations.national.2015': '1e7' })
    expect(c.overrides.programmes).toEqual({ 'torch-pilot-matching': { matching: { provincial: { of: 'national', ratio: 0.5 } } } })
    expect(c.overrides.appropriations).toEqual({ municipal: { 2015: 180000000 }, national: { 2015: 10000000 } })
  })
  it('removes one year of appropriation with null, a level cleared in every year whole', () => {
    const one = collect({ 'appropriations.municipal.2016': '' })
    expect(one.issues).toEqual([])
    expect(one.overrides.appropriations).toEqual({ municipal: { 2016: null } })
    const two = collect({ 'appropriations.provincial.2015': '', 'appropriations.provincial.2017': '6e7' })
    expect(two.overrides.appropriations).toEqual({ provincial: { 2015: null, 2017: 60000000 } })
    const all = collect({ 'appropriations.provincial.2015': '', 'appropriations.provincial.2016': '', 'appropriations.provincial.2017': '' })
    expect(all.overrides.appropriations).toEqual({ provincial: null })
    // emptying a level the scenario does not have changes nothing
    expect(collect({ 'appropriations.national.2015': '' }).overrides).toEqual({})
  })
  it('removes a seeded quota with null when both place fields are emptied', () => {
    const c = collect({ 'programmes.transfer-institution-grant.quota.per_year': '' })
    expect(c.issues).toEqual([])
    expect(c.overrides.programmes).toEqual({ 'transfer-institution-grant': { quota: null } })
    // a recurring quota: emptied places with the box still ticked is a question for the planner
    const ticked = collect({ 'programmes.demonstration-enterprise-grant.quota.total': '' })
    expect(ticked.issues).toEqual([
      { path: 'programmes.demonstration-enterprise-grant.quota.recurring', message: expect.stringMatching(/^recurring places need a quota: enter places per year or over all years/) },
    ])
    expect(ticked.overrides).toEqual({})
    const removed = collect({ 'programmes.demonstration-enterprise-grant.quota.total': '', 'programmes.demonstration-enterprise-grant.quota.recurring': false })
    expect(removed.issues).toEqual([])
    expect(removed.overrides.programmes).toEqual({ 'demonstration-enterprise-grant': { quota: null } })
    // a programme without a quota: empty fields send nothing, a ticked box alone needs places
    expect(collect({ 'programmes.tech-transaction-subsidy.quota.per_year': '' }).overrides).toEqual({})
    expect(collect({ 'programmes.tech-transaction-subsidy.quota.recurring': true }).issues.map((i) => i.path)).toEqual(['programmes.tech-transaction-subsidy.quota.recurring'])
    // and a new quota is sent whole
    expect(collect({ 'programmes.tech-transaction-subsidy.quota.per_year': '400' }).overrides.programmes).toEqual({ 'tech-transaction-subsidy': { quota: { per_year: 400 } } })
  })
  it('removes a matching rule with null when its ratio is emptied', () => {
    const c = collect({ 'programmes.torch-pilot-matching.matching.provincial.ratio': ' ' })
    expect(c.issues).toEqual([])
    expect(c.overrides.programmes).toEqual({ 'torch-pilot-matching': { matching: null } })
  })
  it('keeps a removed rule removed when the scenario already removed it', () => {
    const removedAlready: ResolvedScenario = {
      ...resolved,
      programmes: resolved.programmes.map((p) => (p.id === 'transfer-institution-grant' ? { ...p, parameters: { ...p.parameters, quota: null } } : p)),
    }
    const f = scenarioForm(removedAlready)
    const perYear = allFields(f).find((x) => x.path === 'programmes.transfer-institution-grant.quota.per_year')!
    expect(perYear.initial).toBe('')
    expect(collectOverrides(removedAlready, f, new Map()).overrides).toEqual({})
  })
  it('reports what only the page can see', () => {
    const c = collect({ 'programmes.tech-transaction-subsidy.approval_rate': 'high', 'programmes.transfer-institution-grant.quota.per_year': 'ten', trials: '' })
    expect(c.issues.map((i) => i.path).sort()).toEqual(['programmes.tech-transaction-subsidy.approval_rate', 'programmes.transfer-institution-grant.quota.per_year', 'trials'])
    expect(c.issues.find((i) => i.path.endsWith('approval_rate'))?.message).toBe('enter a share such as 0.85 or 85%, not "high"')
    expect(c.issues.find((i) => i.path.endsWith('per_year'))?.message).toBe('enter a number such as 400, not "ten"')
    expect(c.issues.find((i) => i.path === 'trials')?.message).toBe('enter a value')
  })
  it('reads amounts typed in 万 and 亿, and shares typed in per cent', () => {
    const c = collect({ 'programmes.tech-transaction-subsidy.cap': '300万', 'appropriations.municipal.2015': '1.8亿', 'appropriations.municipal.2016': '19,500 万元', 'programmes.tech-transaction-subsidy.approval_rate': '80%' })
    expect(c.issues).toEqual([])
    expect(c.overrides.programmes).toEqual({ 'tech-transaction-subsidy': { cap: 3_000_000, approval_rate: 0.8 } })
    expect(c.overrides.appropriations).toEqual({ municipal: { 2015: 180_000_000, 2016: 195_000_000 } })
    // an amount that cannot be read says so in the field's unit, never with a share's example
    const bad = collect({ 'programmes.tech-transaction-subsidy.cap': '3 million' })
    expect(bad.issues).toEqual([{ path: 'programmes.tech-transaction-subsidy.cap', message: 'enter an amount such as 300万, 300 万元 or 3,000,000 (CNY), not "3 million"' }])
  })
  it('sends a reform’s own name and title, and checks the name as the schema does', () => {
    const named = collect({ name: 'cap-3m', title: 'Cap at 300万', 'programmes.tech-transaction-subsidy.cap': '300万' })
    expect(named.issues).toEqual([])
    expect(named.overrides).toMatchObject({ name: 'cap-3m', title: 'Cap at 300万' })
    expect(validationDocument(preset, named.overrides)).toMatchObject({ name: 'cap-3m', extends: resolved.name, title: 'Cap at 300万' })
    expect(runRequest(preset, named.overrides)).toEqual({ preset: resolved.name, overrides: named.overrides })
    // the scenario's own name and title are not overrides, and do not count as changes
    expect(collect({ name: resolved.name, title: resolved.title ?? '' }).overrides).toEqual({})
    expect(countChanges(named.overrides)).toBe(1)
    const bad = collect({ name: 'Cap 3M' })
    expect(bad.issues).toEqual([{ path: 'name', message: 'use lower-case letters, digits, ".", "_" or "-", starting with a letter or digit (for example cap-3m)' }])
    // a document takes them into itself
    const source: Source = { kind: 'document', label: 'mine.yaml', document: { name: 'mine', extends: resolved.name }, resolved }
    expect(runRequest(source, { name: 'cap-3m', title: 'Cap' })).toEqual({ scenario: { name: 'cap-3m', title: 'Cap', extends: resolved.name } })
  })
  it('leaves range checks to the server', () => {
    const c = collect({ 'programmes.tech-transaction-subsidy.approval_rate': '1.4' })
    expect(c.issues).toEqual([])
    expect(c.overrides.programmes).toEqual({ 'tech-transaction-subsidy': { approval_rate: 1.4 } })
  })
  it('parses numbers leniently', () => {
    expect(parseNumber(' 1,500,000 ')).toEqual({ ok: true, value: 1500000 })
    expect(parseNumber('')).toEqual({ ok: true, value: null })
    expect(parseNumber('abc').ok).toBe(false)
  })
})

describe('requests', () => {
  const overrides = { trials: 200, programmes: { 'tech-transaction-subsidy': { cap: 3000000 } } }
  it('runs a preset with overrides and validates the same thing', () => {
    expect(runRequest(preset, overrides)).toEqual({ preset: resolved.name, overrides })
    expect(runRequest(preset, {})).toEqual({ preset: resolved.name })
    expect(validationDocument(preset, overrides)).toEqual({ ...overrides, name: resolved.name, extends: resolved.name })
  })
  it('applies overrides to a file as extends would', () => {
    const document = { name: 'mine', extends: 'guangzhou-2015-2017-baseline', programmes: { 'tech-transaction-subsidy': { rate: 0.04 } }, appropriations: { municipal: { 2015: 1 } } }
    const doc = applyOverrides(document, { ...overrides, appropriations: { municipal: { 2016: 2 }, provincial: null } })
    expect(doc).toEqual({
      name: 'mine',
      extends: 'guangzhou-2015-2017-baseline',
      trials: 200,
      programmes: { 'tech-transaction-subsidy': { rate: 0.04, cap: 3000000 } },
      appropriations: { municipal: { 2015: 1, 2016: 2 }, provincial: null },
    })
    expect(document.programmes['tech-transaction-subsidy']).toEqual({ rate: 0.04 })
    const source: Source = { kind: 'document', label: 'mine.yaml', document, resolved }
    expect(runRequest(source, {})).toEqual({ scenario: document })
  })
  it('sends the nulls that remove a quota, a matching rule and one year', () => {
    const removal = { programmes: { 'transfer-institution-grant': { quota: null }, 'torch-pilot-matching': { matching: null } }, appropriations: { municipal: { 2016: null } } }
    expect(runRequest(preset, removal)).toEqual({ preset: resolved.name, overrides: removal })
    // a file that extends another keeps the null year (it removes an inherited one)
    const child = applyOverrides({ name: 'mine', extends: 'guangzhou-2015-2017-baseline', appropriations: { municipal: { 2015: 1 } } }, removal)
    expect(child.appropriations).toEqual({ municipal: { 2015: 1, 2016: null } })
    expect(child.programmes).toEqual(removal.programmes)
    // a standalone file drops the year, and a level with no year left
    const standalone = { name: 'mine', years: [2015, 2016], trials: 10, seed: 1, programmes: {}, appropriations: { municipal: { 2015: 1, 2016: 2 }, provincial: { 2016: 3 } } }
    expect(applyOverrides(standalone, { appropriations: { municipal: { 2016: null }, provincial: { 2016: null } } }).appropriations).toEqual({ municipal: { 2015: 1 } })
    expect(applyOverrides(standalone, { appropriations: { municipal: null, provincial: { 2015: 4 } } }).appropriations).toEqual({ provincial: { 2015: 4, 2016: 3 } })
  })
  it('maps API error paths to fields', () => {
    expect(fieldFor('overrides.programmes.tech-transaction-subsidy.approval_rate', paths)).toBe('programmes.tech-transaction-subsidy.approval_rate')
    expect(fieldFor('scenario.trials', paths)).toBe('trials')
    expect(fieldFor('programmes.demonstration-enterprise-grant.quota', paths)).toBe('programmes.demonstration-enterprise-grant.quota.per_year')
    expect(fieldFor('programmes.tech-transaction-subsidy.applicants', paths)).toBe('programmes.tech-transaction-subsidy.applicants.poisson.mean')
    expect(fieldFor('programmes.tech-transaction-subsidy.contract_value.lognormal.sigma', paths)).toBeNull()
    expect(fieldFor('preset', paths)).toBeNull()
  })
})
