// Runaway work and resources: a run is sized by every random draw it will make before it is
// accepted (413 with the figures), a run that starts is stopped within a second when cancelled
// whatever it is doing, a full run store refuses (507) or evicts as configured, and a full queue
// says when to come back from the work queued ahead.
import { afterAll, describe, expect, it } from 'vitest'
import { defaultLimits } from '../../engine/limits.js'
import { TaskPool } from '../../workers/pipeline/TaskPool.js'
import { testServer, waitDone } from './helpers.js'

const pool = new TaskPool({ threads: 2 })
afterAll(() => pool.destroy())

/** The request from the security review: 10 applicants x 10^9 contracts each, 4 trials. */
const hog = {
  scenario: {
    name: 'hog',
    years: [2015],
    trials: 4,
    seed: 1,
    programmes: {
      'tech-transaction-subsidy': { years: [2015], applicants: { fixed: { value: 10 } }, contracts_per_applicant: { fixed: { value: 1_000_000_000 } } },
    },
  },
}

describe('work limits', () => {
  it('refuse the hog request before it starts, counting the contracts of every applicant (413 with the figures)', async () => {
    const app = await testServer(pool)
    try {
      const res = await app.inject({ method: 'POST', url: '/runs', payload: hog })
      expect(res.statusCode).toBe(413)
      const problem = res.json()
      expect(problem.code).toBe('LIMIT_EXCEEDED')
      expect(problem.detail).toMatch(/about 4\.00e\+10 random draws expected \(1\.00e\+10 per trial\), over the limit of 1\.00e\+10 \(MAX_DRAWS\)/)
      expect((await app.inject({ url: '/runs' })).json().total).toBe(0)
    } finally {
      await app.close()
    }
  })

  it('stop a run that was let in within a second of DELETE, in the middle of a trial', async () => {
    const app = await testServer(pool, { limits: { ...defaultLimits, draws: 1e12 } })
    try {
      const { id } = (await app.inject({ method: 'POST', url: '/runs', payload: hog })).json()
      for (let i = 0; i < 100 && (await app.inject({ url: `/runs/${id}` })).json().status !== 'running'; i++) await new Promise((r) => setTimeout(r, 20))
      await new Promise((r) => setTimeout(r, 300))
      const started = performance.now()
      const res = await app.inject({ method: 'DELETE', url: `/runs/${id}` })
      expect(performance.now() - started).toBeLessThan(1000)
      expect(res.json()).toMatchObject({ status: 'cancelled', error: { code: 'RUN_CANCELLED' } })
    } finally {
      await app.close()
    }
  })

  it('shut the server down within its grace period while a run is in the middle of a trial', async () => {
    const app = await testServer(pool, { limits: { ...defaultLimits, draws: 1e12 } })
    const { id } = (await app.inject({ method: 'POST', url: '/runs', payload: hog })).json()
    for (let i = 0; i < 100 && (await app.inject({ url: `/runs/${id}` })).json().status !== 'running'; i++) await new Promise((r) => setTimeout(r, 20))
    const started = performance.now()
    await app.close()
    expect(performance.now() - started).toBeLessThan(2000)
  })
})

describe('the disk budget (MAX_DATA_BYTES)', () => {
  const run = { preset: 'guangzhou-2015-2017-baseline', trials: 2000 }

  it('refuses a run that would not fit with 507, naming the budget', async () => {
    const app = await testServer(pool, { maxDataBytes: 4_000_000 })
    try {
      const res = await app.inject({ method: 'POST', url: '/runs', payload: run })
      expect(res.statusCode).toBe(507)
      expect(res.json()).toMatchObject({ code: 'STORAGE_FULL' })
      expect(res.json().detail).toMatch(/MAX_DATA_BYTES=0\.00 GiB/)
    } finally {
      await app.close()
    }
  })

  it('refuses once finished runs fill it, and evicts the oldest instead under DATA_POLICY=evict', async () => {
    for (const policy of ['refuse', 'evict'] as const) {
      const app = await testServer(pool, { maxDataBytes: 8_000_000, dataPolicy: policy })
      try {
        const first = (await app.inject({ method: 'POST', url: '/runs', payload: run, headers: { prefer: 'wait=60' } })).json()
        expect(first.status).toBe('done')
        expect(first.bytes).toBeGreaterThan(2_000_000)
        const second = await app.inject({ method: 'POST', url: '/runs', payload: { ...run, seed: 2 }, headers: { prefer: 'wait=60' } })
        if (policy === 'refuse') {
          expect(second.statusCode).toBe(507)
          expect((await app.inject({ url: `/runs/${first.id}` })).statusCode).toBe(200)
        } else {
          expect(second.statusCode).toBe(201)
          expect((await app.inject({ url: `/runs/${first.id}` })).statusCode).toBe(404)
        }
      } finally {
        await app.close()
      }
    }
  })
})

describe('a full queue', () => {
  it('answers 503 with a Retry-After estimated from the work queued ahead, not a fixed guess', async () => {
    const app = await testServer(pool, { maxConcurrentRuns: 1, maxQueuedRuns: 1 })
    try {
      const post = (trials: number, seed: number) => app.inject({ method: 'POST', url: '/runs', payload: { preset: 'bench-tech-transaction', trials, seed } })
      const running = (await post(50_000, 1)).json()
      const queued = (await post(50_000, 2)).json()
      const full = await post(10, 3)
      expect(full.statusCode).toBe(503)
      const small = Number(full.headers['retry-after'])
      expect(small).toBeGreaterThanOrEqual(1)
      // twice the work queued ahead: about twice the wait
      await app.inject({ method: 'DELETE', url: `/runs/${queued.id}` })
      await post(100_000, 4)
      const bigger = Number((await post(10, 5)).headers['retry-after'])
      expect(bigger).toBeGreaterThan(small)
      await app.inject({ method: 'DELETE', url: `/runs/${running.id}` })
      for (const r of (await app.inject({ url: '/runs?status=queued,running' })).json().runs) await app.inject({ method: 'DELETE', url: `/runs/${r.id}` })
      await waitDone(app, running.id)
    } finally {
      await app.close()
    }
  })
})
