// Decision analysis over HTTP: analyses as resources (202 + Location, progress, server-sent
// events, cancel, list, limits, coded errors, restart), the budget-impact table of two stored runs,
// and runs to a precision.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AnalysisStore } from '../../api/analyses/AnalysisStore.js'
import { buildServer } from '../../api/server.js'
import { defaultLimits } from '../../engine/limits.js'
import { TaskPool } from '../../workers/pipeline/TaskPool.js'
import { directTotals, pairedByHand } from '../helpers/impact.js'
import { runAndWait, testServer } from './helpers.js'

const pool = new TaskPool({ threads: 2 })
let app: FastifyInstance
beforeAll(async () => {
  app = await testServer(pool as any, { maxWaitSeconds: 60 })
})
afterAll(async () => {
  await app.close()
  await pool.destroy()
})

const ranges = [
  { path: 'programmes.tech-transaction-subsidy.cap', low: 2_000_000, high: 8_000_000 },
  { path: 'programmes.tech-transaction-subsidy.approval_rate', low: 0.7, high: 0.95 },
]
const sensitivity = (extra: object = {}) => ({
  kind: 'sensitivity',
  preset: 'guangzhou-2015-2017-baseline',
  trials: 300,
  target: { level: 'municipal', year: 2017, statistic: 'mean' },
  ranges,
  // the requested ranges alone: the tests do not depend on the ranges the seeds carry
  seeded_ranges: false,
  contribution: { vectors: 8, trials_per_vector: 4 },
  ...extra,
})

