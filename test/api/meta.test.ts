import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { createPool } from '../../workers/createPool.js'
import { testServer } from './helpers.js'

const pool = createPool({ threads: 2 })
let app: FastifyInstance
beforeAll(async () => {
  app = await testServer(pool)
})
afterAll(async () => {
  await app.close()
  await pool.destroy()
})

describe('GET /health', () => {
  it('reports status, engine version, pool threads, queue length and runs in flight', async () => {
    const res = await app.inject({ url: '/health' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      status: 'ok',
      engine_version: expect.any(String),
      pool: { threads: 2, running: 0, waiting: 0 },
      executor: { kind: 'local', slots: 2, running: 0, waiting: 0 },
      runs: { queued: 0, running: 0 },
    })
  })
})

describe('GET /problems', () => {
  it('lists every error code with its status and title', async () => {
    const codes = (await app.inject({ url: '/problems' })).json()
    expect(codes).toContainEqual({ code: 'SCENARIO_INVALID', status: 422, title: 'The scenario is invalid' })
    expect(codes).toContainEqual({ code: 'QUEUE_FULL', status: 503, title: 'Too many runs are waiting' })
  })
})

describe('GET /openapi.json and /docs', () => {
  it('document every route with its schemas and error responses', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json()
    expect(doc.openapi).toBe('3.1.0')
    for (const path of [
      '/health',
      '/programmes',
      '/scenarios',
      '/scenarios/{name}',
      '/scenarios/validate',
      '/runs',
      '/runs/{id}',
      '/runs/{id}/events',
      '/runs/{id}/summary',
      '/runs/{id}/trials',
      '/runs/{id}/trials.arrow',
      '/runs/{id}/trials.csv',
    ])
      expect(Object.keys(doc.paths), path).toContain(path)
    expect(doc.paths['/runs'].post.responses['422']).toBeDefined()
    expect(doc.paths['/runs'].post.responses['503']).toBeDefined()
    expect(doc.paths['/runs'].post.requestBody.content['application/json'].examples.example1.value).toEqual({ preset: 'guangzhou-2015-2017-baseline', trials: 2000 })
    expect(doc.paths['/runs'].delete).toBeUndefined()
    expect(doc.paths['/runs/{id}'].delete.responses['204']).toBeDefined()
  })

  it('serve Swagger UI at /docs', async () => {
    const res = await app.inject({ url: '/docs/' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/text\/html/)
  })
})

describe('unknown routes', () => {
  it('answer 404 problem+json', async () => {
    const res = await app.inject({ url: '/nowhere' })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(res.json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND', type: '/problems#ROUTE_NOT_FOUND', detail: 'no route GET /nowhere' })
  })
})

describe('GET /programmes', () => {
  it('lists the seeded programmes with their rules and citations', async () => {
    const body = (await app.inject({ url: '/programmes' })).json()
    const tech = body.programmes.find((p: { id: string }) => p.id === 'tech-transaction-subsidy')
    expect(tech.parameters.rate.values[0]).toMatchObject({ value: 0.05, until: 2017, source: [expect.objectContaining({ clause: '§四(一)2' }), expect.anything()] })
    expect(tech.parameters.rate.values[1]).toMatchObject({ value: 0.05, from: 2018, assumption: expect.stringMatching(/001/) })
    expect(tech.parameters.applicants.assumption).toMatch(/600/)
    expect(body.documents).toHaveLength(5)
  })
})

describe('the web page', () => {
  it('is served at / when built, hashed assets cached for good and the page revalidated', async () => {
    const { existsSync, readdirSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { packageRoot } = await import('../../engine/paths.js')
    const dist = join(packageRoot, 'web/dist')
    if (!existsSync(dist)) return
    const page = await app.inject({ url: '/' })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/text\/html/)
    expect(page.headers['cache-control']).toBe('no-cache')
    const asset = readdirSync(join(dist, 'assets'))[0]
    const res = await app.inject({ url: `/assets/${asset}` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    const missing = await app.inject({ url: '/assets/nope.js' })
    expect(missing.statusCode).toBe(404)
    expect(missing.headers['content-type']).toMatch(/problem\+json/)
  })
})
