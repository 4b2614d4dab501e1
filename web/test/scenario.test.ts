// Why: the overrides the page sends decide what is simulated; pin that an untouched form sends
// nothing, that a touched parameter is sent whole, and that API error paths find their fields.
import { describe, expect, it } from 'vitest'
import type { ResolvedScenario } from '../src/api/types'
import { allFields, scenarioForm } from '../src/scenario/form'
import { collectOverrides, parseNumber } from '../src/scenario/overrides'
import { applyOverrides, fieldFor, runRequest, validationDocument, type Source } from '../src/scenario/request'
import resolvedJson from './fixtures/baseline-resolved.json'

const resolved = resolvedJson as unknown as ResolvedScenario
const form = scenarioForm(resolved)
const paths = allFields(form).map((f) => f.path)
const collect = (values: Record<string, string | boolean>, inherits = true) => collectOverrides(resolved, form, new Map(Object.entries(values)), inherits)
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
    expect(cap.initial).toBe('5,000,000')
    expect(cap.provenance?.origin).toBe('policy')
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
  it('changes a matching ratio and appropriations', () => {
    const c = collect({ 'programmes.torch-pilot-matching.matching.provincial.ratio': '0.5', 'appropriations.municipal.2015': '180,000,000', 'appropriations.national.2015': '1e7' })
    expect(c.overrides.programmes).toEqual({ 'torch-pilot-matching': { matching: { provincial: { of: 'national', ratio: 0.5 } } } })
    expect(c.overrides.appropriations).toEqual({ municipal: { 2015: 180000000, 2016: 190000000, 2017: 210000000 }, national: { 2015: 10000000 } })
  })
  it('removes a whole level, but not one inherited year', () => {
    const all = collect({ 'appropriations.provincial.2015': '', 'appropriations.provincial.2016': '', 'appropriations.provincial.2017': '' })
    expect(all.overrides.appropriations).toEqual({ provincial: null })
    const one = collect({ 'appropriations.provincial.2015': '' })
    expect(one.issues.map((i) => i.path)).toEqual(['appropriations.provincial.2015'])
    const standalone = collect({ 'appropriations.provincial.2015': '' }, false)
    expect(standalone.overrides.appropriations).toEqual({ provincial: { 2016: 50000000, 2017: 50000000 } })
  })
  it('reports what only the page can see', () => {
    const c = collect({ 'programmes.tech-transaction-subsidy.approval_rate': 'high', 'programmes.transfer-institution-grant.quota.per_year': '', trials: '' })
    expect(c.issues.map((i) => i.path).sort()).toEqual(['programmes.tech-transaction-subsidy.approval_rate', 'programmes.transfer-institution-grant.quota.per_year', 'trials'])
    expect(c.issues[0].message).toMatch(/enter a value|number|quota/)
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
  it('maps API error paths to fields', () => {
    expect(fieldFor('overrides.programmes.tech-transaction-subsidy.approval_rate', paths)).toBe('programmes.tech-transaction-subsidy.approval_rate')
    expect(fieldFor('scenario.trials', paths)).toBe('trials')
    expect(fieldFor('programmes.demonstration-enterprise-grant.quota', paths)).toBe('programmes.demonstration-enterprise-grant.quota.per_year')
    expect(fieldFor('programmes.tech-transaction-subsidy.applicants', paths)).toBe('programmes.tech-transaction-subsidy.applicants.poisson.mean')
    expect(fieldFor('programmes.tech-transaction-subsidy.contract_value.lognormal.sigma', paths)).toBeNull()
    expect(fieldFor('preset', paths)).toBeNull()
  })
})
