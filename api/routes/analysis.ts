// Why: the web page (and any client) needs the distribution of one total per trial, optionally
// paired against another run on the same draws (a reform against its baseline), and the run's
// parameters with their provenance (policy or assumption).
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { Distribution } from '../../engine/summary/distribution.js'
import { compilePlan } from '../../engine/plan/compilePlan.js'
import { ApiError } from '../errors.js'
import { ByteBoundedCache } from '../runs/ByteBoundedCache.js'
import type { RunRecord } from '../store/RunStore.js'
import { problems } from '../schemas.js'
import { findRun } from './runs.js'
import { scenarioView } from '../../engine/scenario/scenarioView.js'

const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) })
const Measures = ['demand', 'paid', 'shortfall', 'cap_saved', 'applicants', 'approved', 'capped', 'quota_rejected', 'recipients']

interface Query {
  measure?: string
  year?: string
  programme?: string
  level?: string
  bins?: number
  range?: string
  against?: string
}

/** "all" or omitted -> undefined; otherwise the comma-separated items. */
function items(v: string | undefined): string[] | undefined {
  if (v === undefined || v === 'all') return undefined
  const out = [...new Set(v.split(',').map((x) => x.trim()).filter(Boolean))]
  return out.length > 0 && !out.includes('all') ? out : undefined
}

export async function analysisRoutes(app: FastifyInstance): Promise<void> {
  /** distributions computed from stored runs, bounded in bytes (DISTRIBUTION_CACHE_BYTES) */
  const cache = new ByteBoundedCache<Distribution & Record<string, unknown>>(8 * 1024 * 1024)

  function doneRun(id: string, path: string): RunRecord {
    const record = findRun(app, id)
    if (record.status !== 'done') throw new ApiError('RUN_NOT_READY', `run ${id} is ${record.status}`, [{ path, message: `run ${id} has no results (${record.status})` }])
    return record
  }

  app.get<{ Params: { id: string }; Querystring: Query }>(
    '/runs/:id/distribution',
    {
      schema: {
        tags: ['runs'],
        summary: 'Distribution of one total per trial: histogram, exceedance curve, quantiles',
        description:
          'Sums `measure` per trial over the rows matching `year`, `programme` and `level` (each "all" or omitted for all, or a comma-separated list: `level=provincial,municipal` sums those levels). With `against=<run id>` the distribution is of the per-trial difference this - other, which is meaningful because runs with the same seed share their draws (common random numbers); both runs must have the same trials and seed. Computed in a worker thread from the stored trials file.',
        params: IdParams,
        querystring: Type.Object(
          {
            measure: Type.Optional(Type.Enum(Measures, { default: 'demand' })),
            year: Type.Optional(Type.String({ default: 'all', maxLength: 200 })),
            programme: Type.Optional(Type.String({ default: 'all', maxLength: 2000 })),
            level: Type.Optional(Type.String({ default: 'all', maxLength: 200 })),
            bins: Type.Optional(Type.Integer({ minimum: 2, maximum: 500, default: 40 })),
            range: Type.Optional(Type.String({ maxLength: 100, description: 'min,max of the histogram (CNY or count), so several runs share bins; values outside are counted in below/above' })),
            against: Type.Optional(Type.String({ pattern: '^[0-9a-f-]{36}$' })),
          },
          { additionalProperties: false },
        ),
        response: { ...problems(400, 404, 409) },
      },
    },
    async (request) => {
      const q = request.query
      const record = doneRun(request.params.id, 'params.id')
      const spec = record.spec
      const plan = compilePlan(spec, spec.seed)
      const issues = []
      const yearsText = items(q.year)
      const years = yearsText?.map(Number)
      for (const y of yearsText ?? [])
        if (!/^\d{4}$/.test(y) || !spec.years.includes(Number(y))) issues.push({ path: 'query.year', message: `${y} is not a year of this run (${spec.years.join(', ')}, all)` })
      const programmes = items(q.programme)
      for (const p of programmes ?? [])
        if (!plan.programmes.some((x) => x.id === p)) issues.push({ path: 'query.programme', message: `${p} is not a programme of this run (${plan.programmes.map((x) => x.id).join(', ')}, all)` })
      const levels = items(q.level)
      for (const l of levels ?? [])
        if (!(plan.levels as string[]).includes(l)) issues.push({ path: 'query.level', message: `${l} is not a funding level of this run (${plan.levels.join(', ')}, all)` })
      let range: [number, number] | undefined
      if (q.range !== undefined) {
        const parts = q.range.split(',').map((x) => Number(x.trim()))
        if (parts.length !== 2 || !parts.every(Number.isFinite) || !(parts[0] < parts[1]))
          issues.push({ path: 'query.range', message: `must be two finite numbers min,max with min < max, got "${q.range}"` })
        else range = [parts[0], parts[1]]
      }
      let other: RunRecord | null = null
      if (q.against) {
        other = doneRun(q.against, 'query.against')
        if (other.trials !== record.trials || other.seed !== record.seed)
          issues.push({ path: 'query.against', message: `run ${other.id} has ${other.trials} trials and seed ${other.seed}; this run has ${record.trials} and ${record.seed}` })
      }
      if (issues.length > 0) throw new ApiError('VALIDATION_ERROR', 'the selection does not match this run', issues)
      const measure = q.measure ?? 'demand'
      const bins = q.bins ?? 40
      const key = JSON.stringify([record.id, other?.id, measure, years, programmes, levels, bins, range])
      const hit = cache.get(key)
      if (hit) return hit
      const value = await app.pool.run<Distribution>(
        `read:${record.id}`,
        {
          kind: 'read',
          task: {
            kind: 'distribution',
            path: app.manager.trialsFile(record.id),
            against: other ? app.manager.trialsFile(other.id) : undefined,
            trials: record.trials,
            selection: { measure, years, programmes, levels },
            bins,
            points: 200,
            range,
          },
        },
        `the distribution of run ${record.id}`,
      )
      // the appropriation the selection is measured against: summed over its years and levels when each has one
      let appropriation: number | null = null
      if (!other && programmes === undefined && (measure === 'demand' || measure === 'paid')) {
        const yearIndices = (years ?? spec.years).map((y) => plan.years.indexOf(y))
        const levelIndices = (levels ?? (plan.levels as string[])).map((l) => (plan.levels as string[]).indexOf(l))
        let total = 0
        for (const li of levelIndices)
          for (const yi of yearIndices) {
            const a = plan.appropriation[li * plan.years.length + yi]
            if (Number.isNaN(a)) total = NaN
            else total += a
          }
        appropriation = Number.isNaN(total) ? null : total
      }
      const body = {
        run: record.id,
        against: q.against ?? null,
        measure,
        year: years ? (years.length === 1 ? years[0] : years.join(',')) : 'all',
        programme: programmes ? programmes.join(',') : 'all',
        level: levels ? levels.join(',') : 'all',
        appropriation,
        ...value,
      }
      cache.set(key, body, JSON.stringify(body).length)
      return body
    },
  )

  app.get<{ Params: { id: string } }>(
    '/runs/:id/scenario',
    {
      schema: {
        tags: ['runs'],
        summary: "The run's specification: every parameter with its provenance (policy, assumption, scenario), as resolved when the run was submitted",
        params: IdParams,
        response: { ...problems(400, 404) },
      },
    },
    async (request) => scenarioView(findRun(app, request.params.id).spec),
  )

  app.addHook('onResponse', async (request) => {
    if (request.method === 'DELETE' && request.url.startsWith('/runs/')) cache.clear()
  })
}
