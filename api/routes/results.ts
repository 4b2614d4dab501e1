// Why: analysts read results straight into notebooks: the summary as JSON, Arrow or CSV, and the
// trials as an Arrow IPC stream (default), Arrow file or CSV, whole or filtered, gzip-compressed
// when the client accepts it (never Arrow-internal compression: pyarrow and polars cannot read
// arrow-js's compressed IPC).
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { MessageChannel } from 'node:worker_threads'
import { tableFromIPC } from 'apache-arrow'
import type { FastifyInstance, FastifyReply } from 'fastify'
import Type from 'typebox'
import { compilePlan } from '../../engine/plan/compilePlan.js'
import { ipcStreamOf } from '../../engine/results/arrowFile.js'
import { selectRowOffsets, TrialsColumnNames, type TrialsColumnName } from '../../engine/results/buildTrialsTable.js'
import { portReadable } from '../../engine/results/portStream.js'
import { MediaTypes, tableChunks, type Format } from '../../engine/results/writeResults.js'
import type { Issue } from '../../engine/errors.js'
import { ApiError } from '../errors.js'
import { negotiate } from '../negotiate.js'
import { RunFiles } from '../runs/writeRunDirectory.js'
import type { RunRecord } from '../store/RunStore.js'
import { problems } from '../schemas.js'
import { findRun } from './runs.js'

const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) })
const FilterQuery = Type.Object(
  {
    year: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description: 'years, comma-separated or repeated' })),
    programme: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description: 'programme ids' })),
    level: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description: 'national, provincial, municipal' })),
    columns: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description: 'columns to return, in order' })),
    download: Type.Optional(Type.Boolean({ description: 'answer as an attachment' })),
  },
  { additionalProperties: false },
)
type Filters = { year?: string | string[]; programme?: string | string[]; level?: string | string[]; columns?: string | string[]; download?: boolean }

const TRIALS_OFFERS = [MediaTypes.arrows, MediaTypes.arrow, 'text/csv']
const SUMMARY_OFFERS = ['application/json', MediaTypes.arrows, MediaTypes.arrow, 'text/csv']
const formatOfMedia: Record<string, Format> = {
  [MediaTypes.arrows]: 'arrows',
  [MediaTypes.arrow]: 'arrow',
  'text/csv': 'csv',
  'application/json': 'json',
}

function list(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined
  const items = (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)
  return items.length > 0 ? items : undefined
}

function requireDone(record: RunRecord): void {
  if (record.status === 'done') return
  const why =
    record.status === 'failed'
      ? `the run failed (${record.error_code}: ${record.error_message})`
      : record.status === 'cancelled'
        ? 'the run was cancelled'
        : `the run is ${record.status}; follow /runs/${record.id}/events or retry when it is done`
  throw new ApiError('RUN_NOT_READY', why)
}

function chooseFormat(accept: string | undefined, offers: string[], suffix: Format | undefined): Format {
  if (suffix) return suffix
  const media = negotiate(accept, offers)
  if (!media) throw new ApiError('NOT_ACCEPTABLE', `cannot answer with ${accept}; available: ${offers.join(', ')}`)
  return formatOfMedia[media]
}

function contentType(format: Format): string {
  return format === 'csv' ? 'text/csv; charset=utf-8' : format === 'json' ? 'application/json; charset=utf-8' : MediaTypes[format]
}

function disposition(reply: FastifyReply, record: RunRecord, table: string, format: Format, download: boolean | undefined) {
  const ext = format === 'arrows' ? 'arrows' : format
  reply.header('content-disposition', `${download ? 'attachment' : 'inline'}; filename="${record.name}-${record.id.slice(0, 8)}-${table}.${ext}"`)
}

interface TrialsQuery {
  years?: number[]
  programmes?: string[]
  levels?: string[]
  columns?: TrialsColumnName[]
}

