// Why: runs are resources. POST creates one (202 + Location, or 201 when `Prefer: wait=N` sees it
// finish), GET lists and reads them, DELETE cancels or removes one, and /events streams progress.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'
import { BudgetSimError, invalidScenario, type Issue } from '../../engine/errors.js'
import { listPresets, loadPresetData } from '../../engine/scenario/presets.js'
import { resolveScenario } from '../../engine/scenario/resolveScenario.js'
import { createRunSpec } from '../../engine/run/RunSpec.js'
import { checkPrecisionTargets } from '../../engine/analysis/precision.js'
import { checkPrecision } from '../../workers/analysis/precisionRun.js'
import { streamStatusEvents } from './statusEventStream.js'
import { ApiError } from '../errors.js'
import { FinalStatuses, type RunStatus } from '../store/RunStore.js'
import { runResource } from '../runs/runResource.js'
import { problems, runRequestSchema, RunSchema } from '../schemas.js'
import { YAML_TYPES } from '../server.js'

export interface RunRequest {
  preset?: string
  overrides?: Record<string, unknown>
  scenario?: Record<string, unknown>
  trials?: number
  seed?: number | string
  /** a run to a precision: targets, `trials` the maximum */
  precision?: { statistic: string; level?: string; year?: number | 'all'; measure?: string; se: number }[]
}

const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$', description: 'run id' }) })

/** The run or RUN_NOT_FOUND. */
export function findRun(app: FastifyInstance, id: string) {
  const record = app.manager.get(id)
  if (!record) throw new ApiError('RUN_NOT_FOUND', `no run with id ${id}`)
  return record
}

/** Seconds asked for by `Prefer: wait=N` (RFC 7240), capped by the server's maximum. */
export function preferredWait(header: string | string[] | undefined, max: number): number {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '')
  const m = /(?:^|[,;\s])wait\s*=\s*"?(\d+)"?/i.exec(text)
  return m ? Math.min(Number(m[1]), max) : 0
}

/** Turn the request into a scenario document, and its errors' paths into request paths. */
export function scenarioFromRequest(body: RunRequest): {
  doc: Record<string, unknown>
  preset: string | null
  /** the preset as parsed, for resolveScenario's `extends` (read once) */
  loadPreset?: (name: string) => unknown
  mapPath: (p: string) => string
} {
  if ((body.preset === undefined) === (body.scenario === undefined))
    throw new ApiError('VALIDATION_ERROR', 'give either a preset (with optional overrides) or a whole scenario', [
      { path: body.preset === undefined ? '(body)' : 'scenario', message: body.preset === undefined ? 'needs a preset or a scenario' : 'give a preset or a scenario, not both' },
    ])
  if (body.overrides !== undefined && body.preset === undefined)
    throw new ApiError('VALIDATION_ERROR', 'overrides apply to a preset', [{ path: 'overrides', message: 'needs a preset to apply to' }])
  const flags = (doc: Record<string, unknown>) => {
    if (body.trials !== undefined) doc.trials = body.trials
    if (body.seed !== undefined) doc.seed = body.seed
    return doc
  }
  const direct = (p: string) => (p === 'trials' && body.trials !== undefined) || (p === 'seed' && body.seed !== undefined)
  if (body.preset !== undefined) {
    if (!listPresets().includes(body.preset))
      throw invalidScenario([{ path: 'preset', message: `no preset named "${body.preset}" (presets: ${listPresets().join(', ')})` }])
    const overrides = body.overrides ?? {}
    // a preset run keeps the preset's title, marked when overrides change what it simulates
    const base = loadPresetData(body.preset) as { title?: string; description?: string }
    const changes = Object.keys(overrides).some((k) => !['name', 'title', 'description', 'trials', 'seed'].includes(k))
    const title = overrides.title ?? (base.title ? `${base.title}${changes ? ' (with overrides)' : ''}` : undefined)
    const description = overrides.description ?? base.description
    const doc = flags({
      ...overrides,
      name: (overrides.name as string | undefined) ?? body.preset,
      extends: body.preset,
      ...(title ? { title } : {}),
      ...(description ? { description } : {}),
    })
    const loadPreset = (name: string) => (name === body.preset ? base : loadPresetData(name))
    return { doc, preset: body.preset, loadPreset, mapPath: (p) => (direct(p) ? p : p === 'extends' ? 'preset' : `overrides.${p}`) }
  }
  return { doc: flags({ ...body.scenario! }), preset: null, mapPath: (p) => (direct(p) ? p : `scenario.${p}`) }
}