async function waitAnalysis(server: FastifyInstance, id: string, timeoutMs = 60_000): Promise<any> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const a = (await server.inject({ url: `/analyses/${id}` })).json()
    if (['done', 'failed', 'cancelled'].includes(a.status)) return a
    if (Date.now() > until) throw new Error(`analysis ${id} still ${a.status}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('POST /analyses', () => {
  it('answers 202 with Location, then the analysis shows its progress in runs and, done, the tornado', async () => {
    const res = await app.inject({ method: 'POST', url: '/analyses', payload: sensitivity() })
    expect(res.statusCode).toBe(202)
    const a = res.json()
    expect(res.headers.location).toBe(`/analyses/${a.id}`)
    expect(a).toMatchObject({ kind: 'sensitivity', name: 'guangzhou-2015-2017-baseline', trials: 300, seed: '20150827', result: null, links: { self: `/analyses/${a.id}`, events: `/analyses/${a.id}/events` } })
    expect(a.progress.runs).toBe(1 + 2 * ranges.length + 8)
    const done = await waitAnalysis(app, a.id)
    expect(done.status).toBe('done')
    expect(done.progress).toMatchObject({ fraction: 1 })
    expect(done.progress.runs_done).toBe(done.progress.runs)
    expect(done.draws).toBeGreaterThan(0)
    const r = done.result
    expect(r).toMatchObject({ statistic: 'mean', target: { measure: 'demand', level: 'municipal', year: 2017, statistic: 'mean' }, trials: 300, base: { value: expect.any(Number), se: expect.any(Number) } })
    const cap = r.bars.find((b: any) => b.parameter === 'programmes.tech-transaction-subsidy.cap')
    expect(cap).toMatchObject({ origin: 'policy', source: 'request', unit: 'CNY', value: 5_000_000, low: { input: 2_000_000 }, high: { input: 8_000_000 } })
    expect(cap.swing).toBeCloseTo(cap.high.value - cap.low.value, 6)
    expect(typeof cap.crosses_zero).toBe('boolean')
    expect(r.contribution).toMatchObject({ vectors: 8, trials_per_vector: 4 })
    expect(r.contribution.parameters.reduce((t: number, p: any) => t + p.share, 0)).toBeCloseTo(1, 9)
    // listed, newest first
    const list = (await app.inject({ url: '/analyses?kind=sensitivity' })).json()
    expect(list.analyses[0].id).toBe(a.id)
    expect(list.total).toBeGreaterThanOrEqual(1)
  })

  it('with Prefer: wait=N answers 201 with a goal seek’s answer', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/analyses',
      headers: { prefer: 'wait=60' },
      payload: {
        kind: 'goal_seek',
        preset: 'guangzhou-2015-2017-baseline',
        trials: 300,
        parameter: 'appropriations.municipal.2017',
        target: { statistic: 'p_exceed', op: '<=', value: 0.1 },
      },
    })
    expect(res.statusCode).toBe(201)
    expect(res.json().result).toMatchObject({ method: 'quantile', parameter: 'appropriations.municipal.2017', answer: expect.any(Number), target: { level: 'municipal', year: 2017 } })
    expect(res.json().result.at_answer.value).toBeLessThanOrEqual(0.1)
  })

  it('reports a goal that cannot be met as a failed analysis with its code and the points evaluated', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/analyses',
      headers: { prefer: 'wait=60' },
      payload: {
        kind: 'goal_seek',
        preset: 'guangzhou-2015-2017-baseline',
        trials: 100,
        parameter: 'programmes.tech-transaction-subsidy.cap',
        target: { level: 'municipal', year: 2017, statistic: 'mean', op: '<=', value: 1000 },
        interval: [1_000_000, 5_000_000],
        replicates: 1,
      },
    })
    expect(res.json()).toMatchObject({ status: 'failed', error: { code: 'GOAL_NOT_MET', detail: { points: [expect.any(Object), expect.any(Object)] } }, result: null })
  })

  it('answers 400 or 422 naming the field for requests that do not fit', async () => {
    const post = (payload: object) => app.inject({ method: 'POST', url: '/analyses', payload })
    const cases: [object, number, string, string][] = [
      [{ ...sensitivity(), kind: 'tornado' }, 400, 'VALIDATION_ERROR', 'kind'],
      [{ ...sensitivity(), trails: 5 }, 400, 'VALIDATION_ERROR', 'trails'],
      [sensitivity({ target: { level: 'municipal', op: '<=' } }), 400, 'VALIDATION_ERROR', 'target.op'],
      [{ kind: 'goal_seek', preset: 'guangzhou-2015-2017-baseline', target: { statistic: 'mean', op: '<=', value: 1 } }, 400, 'VALIDATION_ERROR', 'parameter'],
      [{ kind: 'goal_seek', preset: 'guangzhou-2015-2017-baseline', parameter: 'programmes.tech-transaction-subsidy.cap', target: { statistic: 'p_exceed', op: '<=', value: 5 } }, 400, 'VALIDATION_ERROR', 'target.value'],
      [sensitivity({ target: { level: 'county' } }), 422, 'ANALYSIS_INVALID', 'target.level'],
      [sensitivity({ target: { level: 'national', statistic: 'p_exceed' } }), 422, 'NO_APPROPRIATION', 'target.statistic'],
      [sensitivity({ ranges: [{ path: 'programmes.tech-transaction-subsidy.rate', low: 0.5, high: 2 }] }), 422, 'ANALYSIS_INVALID', 'ranges[0]'],
      [sensitivity({ ranges: [{ path: 'programme.x.cap', low: 0, high: 1 }] }), 422, 'ANALYSIS_INVALID', 'ranges[0].path'],
      [sensitivity({ overrides: { programmes: { 'tech-transaction-subsidy': { approval_rate: 1.4 } } } }), 422, 'SCENARIO_INVALID', 'overrides.programmes.tech-transaction-subsidy.approval_rate'],
      [{ kind: 'goal_seek', preset: 'guangzhou-2015-2017-baseline', parameter: 'programmes.tech-transaction-subsidy.nope', target: { statistic: 'mean', op: '<=', value: 1 } }, 422, 'ANALYSIS_INVALID', 'parameter'],
    ]
    for (const [payload, status, code, path] of cases) {
      const res = await post(payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(status)
      expect(res.json().code, path).toBe(code)
      expect(res.json().errors.map((e: { path: string }) => e.path), path).toContain(path)
    }
    // documented, with the errors each route may answer
    const doc = (await app.inject({ url: '/openapi.json' })).json()
    expect(Object.keys(doc.paths['/analyses'].post.responses)).toEqual(expect.arrayContaining(['201', '202', '400', '401', '413', '422']))
    expect(doc.paths['/analyses/{id}'].get.responses['200'].content['application/json'].schema.properties.result).toBeDefined()
    expect(doc.paths['/analyses/{id}'].delete.responses['403']).toBeDefined()
    expect(doc.paths['/analyses/{id}/events'].get.parameters.map((p: { name: string }) => p.name)).toContain('access_token')
    expect(doc.paths['/runs/{id}/compare'].get.responses['200'].content['application/json'].schema.properties.rows).toBeDefined()
    const unknown = '00000000-0000-0000-0000-000000000000'
    for (const [method, url] of [
      ['GET', `/analyses/${unknown}`],
      ['DELETE', `/analyses/${unknown}`],
      ['GET', `/analyses/${unknown}/events`],
    ] as const)
      expect((await app.inject({ method, url })).statusCode, url).toBe(404)
  })

  it('answers 413 with the figures when the analysis’s runs together exceed the work limits, before any run starts', async () => {
    const tight = await testServer(pool as any, { limits: { ...defaultLimits, draws: 50_000_000 } })
    try {
      const res = await tight.inject({ method: 'POST', url: '/analyses', payload: sensitivity({ trials: 2000 }) })
      expect(res.statusCode).toBe(413)
      expect(res.json().code).toBe('LIMIT_EXCEEDED')
      expect(res.json().detail).toMatch(/the analysis's \d+ runs are expected to make about [\d.e+]+ random draws in all, over the limit of 5\.00e\+7 \(MAX_DRAWS\)/)
      expect((await tight.inject({ url: '/analyses' })).json().total).toBe(0)
    } finally {
      await tight.close()
    }
  })
})

describe('an analysis in flight', () => {
  it('streams status and progress as server-sent events until it ends', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' })
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    const { id } = await (await fetch(`${base}/analyses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sensitivity({ trials: 2000 })) })).json()
    const text = await (await fetch(`${base}/analyses/${id}/events`)).text()
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1])
    expect(events[0]).toBe('status')
    expect(events).toContain('progress')
    expect(events.at(-1)).toBe('end')
    const progress = [...text.matchAll(/^event: progress\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]))
    expect(progress[0]).toMatchObject({ runs_done: expect.any(Number), runs: expect.any(Number), fraction: expect.any(Number) })
    const fractions = progress.map((p) => p.fraction)
    expect(fractions.at(-1)).toBeGreaterThan(fractions[0])
    const end = JSON.parse(text.trim().split('\n').at(-1)!.replace(/^data: /, ''))
    expect(end).toMatchObject({ id, status: 'done' })
  })

  it('stops within a second when cancelled (DELETE), and a finished one is deleted (204)', async () => {
    const { id } = (await app.inject({ method: 'POST', url: '/analyses', payload: sensitivity({ trials: 20_000, contribution: false }) })).json()
    for (let i = 0; i < 200 && (await app.inject({ url: `/analyses/${id}` })).json().status !== 'running'; i++) await new Promise((r) => setTimeout(r, 20))
    await new Promise((r) => setTimeout(r, 200))
    const started = performance.now()
    const res = await app.inject({ method: 'DELETE', url: `/analyses/${id}` })
    expect(performance.now() - started).toBeLessThan(1500)
    expect(res.json()).toMatchObject({ status: 'cancelled', error: { code: 'RUN_CANCELLED' } })
    expect((await app.inject({ method: 'DELETE', url: `/analyses/${id}` })).statusCode).toBe(204)
    expect((await app.inject({ url: `/analyses/${id}` })).statusCode).toBe(404)
  })
})

