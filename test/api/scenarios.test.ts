import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { createPool } from '../../workers/createPool.js'
import { testServer } from './helpers.js'

const pool = createPool({ threads: 1 })
let app: FastifyInstance
beforeAll(async () => {
  app = await testServer(pool, { bodyLimit: 4096 })
})
afterAll(async () => {
  await app.close()
  await pool.destroy()
})

const valid = { name: 'mine', years: [2015], trials: 10, seed: 1, programmes: { 'tech-transaction-subsidy': { cap: 3000000 } } }

describe('GET /scenarios', () => {
  it('lists the presets', async () => {
    const { scenarios } = (await app.inject({ url: '/scenarios' })).json()
    expect(scenarios.map((s: { name: string }) => s.name)).toContain('guangzhou-2015-2017-baseline')
    expect(scenarios.find((s: { name: string }) => s.name === 'reform-cap-3m')).toMatchObject({ extends: 'guangzhou-2015-2017-baseline' })
  })

  it('returns one preset with its YAML and what it resolves to, with provenance', async () => {
    const body = (await app.inject({ url: '/scenarios/reform-cap-3m' })).json()
    expect(body.yaml).toMatch(/^# yaml-language-server/)
    const tech = body.resolved.programmes.find((p: { id: string }) => p.id === 'tech-transaction-subsidy')
    expect(tech.parameters.cap).toBe(3000000)
    expect(tech.provenance.cap).toMatchObject({ origin: 'scenario', scenario: 'reform-cap-3m' })
    expect(tech.provenance.rate.origin).toBe('policy')
  })

  it('answers 404 for an unknown preset and 400 for a malformed name', async () => {
    const missing = await app.inject({ url: '/scenarios/nope' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toMatchObject({ code: 'PRESET_NOT_FOUND' })
    const bad = await app.inject({ url: '/scenarios/Bad%20Name' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0]).toMatchObject({ path: 'params.name' })
  })

  it('publishes the scenario JSON Schema', async () => {
    const schema = (await app.inject({ url: '/scenarios/schema.json' })).json()
    expect(schema.$schema).toMatch(/draft-07/)
    expect(schema.properties.programmes).toBeDefined()
  })
})

describe('POST /scenarios/validate', () => {
  it('accepts a valid JSON scenario and shows what it resolves to', async () => {
    const res = await app.inject({ method: 'POST', url: '/scenarios/validate', payload: valid })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ valid: true, scenario: { name: 'mine', programmes: [{ id: 'tech-transaction-subsidy', parameters: { cap: 3000000 } }] } })
  })

  it('accepts a YAML scenario', async () => {
    const yaml = 'name: mine\nyears: [2015]\ntrials: 10\nseed: 1\nprogrammes:\n  transfer-institution-grant: {}\n'
    const res = await app.inject({ method: 'POST', url: '/scenarios/validate', payload: yaml, headers: { 'content-type': 'application/yaml' } })
    expect(res.statusCode).toBe(200)
  })

  it('answers 422 naming every offending field, schema and semantic problems alike', async () => {
    const bad = { ...valid, trials: -5, programmes: { 'tech-transaction-subsidy': { approval_rate: 1.4, bogus: 1 } } }
    const res = await app.inject({ method: 'POST', url: '/scenarios/validate', payload: bad })
    expect(res.statusCode).toBe(422)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    const problem = res.json()
    expect(problem).toMatchObject({ code: 'SCENARIO_INVALID', status: 422, title: 'The scenario is invalid' })
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { path: 'trials', message: 'must be between 1 and 100000000, got -5' },
        { path: 'programmes.tech-transaction-subsidy.approval_rate', message: 'must be between 0 and 1, got 1.4' },
        { path: 'programmes.tech-transaction-subsidy.bogus', message: expect.stringMatching(/^unknown key/) },
      ]),
    )
    const semantic = await app.inject({ method: 'POST', url: '/scenarios/validate', payload: { ...valid, programmes: { 'transfer-institution-grant': { funding: { municipal: 0.5 } } } } })
    expect(semantic.statusCode).toBe(422)
    expect(semantic.json().errors).toEqual([{ path: 'programmes.transfer-institution-grant.funding', message: 'shares must sum to 1, got 0.5' }])
  })

  it('answers 400 for malformed JSON or YAML, never 500', async () => {
    const json = await app.inject({ method: 'POST', url: '/scenarios/validate', payload: '{"name": ', headers: { 'content-type': 'application/json' } })
    expect(json.statusCode).toBe(400)
    expect(json.json()).toMatchObject({ code: 'MALFORMED_BODY' })
    const yaml = await app.inject({ method: 'POST', url: '/scenarios/validate', payload: 'name: [x', headers: { 'content-type': 'application/yaml' } })
    expect(yaml.statusCode).toBe(400)
    expect(yaml.json()).toMatchObject({ code: 'SCENARIO_PARSE_ERROR', errors: [{ path: expect.stringMatching(/^line \d+, column \d+$/) }] })
    const empty = await app.inject({ method: 'POST', url: '/scenarios/validate', payload: '', headers: { 'content-type': 'application/json' } })
    expect(empty.statusCode).toBe(400)
    const notObject = await app.inject({ method: 'POST', url: '/scenarios/validate', payload: '[1,2]', headers: { 'content-type': 'application/json' } })
    expect(notObject.statusCode).toBe(422)
  })

  it('answers 415 for an unsupported media type and 413 for a body over the limit', async () => {
    const xml = await app.inject({ method: 'POST', url: '/scenarios/validate', payload: '<x/>', headers: { 'content-type': 'application/xml' } })
    expect(xml.statusCode).toBe(415)
    expect(xml.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' })
    const huge = await app.inject({ method: 'POST', url: '/scenarios/validate', payload: { ...valid, description: 'x'.repeat(5000) } })
    expect(huge.statusCode).toBe(413)
    expect(huge.json()).toMatchObject({ code: 'BODY_TOO_LARGE' })
  })
})