export async function resultRoutes(app: FastifyInstance): Promise<void> {
  const dirOf = (id: string) => app.manager.runDir(id)

  async function sendFile(reply: FastifyReply, path: string, format: Format) {
    const { size } = await stat(path)
    reply.header('content-length', size).type(contentType(format))
    return reply.send(createReadStream(path))
  }

  /** The IPC stream form of a stored IPC file: a byte range of it, no copy. */
  async function sendStreamOf(reply: FastifyReply, path: string) {
    const { stream, length } = await ipcStreamOf(path)
    reply.header('content-length', length).type(contentType('arrows'))
    return reply.send(stream)
  }

  /** Parse and check the filters against what the run contains (its specification). */
  function readFilters(record: RunRecord, q: Filters): TrialsQuery | null {
    const spec = record.spec
    const filter: TrialsQuery = { programmes: list(q.programme), levels: list(q.level), columns: list(q.columns) as TrialsColumnName[] | undefined }
    const years = list(q.year)
    const issues: Issue[] = []
    if (years) {
      filter.years = years.map(Number)
      for (const y of years)
        if (!/^\d{4}$/.test(y) || !spec.years.includes(Number(y))) issues.push({ path: 'query.year', message: `${y} is not a year of this run (${spec.years.join(', ')})` })
    }
    if (filter.programmes) {
      const ids = spec.programmes.map((p) => p.id)
      for (const p of filter.programmes) if (!ids.includes(p)) issues.push({ path: 'query.programme', message: `${p} is not a programme of this run (${ids.join(', ')})` })
    }
    if (filter.levels) {
      const levels = compilePlan(spec, spec.seed).levels as string[]
      for (const l of filter.levels) if (!levels.includes(l)) issues.push({ path: 'query.level', message: `${l} is not a funding level of this run (${levels.join(', ')})` })
    }
    if (filter.columns)
      for (const c of filter.columns)
        if (!(TrialsColumnNames as readonly string[]).includes(c)) issues.push({ path: 'query.columns', message: `unknown column ${c} (columns: ${TrialsColumnNames.join(', ')})` })
    if (issues.length > 0) throw new ApiError('VALIDATION_ERROR', 'the filters do not match this run', issues)
    const any = filter.years || filter.programmes || filter.levels || filter.columns
    return any ? filter : null
  }

  const trialsHandler = (suffix?: Format) => async (request: any, reply: FastifyReply) => {
    const record = findRun(app, request.params.id)
    requireDone(record)
    const format = chooseFormat(request.headers.accept, TRIALS_OFFERS, suffix)
    const query = request.query as Filters
    const filter = readFilters(record, query)
    disposition(reply, record, 'trials', format, query.download)
    const path = join(dirOf(record.id), RunFiles.trials)
    if (!filter && format === 'arrow') return sendFile(reply, path, 'arrow')
    if (!filter && format === 'arrows') return sendStreamOf(reply, path)
    // filtered or CSV: cut from the stored file in a worker thread, streamed with backpressure
    const plan = compilePlan(record.spec, record.spec.seed)
    const rows = record.trials * selectRowOffsets(plan, filter ?? {}).length
    const { port1, port2 } = new MessageChannel()
    const body = portReadable(port1)
    app.pool
      .run(
        `read:${record.id}`,
        {
          kind: 'read',
          task: { kind: 'table', path, selection: { years: filter?.years, programmes: filter?.programmes, levels: filter?.levels }, columns: filter?.columns, format: format as 'arrow' | 'arrows' | 'csv', rowCount: rows },
          port: port2 as any,
        },
        `a copy of the trials of run ${record.id}`,
        [port2 as any],
      )
      .catch((e) => {
        request.log.error({ err: e }, 'reading a stored run failed')
        body.destroy(e)
      })
    reply.header('x-row-count', rows).type(contentType(format))
    return reply.send(body)
  }

  const summaryHandler = (suffix?: Format) => async (request: any, reply: FastifyReply) => {
    const record = findRun(app, request.params.id)
    requireDone(record)
    const format = chooseFormat(request.headers.accept, SUMMARY_OFFERS, suffix)
    const dir = dirOf(record.id)
    disposition(reply, record, 'summary', format, (request.query as Filters).download)
    if (format === 'json') return sendFile(reply, join(dir, RunFiles.summaryJson), 'json')
    if (format === 'arrow') return sendFile(reply, join(dir, RunFiles.summaryFile), 'arrow')
    if (format === 'arrows') return sendStreamOf(reply, join(dir, RunFiles.summaryFile))
    // the summary is a few hundred rows: CSV is made here
    const table = tableFromIPC(await readFile(join(dir, RunFiles.summaryFile)))
    reply.type(contentType('csv'))
    return reply.send(Readable.from(tableChunks(table, 'csv')))
  }

  const trialsDoc = (format: string) => ({
    tags: ['runs'],
    summary: `The trials table${format}`,
    description:
      'One row per trial x year x programme x level. Default: Arrow IPC stream (application/vnd.apache.arrow.stream); `Accept: application/vnd.apache.arrow.file` or the .arrow suffix for the IPC file format; text/csv or .csv for CSV. Filters: year, programme, level, columns. gzip with Accept-Encoding. Schema metadata row_count gives the expected rows.',
    params: IdParams,
    querystring: FilterQuery,
    produces: TRIALS_OFFERS,
    response: { ...problems(400, 404, 406, 409) },
  })
  app.get('/runs/:id/trials', { schema: trialsDoc('') }, trialsHandler())
  app.get('/runs/:id/trials.arrows', { schema: trialsDoc(' as an Arrow IPC stream') }, trialsHandler('arrows'))
  app.get('/runs/:id/trials.arrow', { schema: trialsDoc(' as an Arrow IPC file') }, trialsHandler('arrow'))
  app.get('/runs/:id/trials.csv', { schema: trialsDoc(' as CSV') }, trialsHandler('csv'))

  const summaryDoc = (format: string) => ({
    tags: ['runs'],
    summary: `The summary table${format}`,
    description:
      'Per year x programme x level x measure: mean, its Monte Carlo standard error, sd, percentiles, VaR/TVaR at 95% and 99% with batch-means errors, P(value > appropriation) with a Wilson interval, expected excess. JSON by default ({metadata, rows}); Arrow or CSV by Accept or suffix.',
    params: IdParams,
    querystring: Type.Object({ download: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    produces: SUMMARY_OFFERS,
    response: { ...problems(400, 404, 406, 409) },
  })
  app.get('/runs/:id/summary', { schema: summaryDoc('') }, summaryHandler())
  app.get('/runs/:id/summary.json', { schema: summaryDoc(' as JSON') }, summaryHandler('json'))
  app.get('/runs/:id/summary.arrow', { schema: summaryDoc(' as an Arrow IPC file') }, summaryHandler('arrow'))
  app.get('/runs/:id/summary.arrows', { schema: summaryDoc(' as an Arrow IPC stream') }, summaryHandler('arrows'))
  app.get('/runs/:id/summary.csv', { schema: summaryDoc(' as CSV') }, summaryHandler('csv'))

}
