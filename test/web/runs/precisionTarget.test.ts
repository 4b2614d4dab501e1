// Why: "run until precise" in the page's run box sends the target it reads (web/src/runs/
// precisionTarget.ts) as `precision` in POST /runs, the trials being the maximum. Sent to the real
// server (in process, one worker thread), the body is accepted, and the run's `precision` block is
// what the page turns into words.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ResolvedScenario } from '../../../web/src/api/types.js'
import { precisionOutcome, readPrecision } from '../../../web/src/runs/precisionTarget.js'
import { runRequest, type Source } from '../../../web/src/scenario/request.js'
import resolvedJson from '../../../web/test/fixtures/baseline-resolved.json'
import { TaskPool } from '../../../workers/pipeline/TaskPool.js'
import { testServer } from '../../api/helpers.js'

const source: Source = { kind: 'preset', name: 'guangzhou-2015-2017-baseline', title: 'Baseline', resolved: resolvedJson as unknown as ResolvedScenario }
const pool = new TaskPool({ threads: 1 })
let app: FastifyInstance
beforeAll(async () => {
  app = await testServer(pool as any, { maxWaitSeconds: 60 })
})
afterAll(async () => {
  await app.close()
  await pool.destroy()
})

describe('a run until precise, as the page asks for it', () => {
  it('is accepted with the trials as its maximum, and reports the target met at the trials it used', async () => {
    const wanted = readPrecision({ statistic: 'mean', level: 'municipal', year: 2017, se: '500万' })
    if (!wanted.ok) throw new Error(wanted.message)
    const res = await app.inject({ method: 'POST', url: '/runs', payload: { ...runRequest(source, { trials: 1400 }), precision: [wanted.target] }, headers: { prefer: 'wait=60' } })
    expect(res.statusCode, res.body).toBe(201)
    const run = res.json()
    expect(run.precision).toMatchObject({ max_trials: 1400, met: true, trials_used: 1000, targets: [{ statistic: 'mean', level: 'municipal', year: 2017, measure: 'demand', se: 5_000_000 }] })
    expect(run.trials).toBe(1000)
    expect(precisionOutcome(run.precision)).toMatchObject({ met: true, trialsUsed: 1000, maxTrials: 1400, text: expect.stringMatching(/^Precise enough at 1,000 trials \(of at most 1,400\)/) })
  })
})
