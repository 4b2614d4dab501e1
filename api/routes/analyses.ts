// Why: decision analyses as resources. POST /analyses checks a sensitivity analysis (tornado and
// contribution to variance) or a goal seek against its scenario, bounds its total work, stores it
// and answers 202 with its Location; GET follows its progress (also as server-sent events), DELETE
// cancels it (or deletes a finished one), and GET /analyses lists them; a finished one has a report
// (./analysisReport.ts). GET /runs/:id/compare is the budget-impact table of a run against a
// baseline run on the same draws, computed in a worker thread from the two stored trials files
// (app.comparisons).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'
import type { GoalOperator } from '../../engine/analysis/goalSeek.js'
import type { Statistic } from '../../engine/analysis/target.js'
import { BudgetSimError, invalidScenario, type Issue } from '../../engine/errors.js'
import { createRunSpec } from '../../engine/run/RunSpec.js'
import { resolveScenario } from '../../engine/scenario/resolveScenario.js'
import { defineGoalSeek } from '../../workers/analysis/goalSeek.js'
import { defineSensitivity } from '../../workers/analysis/sensitivity.js'
import { AnalysisManager, FinalAnalysisStatuses, type AnalysisDefinition } from '../analyses/AnalysisManager.js'
import { analysisResource } from '../analyses/analysisResource.js'
import { AnalysisStore, type AnalysisStatus } from '../analyses/AnalysisStore.js'
import { AnalysisSchema, analysisRequestSchema, CompareSchema } from '../analyses/schemas.js'
import { streamStatusEvents } from './statusEventStream.js'
import { ApiError } from '../errors.js'
import { problems } from '../schemas.js'
import { analysisReportRoutes } from './analysisReport.js'
import { findRun, preferredWait, scenarioFromRequest, type RunRequest } from './runs.js'

const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$', description: 'analysis id' }) })
const RunIdParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$', description: 'run id' }) })

interface AnalysisRequest extends RunRequest {
  kind: 'sensitivity' | 'goal_seek'
  target?: { measure?: string; level?: string; year?: number | 'all'; statistic?: Statistic; op?: GoalOperator; value?: number }
  ranges?: { path: string; low: number; high: number }[]
  contribution?: { vectors?: number; trials_per_vector?: number } | false
  seeded_ranges?: boolean
  parameter?: string
  interval?: [number, number]
  replicates?: number
}

/** Fields that belong to the other kind of analysis: 400 naming them. */
function checkKindFields(body: AnalysisRequest): void {
  const issues: Issue[] = []
  const other = (fields: string[], kind: string) => {
    for (const f of fields) if ((body as unknown as Record<string, unknown>)[f] !== undefined) issues.push({ path: f, message: `not used by a ${kind} analysis` })
  }
  if (body.kind === 'sensitivity') {
    other(['parameter', 'interval', 'replicates'], 'sensitivity')
    for (const f of ['op', 'value'] as const) if (body.target?.[f] !== undefined) issues.push({ path: `target.${f}`, message: 'a sensitivity analysis has no condition (goal_seek has)' })
  } else {
    other(['ranges', 'contribution', 'seeded_ranges'], 'goal_seek')
    if (body.parameter === undefined) issues.push({ path: 'parameter', message: 'is required: the parameter path to seek, e.g. programmes.tech-transaction-subsidy.cap' })
    for (const f of ['statistic', 'op', 'value'] as const)
      if (body.target?.[f] === undefined) issues.push({ path: `target.${f}`, message: 'is required for a goal seek (e.g. statistic p_exceed, op <=, value 0.05)' })
    if (body.target?.statistic === 'p_exceed' && body.target.value !== undefined && !(body.target.value >= 0 && body.target.value <= 1))
      issues.push({ path: 'target.value', message: `a probability must be between 0 and 1, got ${body.target.value}` })
  }
  if (issues.length > 0) throw new ApiError('VALIDATION_ERROR', 'the request is invalid', issues)
}