describe('analyses across a restart', () => {
  it('re-queues an analysis interrupted by a shutdown and finishes it with the result it would have had; fails one whose specification was altered', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'budget-sim-analyses-restart-'))
    const config = { dataDir, logLevel: 'silent', maxWaitSeconds: 60 }
    const first = await buildServer({ pool, logger: false, config })
    const request = sensitivity({ trials: 3000, contribution: false })
    const { id } = (await first.inject({ method: 'POST', url: '/analyses', payload: request })).json()
    for (let i = 0; i < 200 && (await first.inject({ url: `/analyses/${id}` })).json().status !== 'running'; i++) await new Promise((r) => setTimeout(r, 20))
    await first.close()
    // an analysis whose stored specification no longer matches its hash
    const store = new AnalysisStore(dataDir)
    const record = store.get(id)!
    const altered = structuredClone(record.definition) as any
    altered.spec.trials = 7
    store.insert({ ...record, id: '11111111-1111-1111-1111-111111111111', status: 'queued', definition: altered, attempts: 0 })
    store.close()

    const second = await buildServer({ pool, logger: false, config })
    try {
      const resumed = await waitAnalysis(second, id)
      expect(resumed).toMatchObject({ status: 'done', attempts: 2 })
      expect((await second.inject({ url: '/analyses/11111111-1111-1111-1111-111111111111' })).json()).toMatchObject({ status: 'failed', error: { code: 'SPEC_INVALID' } })
      const fresh = (await second.inject({ method: 'POST', url: '/analyses', headers: { prefer: 'wait=60' }, payload: request })).json()
      expect(resumed.result).toEqual(fresh.result)
    } finally {
      await second.close()
    }
  })
})

