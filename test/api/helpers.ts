// Helpers for API tests: a server on a fresh data directory, sharing one worker pool.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Piscina } from 'piscina'
import { buildServer } from '../../api/server.js'
import type { Config } from '../../api/config.js'

export async function testServer(pool: Piscina, config: Partial<Config> = {}): Promise<FastifyInstance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'budget-sim-api-'))
  return buildServer({ pool, logger: false, config: { dataDir, logLevel: 'silent', ...config } })
}

/** POST /runs and wait (Prefer: wait) for the run to finish; returns the run resource. */
export async function runAndWait(app: FastifyInstance, body: object): Promise<any> {
  const res = await app.inject({ method: 'POST', url: '/runs', payload: body, headers: { prefer: 'wait=60' } })
  if (res.statusCode !== 201) throw new Error(`run did not finish: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** Poll GET /runs/:id until the status is final. */
export async function waitDone(app: FastifyInstance, id: string, timeoutMs = 60_000): Promise<any> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const run = (await app.inject({ url: `/runs/${id}` })).json()
    if (['done', 'failed', 'cancelled'].includes(run.status)) return run
    if (Date.now() > until) throw new Error(`run ${id} still ${run.status}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export const small = { preset: 'guangzhou-2015-2017-baseline', trials: 200 }