export async function runRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preValidation', async (request) => {
    // a YAML body is a whole scenario
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (request.method === 'POST' && request.routeOptions.url === '/runs' && YAML_TYPES.includes(type)) request.body = { scenario: request.body }
  })

  app.post<{ Body: RunRequest }>(
    '/runs',
    {
      schema: {
        tags: ['runs'],
        summary: 'Submit a run',
        description:
          'Body: `{ preset, overrides?, trials?, seed? }` or `{ scenario, trials?, seed? }` (JSON), or a scenario as YAML (application/yaml). Answers 202 with Location: /runs/:id. With `Prefer: wait=N` the server waits up to N seconds and answers 201 if the run has finished.',
        body: runRequestSchema(),
        headers: Type.Object({ prefer: Type.Optional(Type.String({ description: 'wait=N (seconds)' })) }),
        response: { 201: RunSchema, 202: RunSchema, ...problems(400, 413, 415, 422, 503, 507) },
      },
      attachValidation: true,
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as RunRequest
      if (typeof body === 'object' && 'preset' in body && 'scenario' in body)
        throw new ApiError('VALIDATION_ERROR', 'give either a preset (with optional overrides) or a whole scenario', [
          { path: 'scenario', message: 'give a preset or a scenario, not both' },
        ])
      if (request.validationError) {
        // problems inside the scenario or overrides are an invalid scenario (422), like
        // POST /scenarios/validate; problems with the request's own fields are a bad request (400)
        const issues = (request.validationError as unknown as { issues?: Issue[] }).issues ?? []
        const inScenario = issues.length > 0 && issues.every((i) => /^(scenario|overrides)[.[]/.test(i.path))
        if (inScenario) throw invalidScenario(issues)
        throw request.validationError
      }
      const { doc, preset, loadPreset, mapPath } = scenarioFromRequest(request.body)
      let resolved
      try {
        resolved = resolveScenario(doc, { loadPreset })
      } catch (e) {
        if (e instanceof BudgetSimError && e.code === 'SCENARIO_INVALID')
          throw invalidScenario(e.issues.map((i: Issue) => ({ path: mapPath(i.path), message: i.message })))
        throw e
      }
      const spec = createRunSpec(resolved, { preset })
      const precision = body.precision ? checkPrecisionTargets(body.precision) : undefined
      if (precision) checkPrecision(spec, precision)
      let record = await app.manager.submit(spec, { precision })
      app.access.claim(record.id, request)
      const wait = preferredWait(request.headers.prefer, app.config.maxWaitSeconds)
      if (wait > 0) {
        record = (await app.manager.waitForFinal(record.id, wait * 1000)) ?? record
        reply.header('preference-applied', `wait=${wait}`)
      }
      const final = FinalStatuses.includes(record.status)
      reply.code(final ? 201 : 202).header('location', `/runs/${record.id}`)
      return runResource(record, app.manager.liveProgress(record.id))
    },
  )

  app.get<{ Querystring: { limit: number; offset: number; status?: string; preset?: string; name?: string; scenario_hash?: string; seed?: string; trials?: number } }>(
    '/runs',
    {
      schema: {
        tags: ['runs'],
        summary: 'Runs, newest first, optionally filtered',
        description: 'Filters: status (comma-separated), preset, name, scenario_hash, seed, trials. A client looking for a finished baseline to compare with asks for status=done&preset=...&trials=...&seed=...',
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 })),
            status: Type.Optional(Type.String({ pattern: '^(queued|running|done|failed|cancelled)(,(queued|running|done|failed|cancelled))*$' })),
            preset: Type.Optional(Type.String({ maxLength: 100 })),
            name: Type.Optional(Type.String({ maxLength: 100 })),
            scenario_hash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
            seed: Type.Optional(Type.String({ maxLength: 200 })),
            trials: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            runs: Type.Array(RunSchema),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
            next: Type.Union([Type.String(), Type.Null()]),
          }),
          ...problems(400),
        },
      },
    },
    async (request, reply) => {
      const { limit = 20, offset = 0, status, ...rest } = request.query
      const filter = { ...rest, status: status?.split(',') as RunStatus[] | undefined, ...app.access.listScope(request) }
      const { runs, total } = app.manager.list(limit, offset, filter)
      const query = new URLSearchParams()
      for (const [k, v] of Object.entries(request.query)) if (v !== undefined && k !== 'offset' && k !== 'limit') query.set(k, String(v))
      const next = offset + limit < total ? `/runs?${query.toString() ? `${query.toString()}&` : ''}limit=${limit}&offset=${offset + limit}` : null
      if (next) reply.header('link', `<${next}>; rel="next"`)
      return { runs: runs.map((r) => runResource(r, app.manager.liveProgress(r.id))), total, limit, offset, next }
    },
  )

  app.get<{ Params: { id: string } }>(
    '/runs/:id',
    { schema: { tags: ['runs'], summary: 'One run: status, progress, timings, error, links', params: IdParams, response: { 200: RunSchema, ...problems(400, 404) } } },
    async (request) => {
      const record = findRun(app, request.params.id)
      return runResource(record, app.manager.liveProgress(record.id))
    },
  )

  app.delete<{ Params: { id: string } }>(
    '/runs/:id',
    {
      schema: {
        tags: ['runs'],
        summary: 'Cancel a queued or running run, or delete a finished one and its files',
        description: 'Cancelling answers 200 with the cancelled run once its workers have stopped; deleting answers 204.',
        params: IdParams,
        response: { 200: RunSchema, 204: Type.Null({ description: 'deleted' }), ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const record = findRun(app, request.params.id)
      if (!FinalStatuses.includes(record.status)) {
        const cancelled = await app.manager.cancel(record.id)
        return runResource(cancelled ?? record)
      }
      await app.manager.delete(record.id)
      return reply.code(204).send()
    },
  )

  app.get<{ Params: { id: string } }>(
    '/runs/:id/events',
    {
      schema: {
        tags: ['runs'],
        summary: 'Server-sent events: progress and status until the run ends',
        description:
          'Events: `status` (the run resource, on every change and first on connect), `progress` ({trials_done, trials, phase}, about 10 a second), `end` (the final run resource; the stream then closes), `shutdown`.',
        params: IdParams,
        produces: ['text/event-stream'],
      },
    },
    async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      streamStatusEvents(app, request, reply, findRun(app, request.params.id), app.manager, FinalStatuses, runResource)
    },
  )
}