describe('GET /runs/:id/compare', () => {
  it('gives the budget-impact table of two stored runs on the same draws, as computed directly from their trials', async () => {
    const reform = await runAndWait(app, { preset: 'reform-cap-3m', trials: 200 })
    const baseline = await runAndWait(app, { preset: 'guangzhou-2015-2017-baseline', trials: 200 })
    const res = await app.inject({ url: `/runs/${reform.id}/compare?against=${baseline.id}` })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ run: reform.id, against: baseline.id, measure: 'demand', trials: 200, seed: '20150827' })
    expect(body.rows).toHaveLength(16)
    const dir = mkdtempSync(join(tmpdir(), 'budget-sim-compare-api-'))
    for (const [name, run] of [
      ['reform', reform],
      ['baseline', baseline],
    ]) {
      const file = await app.inject({ url: `/runs/${run.id}/trials.arrow` })
      writeFileSync(join(dir, `${name}.arrow`), file.rawPayload)
    }
    for (const row of body.rows) {
      const byHand = pairedByHand(directTotals(join(dir, 'baseline.arrow'), row.year, row.level), directTotals(join(dir, 'reform.arrow'), row.year, row.level))
      expect(row.difference, `${row.year} ${row.level}`).toBeCloseTo(byHand.difference, 4)
      expect(row.difference_se, `${row.year} ${row.level}`).toBeCloseTo(byHand.se, 4)
      expect(row.mean_before).toBeCloseTo(byHand.before, 4)
    }
    // runs on other draws are refused, naming the parameter
    const other = await runAndWait(app, { preset: 'guangzhou-2015-2017-baseline', trials: 200, seed: 5 })
    const refused = await app.inject({ url: `/runs/${reform.id}/compare?against=${other.id}` })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().errors[0].path).toBe('query.against')
    expect((await app.inject({ url: `/runs/${reform.id}/compare` })).statusCode).toBe(400)
  })
})

describe('POST /runs with precision', () => {
  it('adds trials until the figure is precise enough and becomes the fixed run of the trials used', async () => {
    const run = await runAndWait(app, { preset: 'guangzhou-2015-2017-baseline', trials: 5000, precision: [{ statistic: 'mean', level: 'all', year: 'all', se: 2e6 }] })
    expect(run.status).toBe('done')
    expect(run.precision).toMatchObject({ met: true, max_trials: 5000, targets: [{ statistic: 'mean', se: 2e6 }] })
    const used = run.precision.trials_used
    expect(used).toBeLessThan(5000)
    expect(run.trials).toBe(used)
    expect(run.progress.trials_done).toBe(used)
    const fixed = await runAndWait(app, { preset: 'guangzhou-2015-2017-baseline', trials: used })
    expect(run.spec_hash).toBe(fixed.spec_hash)
    expect((await app.inject({ url: `/runs/${run.id}/summary` })).json()).toEqual((await app.inject({ url: `/runs/${fixed.id}/summary` })).json())
    expect((await app.inject({ url: `/runs/${run.id}/trials.arrow` })).rawPayload.equals((await app.inject({ url: `/runs/${fixed.id}/trials.arrow` })).rawPayload)).toBe(true)
    const bad = await app.inject({ method: 'POST', url: '/runs', payload: { preset: 'guangzhou-2015-2017-baseline', precision: [{ statistic: 'p_exceed', level: 'national', se: 0.01 }] } })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().errors[0].path).toBe('precision[0].statistic')
    const malformed = await app.inject({ method: 'POST', url: '/runs', payload: { preset: 'guangzhou-2015-2017-baseline', precision: [{ statistic: 'mean', se: -1 }] } })
    expect(malformed.statusCode).toBe(400)
  })
})

describe('analyses with tokens', () => {
  it('need a token to submit, and only their creator (or an admin) may cancel or delete them', async () => {
    const tokens = join(mkdtempSync(join(tmpdir(), 'budget-sim-tokens-')), 'tokens')
    const alice = 'a'.repeat(32)
    const bob = 'b'.repeat(32)
    writeFileSync(tokens, `user:${alice}\nuser:${bob}\n`, { mode: 0o600 })
    const secured = await testServer(pool as any, { apiTokensFile: tokens, maxWaitSeconds: 60 })
    try {
      expect((await secured.inject({ method: 'POST', url: '/analyses', payload: sensitivity() })).statusCode).toBe(401)
      const res = await secured.inject({ method: 'POST', url: '/analyses', payload: sensitivity({ contribution: false }), headers: { authorization: `Bearer ${alice}`, prefer: 'wait=60' } })
      expect(res.statusCode).toBe(201)
      const { id } = res.json()
      const forbidden = await secured.inject({ method: 'DELETE', url: `/analyses/${id}`, headers: { authorization: `Bearer ${bob}` } })
      expect(forbidden.statusCode).toBe(403)
      expect((await secured.inject({ method: 'DELETE', url: `/analyses/${id}`, headers: { authorization: `Bearer ${alice}` } })).statusCode).toBe(204)
    } finally {
      await secured.close()
    }
  })
})