export async function analysesRoutes(app: FastifyInstance): Promise<void> {
  const store = new AnalysisStore(app.config.dataDir)
  const manager = new AnalysisManager(store, app.pool, app.executor, app.config, app.log)
  app.access.guard('/analyses/:id', (id) => store.get(id))
  app.addHook('preClose', async () => manager.shutdown())
  app.addHook('onClose', async () => store.close())

  const find = (id: string) => {
    const record = manager.get(id)
    if (!record) throw new ApiError('RUN_NOT_FOUND', `no analysis with id ${id}`)
    return record
  }

  app.post<{ Body: AnalysisRequest }>(
    '/analyses',
    {
      schema: {
        tags: ['analyses'],
        summary: 'Submit a sensitivity analysis (tornado) or a goal seek',
        description:
          'Every run of the analysis uses the same seed (common random numbers) and goes through the same pipeline as runs. Answers 202 with Location: /analyses/:id (201 when `Prefer: wait=N` sees it finish). The total expected work of all its runs is checked against the limits first (413 with the figures).',
        body: analysisRequestSchema(),
        headers: Type.Object({ prefer: Type.Optional(Type.String({ description: 'wait=N (seconds)' })) }),
        response: { 201: AnalysisSchema, 202: AnalysisSchema, ...problems(400, 413, 422, 503) },
      },
      attachValidation: true,
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as AnalysisRequest
      if (request.validationError) {
        const issues = (request.validationError as unknown as { issues?: Issue[] }).issues ?? []
        if (issues.length > 0 && issues.every((i) => /^(scenario|overrides)[.[]/.test(i.path))) throw invalidScenario(issues)
        throw request.validationError
      }
      checkKindFields(body)
      const { doc, preset, loadPreset, mapPath } = scenarioFromRequest(body)
      let spec
      try {
        spec = createRunSpec(resolveScenario(doc, { loadPreset }), { preset })
      } catch (e) {
        if (e instanceof BudgetSimError && e.code === 'SCENARIO_INVALID') throw invalidScenario(e.issues.map((i: Issue) => ({ path: mapPath(i.path), message: i.message })))
        throw e
      }
      let definition: AnalysisDefinition
      if (body.kind === 'sensitivity') {
        definition = defineSensitivity({ spec, target: body.target ?? {}, ranges: body.ranges, contribution: body.contribution, seededRanges: body.seeded_ranges })
      } else {
        const t = body.target!
        definition = defineGoalSeek({
          spec,
          parameter: body.parameter!,
          target: { measure: t.measure, level: t.level, year: t.year },
          condition: { statistic: t.statistic!, op: t.op!, value: t.value! },
          interval: body.interval,
          replicates: body.replicates,
        })
      }
      let record = manager.submit(definition, body as unknown as Record<string, unknown>, app.access.fingerprint(request))
      const wait = preferredWait(request.headers.prefer, app.config.maxWaitSeconds)
      if (wait > 0) {
        record = (await manager.waitForFinal(record.id, wait * 1000)) ?? record
        reply.header('preference-applied', `wait=${wait}`)
      }
      reply.code(FinalAnalysisStatuses.includes(record.status) ? 201 : 202).header('location', `/analyses/${record.id}`)
      return analysisResource(record, manager.liveProgress(record.id))
    },
  )

  app.get<{ Querystring: { limit?: number; offset?: number; status?: string; kind?: 'sensitivity' | 'goal_seek' } }>(
    '/analyses',
    {
      schema: {
        tags: ['analyses'],
        summary: 'Analyses, newest first',
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 })),
            status: Type.Optional(Type.String({ pattern: '^(queued|running|done|failed|cancelled)(,(queued|running|done|failed|cancelled))*$' })),
            kind: Type.Optional(Type.Enum(['sensitivity', 'goal_seek'])),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ analyses: Type.Array(AnalysisSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(), next: Type.Union([Type.String(), Type.Null()]) }),
          ...problems(400),
        },
      },
    },
    async (request) => {
      const { limit = 20, offset = 0, status, kind } = request.query
      const scope = app.access.listScope(request)
      const { analyses, total } = manager.list(limit, offset, { status: status?.split(',') as AnalysisStatus[] | undefined, kind, ...scope })
      const query = new URLSearchParams()
      if (status) query.set('status', status)
      if (kind) query.set('kind', kind)
      const next = offset + limit < total ? `/analyses?${query.toString() ? `${query.toString()}&` : ''}limit=${limit}&offset=${offset + limit}` : null
      return { analyses: analyses.map((a) => analysisResource(a, manager.liveProgress(a.id))), total, limit, offset, next }
    },
  )

  app.get<{ Params: { id: string } }>(
    '/analyses/:id',
    { schema: { tags: ['analyses'], summary: 'One analysis: status, progress (runs), result, error', params: IdParams, response: { 200: AnalysisSchema, ...problems(400, 404) } } },
    async (request) => {
      const record = find(request.params.id)
      return analysisResource(record, manager.liveProgress(record.id))
    },
  )

  app.delete<{ Params: { id: string } }>(
    '/analyses/:id',
    {
      schema: {
        tags: ['analyses'],
        summary: 'Cancel a queued or running analysis (its runs stop within a trial), or delete a finished one',
        params: IdParams,
        response: { 200: AnalysisSchema, 204: Type.Null({ description: 'deleted' }), ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const record = find(request.params.id)
      if (!FinalAnalysisStatuses.includes(record.status)) return analysisResource((await manager.cancel(record.id)) ?? record)
      manager.delete(record.id)
      return reply.code(204).send()
    },
  )

  app.get<{ Params: { id: string } }>(
    '/analyses/:id/events',
    {
      schema: {
        tags: ['analyses'],
        summary: 'Server-sent events: progress and status until the analysis ends',
        description: 'Events: `status` (the analysis resource, on every change and first on connect), `progress` ({runs_done, runs, fraction}, a few a second), `end` (the final resource; the stream then closes), `shutdown`.',
        params: IdParams,
        produces: ['text/event-stream'],
      },
    },
    async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      streamStatusEvents(app, request, reply, find(request.params.id), manager, FinalAnalysisStatuses, analysisResource)
    },
  )

  app.get<{ Params: { id: string }; Querystring: { against: string; measure?: 'demand' | 'paid' } }>(
    '/runs/:id/compare',
    {
      schema: {
        tags: ['runs'],
        summary: 'Budget impact of this run (a reform) against another run (its baseline) on the same draws',
        description:
          'By year (and all) and funding level (and all): mean outlay before (`against`) and after (this run), the difference with its paired standard error (sd of the per-trial differences / sqrt(trials), valid because runs with the same seed share their draws), P95 before and after, and the chance of exceeding the appropriation before and after (where there is one). Both runs must be done, with the same trials and seed. Computed in a worker thread from the two stored trials files.',
        params: RunIdParams,
        querystring: Type.Object(
          {
            against: Type.String({ pattern: '^[0-9a-f-]{36}$', description: 'the baseline run' }),
            measure: Type.Optional(Type.Enum(['demand', 'paid'], { default: 'demand' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: CompareSchema, ...problems(400, 404, 409) },
      },
    },
    async (request) => app.comparisons.compare(findRun(app, request.params.id), findRun(app, request.query.against), request.query.measure ?? 'demand'),
  )
  await app.register(analysisReportRoutes, { analysis: find })
  await manager.recover()
}
