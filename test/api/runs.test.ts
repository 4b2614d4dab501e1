import { existsSync } from 'node:fs'
import { defaultLimits } from '../../engine/limits.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { createPool } from '../../workers/createPool.js'
import { runAndWait, small, testServer, waitDone } from './helpers.js'

const pool = createPool({ threads: 2 })
let app: FastifyInstance
beforeAll(async () => {
  app = await testServer(pool, { limits: { ...defaultLimits, trials: 500_000 }, maxWaitSeconds: 30 })
})
afterAll(async () => {
  await app.close()
  await pool.destroy()
})

describe('POST /runs', () => {
  it('answers 202 Accepted with Location and the queued or running run', async () => {
    const res = await app.inject({ method: 'POST', url: '/runs', payload: small })
    expect(res.statusCode).toBe(202)
    const run = res.json()
    expect(res.headers.location).toBe(`/runs/${run.id}`)
    expect(['queued', 'running', 'done']).toContain(run.status)
    expect(run).toMatchObject({ name: 'guangzhou-2015-2017-baseline', preset: 'guangzhou-2015-2017-baseline', trials: 200, seed: '20150827' })
    await waitDone(app, run.id)
  })

  it('with Prefer: wait=N answers 201 with the result links when the run finishes in time', async () => {
    const res = await app.inject({ method: 'POST', url: '/runs', payload: small, headers: { prefer: 'wait=30' } })
    expect(res.statusCode).toBe(201)
    expect(res.headers['preference-applied']).toBe('wait=30')
    const run = res.json()
    expect(run.status).toBe('done')
    expect(run.progress).toEqual({ trials_done: 200, trials: 200, fraction: 1, phase: 'finished' })
    expect(run.applications_simulated).toBeGreaterThan(0)
    expect(run.rows).toBe(200 * 18)
    expect(run.links).toMatchObject({ summary: `/runs/${run.id}/summary`, trials: `/runs/${run.id}/trials`, trials_file: `/runs/${run.id}/trials.arrow` })
    expect(run.timings.simulate_ms).toBeGreaterThan(0)
  })

  it('takes a preset with overrides, a whole scenario, or a YAML scenario', async () => {
    const overridden = await runAndWait(app, { preset: 'guangzhou-2015-2017-baseline', trials: 50, overrides: { programmes: { 'tech-transaction-subsidy': { cap: 3000000 } } } })
    expect(overridden.scenario.programmes['tech-transaction-subsidy']).toEqual({ cap: 3000000 })
    expect(overridden.lineage).toEqual(['guangzhou-2015-2017-baseline'])
    const whole = await runAndWait(app, { scenario: { name: 'mine', years: [2015], trials: 20, seed: 'abc', programmes: { 'transfer-institution-grant': {} } } })
    expect(whole).toMatchObject({ name: 'mine', seed: 'abc', trials: 20, preset: null })
    const yaml = await app.inject({
      method: 'POST',
      url: '/runs',
      payload: 'name: yaml-run\nyears: [2016]\ntrials: 20\nseed: 3\nprogrammes:\n  testing-certification-award: {}\n',
      headers: { 'content-type': 'application/yaml', prefer: 'wait=30' },
    })
    expect(yaml.statusCode).toBe(201)
    expect(yaml.json()).toMatchObject({ name: 'yaml-run', status: 'done' })
  })

  it('answers 422 with the offending fields of overrides or scenario, 400 for a malformed request', async () => {
    const bad = await app.inject({ method: 'POST', url: '/runs', payload: { preset: 'guangzhou-2015-2017-baseline', overrides: { programmes: { 'tech-transaction-subsidy': { approval_rate: 1.4 } } } } })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().errors).toEqual([{ path: 'overrides.programmes.tech-transaction-subsidy.approval_rate', message: 'must be between 0 and 1, got 1.4' }])
    const unknownPreset = await app.inject({ method: 'POST', url: '/runs', payload: { preset: 'nope' } })
    expect(unknownPreset.statusCode).toBe(422)
    expect(unknownPreset.json().errors[0]).toMatchObject({ path: 'preset', message: expect.stringMatching(/^no preset named "nope"/) })
    const both = await app.inject({ method: 'POST', url: '/runs', payload: { preset: 'guangzhou-2015-2017-baseline', scenario: { name: 'x' } } })
    expect(both.statusCode).toBe(400)
    const neither = await app.inject({ method: 'POST', url: '/runs', payload: {} })
    expect(neither.statusCode).toBe(400)
    const unknown = await app.inject({ method: 'POST', url: '/runs', payload: { preset: 'guangzhou-2015-2017-baseline', trails: 5 } })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().errors[0]).toMatchObject({ path: 'trails', message: expect.stringMatching(/^unknown key/) })
    const negative = await app.inject({ method: 'POST', url: '/runs', payload: { preset: 'guangzhou-2015-2017-baseline', trials: -1 } })
    expect(negative.statusCode).toBe(400)
    expect(negative.json().errors).toEqual([{ path: 'trials', message: 'must be between 1 and 100000000, got -1' }])
    const wrongType = await app.inject({ method: 'POST', url: '/runs', payload: { preset: 'guangzhou-2015-2017-baseline', trials: '100' } })
    expect(wrongType.statusCode).toBe(400)
    expect(wrongType.json().errors).toEqual([{ path: 'trials', message: 'must be an integer, got "100"' }])
    const malformed = await app.inject({ method: 'POST', url: '/runs', payload: '{', headers: { 'content-type': 'application/json' } })
    expect(malformed.statusCode).toBe(400)
  })

  it('answers 413 for a run beyond the configured limits', async () => {
    const res = await app.inject({ method: 'POST', url: '/runs', payload: { preset: 'guangzhou-2015-2017-baseline', trials: 600_000 } })
    expect(res.statusCode).toBe(413)
    expect(res.json()).toMatchObject({ code: 'LIMIT_EXCEEDED', errors: [{ path: 'trials', message: '600,000 trials exceed the limit of 500,000 (MAX_TRIALS)' }] })
    const applicants = await app.inject({
      method: 'POST',
      url: '/runs',
      payload: { preset: 'guangzhou-2015-2017-baseline', overrides: { programmes: { 'tech-transaction-subsidy': { applicants: { poisson: { mean: 1e9 } } } } } },
    })
    expect(applicants.statusCode).toBe(413)
    expect(applicants.json().detail).toMatch(/about 1\.\d\de\+14 random draws expected \(.* per trial\), over the limit of 1\.00e\+10 \(MAX_DRAWS\)/)
  })

  it('runs several submissions at once on the one pool, and all complete', async () => {
    const ids = await Promise.all(
      [1, 2, 3, 4].map(async (seed) => (await app.inject({ method: 'POST', url: '/runs', payload: { ...small, seed } })).json().id as string),
    )
    const runs = await Promise.all(ids.map((id) => waitDone(app, id)))
    expect(runs.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done'])
    expect(new Set(runs.map((r) => r.applications_simulated)).size).toBe(4)
  })
})

