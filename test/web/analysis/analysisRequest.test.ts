// Why: the page builds POST /analyses from its form (web/src/analysis/analysisRequest.ts); the
// server must take exactly those bodies. Sent to the real server (in process, one worker thread),
// each is accepted and answers the question the page asked.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ResolvedScenario } from '../../../web/src/api/types.js'
import { analysisRequest, type AnalysisFormValues } from '../../../web/src/analysis/analysisRequest.js'
import type { Source } from '../../../web/src/scenario/request.js'
import resolvedJson from '../../../web/test/fixtures/baseline-resolved.json'
import { TaskPool } from '../../../workers/pipeline/TaskPool.js'
import { testServer } from '../../api/helpers.js'

const BASELINE = 'guangzhou-2015-2017-baseline'
const source: Source = { kind: 'preset', name: BASELINE, title: 'Baseline', resolved: resolvedJson as unknown as ResolvedScenario }
const pool = new TaskPool({ threads: 1 })
let app: FastifyInstance
beforeAll(async () => {
  app = await testServer(pool as any, { maxWaitSeconds: 60 })
})
afterAll(async () => {
  await app.close()
  await pool.destroy()
})

const form: AnalysisFormValues = {
  kind: 'sensitivity',
  statistic: 'mean',
  level: 'municipal',
  year: 2017,
  trials: 50,
  seededRanges: false,
  ranges: [
    { path: 'programmes.tech-transaction-subsidy.cap', low: 3_000_000, high: 8_000_000 },
    { path: 'appropriations.municipal.2017', low: 150_000_000, high: 250_000_000 },
  ],
  contribution: { vectors: 4, trials_per_vector: 2 },
  parameter: 'appropriations.municipal.2017',
  op: '<=',
  value: 0.1,
  interval: null,
  replicates: 1,
}

const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload, headers: { prefer: 'wait=60' } })

describe('what the page sends', () => {
  it('a tornado of the preset with the planner’s edits and ranges is accepted and answers the figure asked', async () => {
    const body = analysisRequest(source, { programmes: { 'tech-transaction-subsidy': { approval_rate: 0.8 } } }, form)
    const res = await post('/analyses', body)
    expect(res.statusCode, res.body).toBe(201)
    const a = res.json()
    expect(a).toMatchObject({ kind: 'sensitivity', status: 'done', trials: 50 })
    expect(a.result.target).toEqual({ measure: 'demand', level: 'municipal', year: 2017, statistic: 'mean' })
    expect(a.result.bars.map((b: { parameter: string }) => b.parameter).sort()).toEqual(form.ranges.map((r) => r.path).sort())
    expect(a.result.contribution).toMatchObject({ vectors: 4, trials_per_vector: 2 })
  })

  it('a goal seek with its condition is accepted, and one without contribution or ranges of a tornado', async () => {
    const body = analysisRequest(source, {}, { ...form, kind: 'goal_seek', statistic: 'p_exceed' })
    expect(body).not.toHaveProperty('ranges')
    const res = await post('/analyses', body)
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().result).toMatchObject({ method: 'quantile', parameter: 'appropriations.municipal.2017', condition: { statistic: 'p_exceed', op: '<=', value: 0.1 } })
  })
})
