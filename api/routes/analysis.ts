// Why: the web page (and any client) needs the distribution of one total per trial, optionally
// paired against another run on the same draws (a reform against its baseline), and the run's
// parameters with their provenance (policy or assumption).
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { resolveScenario } from '../../engine/scenario/resolveScenario.js'
import { distribution } from '../../engine/summary/distribution.js'
import { perTrialTotals } from '../../engine/summary/perTrialTotals.js'
import { groupAppropriation } from '../../engine/summary/summarize.js'
import { compilePlan } from '../../engine/plan/compilePlan.js'
import { ApiError } from '../errors.js'
import { TableCache } from '../runs/TrialsCache.js'
import { RunFiles } from '../runs/writeRunDirectory.js'
import type { RunRecord } from '../store/RunStore.js'
import { problems } from '../schemas.js'
import { findRun } from './runs.js'
import { resolvedView } from './scenarios.js'

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

export async function analysisRoutes(app: FastifyInstance): Promise<void> {
  const cache = new TableCache(4)

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
          'Sums `measure` per trial over the rows matching `year`, `programme` and `level` (each "all" or omitted for all; `level` may list several levels, comma-separated, whose rows are summed). With `against=<run id>` the distribution is of the per-trial difference this - other, which is meaningful because runs with the same seed share their draws (common random numbers); both runs must have the same trials and seed.',
        params: IdParams,
        querystring: Type.Object(
          {
            measure: Type.Optional(Type.Enum(Measures, { default: 'demand' })),
            year: Type.Optional(Type.String({ default: 'all' })),
            programme: Type.Optional(Type.String({ default: 'all' })),
            level: Type.Optional(Type.String({ default: 'all', description: 'a funding level, all, or several levels separated by commas (summed per trial)' })),
            bins: Type.Optional(Type.Integer({ minimum: 2, maximum: 500, default: 40 })),
            range: Type.Optional(Type.String({ description: 'min,max of the histogram (CNY or count), so several runs share bins; values outside are counted in below/above' })),
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
      const scenario = resolveScenario(record.scenario)
      const plan = compilePlan(scenario)
      const issues = []
      const year = q.year === undefined || q.year === 'all' ? undefined : Number(q.year)
      if (year !== undefined && !scenario.years.includes(year)) issues.push({ path: 'query.year', message: `${q.year} is not a year of this run (${scenario.years.join(', ')}, all)` })
      const programme = q.programme === undefined || q.programme === 'all' ? undefined : q.programme
      if (programme !== undefined && !plan.programmes.some((p) => p.id === programme))
        issues.push({ path: 'query.programme', message: `${programme} is not a programme of this run (${plan.programmes.map((p) => p.id).join(', ')}, all)` })
      // one level, or several (comma-separated) whose rows are summed per trial
      const levels = q.level === undefined || q.level === 'all' ? undefined : [...new Set(q.level.split(',').map((l) => l.trim()))]
      for (const l of levels ?? [])
        if (!(plan.levels as string[]).includes(l))
          issues.push({ path: 'query.level', message: `${l} is not a funding level of this run (${plan.levels.join(', ')}, all, or several levels separated by commas)` })
      const level = levels?.join(',')
      let range: [number, number] | undefined
      if (q.range !== undefined) {
        const parts = q.range.split(',').map((x) => Number(x.trim()))
        if (parts.length !== 2 || !parts.every(Number.isFinite) || !(parts[0] < parts[1]))
          issues.push({ path: 'query.range', message: `must be two finite numbers min,max with min < max, got "${q.range}"` })
        else range = [parts[0], parts[1]]
      }
      if (issues.length > 0) throw new ApiError('VALIDATION_ERROR', 'the selection does not match this run', issues)
      const selection = { measure: q.measure ?? 'demand', year, programme, level: levels }
      const load = (r: RunRecord) => cache.get(join(app.manager.runDir(r.id), RunFiles.trialsFile))
      let values = perTrialTotals(await load(record), record.trials, selection)
      if (q.against) {
        const other = doneRun(q.against, 'query.against')
        if (other.trials !== record.trials || other.seed !== record.seed)
          throw new ApiError('VALIDATION_ERROR', 'paired differences need runs on the same draws', [
            { path: 'query.against', message: `run ${other.id} has ${other.trials} trials and seed ${other.seed}; this run has ${record.trials} and ${record.seed}` },
          ])
        const base = perTrialTotals(await load(other), other.trials, selection)
        values = values.map((v, i) => v - base[i])
      }
      const yearIndex = year === undefined ? -1 : scenario.years.indexOf(year)
      // over several levels, the sum of theirs when each has one
      const levelAppropriations = (levels ?? [undefined]).map((l) => groupAppropriation(plan, yearIndex, l === undefined ? -1 : plan.levels.indexOf(l as never)))
      const appropriation =
        !q.against && programme === undefined && (selection.measure === 'demand' || selection.measure === 'paid') && !levelAppropriations.includes(null)
          ? levelAppropriations.reduce((sum: number, a) => sum + a!, 0)
          : null
      return {
        run: record.id,
        against: q.against ?? null,
        measure: selection.measure,
        year: year ?? 'all',
        programme: programme ?? 'all',
        level: level ?? 'all',
        appropriation,
        ...distribution(values, q.bins ?? 40, 200, range),
      }
    },
  )

  app.get<{ Params: { id: string } }>(
    '/runs/:id/scenario',
    {
      schema: {
        tags: ['runs'],
        summary: "The run's scenario resolved: every parameter with its provenance (policy, assumption, scenario)",
        params: IdParams,
        response: { ...problems(400, 404) },
      },
    },
    async (request) => resolvedView(resolveScenario(findRun(app, request.params.id).scenario)),
  )
}