describe('GET /runs', () => {
  it('lists runs newest first, paginated with a next link', async () => {
    const first = (await app.inject({ url: '/runs?limit=2' })).json()
    expect(first.runs).toHaveLength(2)
    expect(first.total).toBeGreaterThan(2)
    expect(first.next).toBe('/runs?limit=2&offset=2')
    expect(new Date(first.runs[0].created_at).getTime()).toBeGreaterThanOrEqual(new Date(first.runs[1].created_at).getTime())
    const second = (await app.inject({ url: first.next })).json()
    expect(second.runs[0].id).not.toBe(first.runs[1].id)
    const done = (await app.inject({ url: `/runs?status=done&preset=guangzhou-2015-2017-baseline&trials=200&seed=20150827&limit=1` })).json()
    expect(done.runs[0]).toMatchObject({ status: 'done', preset: 'guangzhou-2015-2017-baseline', trials: 200, seed: '20150827' })
    expect(done.total).toBeGreaterThan(1)
    expect(done.next).toBe('/runs?status=done&preset=guangzhou-2015-2017-baseline&trials=200&seed=20150827&limit=1&offset=1')
    expect((await app.inject({ url: '/runs?status=running,done&name=nothing-like-this' })).json()).toMatchObject({ runs: [], total: 0 })
    expect((await app.inject({ url: '/runs?status=finished' })).statusCode).toBe(400)
    const bad = await app.inject({ url: '/runs?limit=0' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors).toEqual([{ path: 'query.limit', message: 'must be between 1 and 200, got 0' }])
  })
})

describe('GET /runs/:id', () => {
  it('answers 404 for an unknown run and 400 for a malformed id', async () => {
    const missing = await app.inject({ url: '/runs/00000000-0000-0000-0000-000000000000' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toMatchObject({ code: 'RUN_NOT_FOUND' })
    expect((await app.inject({ url: '/runs/xyz' })).statusCode).toBe(400)
  })
})

describe('DELETE /runs/:id', () => {
  it('cancels a running run promptly, its workers stop, and the pool keeps serving', async () => {
    const { id } = (await app.inject({ method: 'POST', url: '/runs', payload: { preset: 'bench-tech-transaction', trials: 400_000 } })).json()
    await new Promise((r) => setTimeout(r, 300))
    const started = performance.now()
    const res = await app.inject({ method: 'DELETE', url: `/runs/${id}` })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'cancelled', error: { code: 'RUN_CANCELLED' } })
    expect(performance.now() - started).toBeLessThan(5000)
    expect(app.manager.counts().running).toBe(0)
    expect((await runAndWait(app, small)).status).toBe('done')
  })

  it('cancels a queued run before it starts', async () => {
    const busy = await testServer(pool, { maxConcurrentRuns: 1 })
    try {
      const first = (await busy.inject({ method: 'POST', url: '/runs', payload: { preset: 'bench-tech-transaction', trials: 100_000 } })).json()
      const second = (await busy.inject({ method: 'POST', url: '/runs', payload: small })).json()
      expect(second.status).toBe('queued')
      const res = await busy.inject({ method: 'DELETE', url: `/runs/${second.id}` })
      expect(res.json()).toMatchObject({ status: 'cancelled', started_at: null })
      await busy.inject({ method: 'DELETE', url: `/runs/${first.id}` })
    } finally {
      await busy.close()
    }
  })

  it('deletes a finished run and its files', async () => {
    const run = await runAndWait(app, small)
    const dir = app.manager.runDir(run.id)
    expect(existsSync(dir)).toBe(true)
    expect((await app.inject({ method: 'DELETE', url: `/runs/${run.id}` })).statusCode).toBe(204)
    expect(existsSync(dir)).toBe(false)
    expect((await app.inject({ url: `/runs/${run.id}` })).statusCode).toBe(404)
  })
})

describe('the queue limit', () => {
  it('answers 503 with Retry-After when too many runs wait', async () => {
    const tight = await testServer(pool, { maxConcurrentRuns: 1, maxQueuedRuns: 1 })
    try {
      const ids: string[] = []
      const statuses: number[] = []
      for (let i = 0; i < 3; i++) {
        const res = await tight.inject({ method: 'POST', url: '/runs', payload: { preset: 'bench-tech-transaction', trials: 100_000, seed: i } })
        statuses.push(res.statusCode)
        if (res.statusCode === 202) ids.push(res.json().id)
        else {
          expect(res.json()).toMatchObject({ code: 'QUEUE_FULL', status: 503 })
          expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
        }
      }
      expect(statuses).toEqual([202, 202, 503])
      for (const id of ids) await tight.inject({ method: 'DELETE', url: `/runs/${id}` })
    } finally {
      await tight.close()
    }
  })
})

describe('GET /runs/:id/events', () => {
  it('streams status and progress as server-sent events until the run ends', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' })
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    const { id } = await (await fetch(`${base}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ preset: 'guangzhou-2015-2017-baseline', trials: 20_000 }) })).json()
    const res = await fetch(`${base}/runs/${id}/events`)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const text = await res.text()
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1])
    expect(events[0]).toBe('status')
    expect(events).toContain('progress')
    expect(events.at(-1)).toBe('end')
    const end = JSON.parse(text.trim().split('\n').at(-1)!.replace(/^data: /, ''))
    expect(end).toMatchObject({ id, status: 'done' })
    // a finished run's stream gives its final state at once
    const again = await (await fetch(`${base}/runs/${id}/events`)).text()
    expect(again).toMatch(/event: end/)
  })
})

describe('error paths of the run routes', () => {
  const unknown = '00000000-0000-0000-0000-000000000000'

  it('answer 404 problem+json for an unknown run on every run route', async () => {
    for (const [method, url] of [
      ['GET', `/runs/${unknown}`],
      ['DELETE', `/runs/${unknown}`],
      ['GET', `/runs/${unknown}/events`],
      ['GET', `/runs/${unknown}/summary`],
      ['GET', `/runs/${unknown}/trials`],
      ['GET', `/runs/${unknown}/trials.arrow`],
      ['GET', `/runs/${unknown}/distribution`],
      ['GET', `/runs/${unknown}/scenario`],
    ] as const) {
      const res = await app.inject({ method, url })
      expect(res.statusCode, `${method} ${url}`).toBe(404)
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(res.json().code).toBe('RUN_NOT_FOUND')
    }
  })

  it('answer 415 for an unsupported body type and 413 for a body over the limit', async () => {
    const xml = await app.inject({ method: 'POST', url: '/runs', payload: '<run/>', headers: { 'content-type': 'application/xml' } })
    expect(xml.statusCode).toBe(415)
    const huge = await app.inject({ method: 'POST', url: '/runs', payload: { preset: 'guangzhou-2015-2017-baseline', overrides: { description: 'x'.repeat(2_000_000) } } })
    expect(huge.statusCode).toBe(413)
    expect(huge.json().code).toBe('BODY_TOO_LARGE')
  })

  it('answer 422 for a YAML scenario with problems, naming them under scenario.', async () => {
    const res = await app.inject({ method: 'POST', url: '/runs', payload: 'name: y\nyears: [2015]\ntrials: 10\nseed: 1\nprogrammes:\n  nope: {}\n', headers: { 'content-type': 'application/yaml' } })
    expect(res.statusCode).toBe(422)
    expect(res.json().errors[0]).toMatchObject({ path: 'scenario.programmes.nope', message: expect.stringMatching(/^unknown programme/) })
  })
})
