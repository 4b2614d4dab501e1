// Why: a bureau files a report, not a web page. GET /runs/:id/report.html is the report of a
// finished run as one self-contained HTML document (engine/report/); GET /runs/:id/report.pdf is
// the same document printed to A4 by headless Chromium. With ?against=<run id> (its baseline, on the
// same draws) the report also has the run's budget impact against it, after the answer (the table
// of GET /runs/:id/compare). Building the HTML is light (string work on the stored summary, plus a
// few distributions read from the trials file in worker threads, kept in a small cache); printing
// is heavy, so it goes through the server's one printer (app.reports: at most REPORT_CONCURRENCY at
// a time, 503 REPORT_BUSY with Retry-After beyond, stopped after REPORT_TIMEOUT_SECONDS or when the
// client goes away; 503 CHROMIUM_MISSING saying how to install it). The HTML needs no Chromium.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { loadCatalogue } from '../../engine/policy/loadCatalogue.js'
import type { RunMetadata } from '../../engine/results/metadata.js'
import { renderReportHtml } from '../../engine/report/document.js'
import { buildRunReport, loadDistributions, type RunReportInput, type SelectedDistribution } from '../../engine/report/runReport.js'
import type { Distribution } from '../../engine/summary/distribution.js'
import type { SummaryRow } from '../../engine/summary/summarize.js'
import { ApiError } from '../errors.js'
import { ByteBoundedCache } from '../runs/ByteBoundedCache.js'
import { RunFiles } from '../runs/writeRunDirectory.js'
import type { RunRecord } from '../store/RunStore.js'
import { problems } from '../schemas.js'
import { findRun } from './runs.js'
import { scenarioView } from '../../engine/scenario/scenarioView.js'

const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) })
const Query = Type.Object(
  {
    download: Type.Optional(Type.Boolean({ description: 'answer as an attachment' })),
    against: Type.Optional(Type.String({ pattern: '^[0-9a-f-]{36}$', description: 'a baseline run on the same draws (same trials and seed): the report adds this run’s budget impact against it' })),
  },
  { additionalProperties: false },
)
type ReportQuery = { download?: boolean; against?: string }

/** Bins of the report's histograms (fewer than the page's: a printed chart is small). */
const REPORT_BINS = 30

function requireDone(record: RunRecord): void {
  if (record.status === 'done') return
  throw new ApiError(
    'RUN_NOT_READY',
    record.status === 'failed' ? `the run failed (${record.error_code}: ${record.error_message}); it has no report` : record.status === 'cancelled' ? 'the run was cancelled; it has no report' : `the run is ${record.status}; its report is ready when it is done`,
  )
}

export async function reportRoutes(app: FastifyInstance): Promise<void> {
  /** the distributions of a run's report (they never change: a finished run is immutable) */
  const distributions = new ByteBoundedCache<SelectedDistribution[]>(4 * 1024 * 1024)

  async function reportInput(record: RunRecord, against: RunRecord | null): Promise<RunReportInput> {
    // the comparison first: it refuses runs that are not on the same draws before any reading
    const comparison = against ? await app.comparisons.compare(record, against, 'demand', { run: 'params.id', against: 'query.against' }) : null
    const summary = JSON.parse(await readFile(join(app.manager.runDir(record.id), RunFiles.summaryJson), 'utf8')) as { metadata: RunMetadata; rows: SummaryRow[] }
    let selected = distributions.get(record.id)
    if (!selected) {
      selected = await loadDistributions(summary.rows, (s) =>
        app.pool.run<Distribution>(
          `read:${record.id}`,
          {
            kind: 'read',
            task: {
              kind: 'distribution',
              path: app.manager.trialsFile(record.id),
              trials: record.trials,
              selection: { measure: 'demand', years: s.year === 'all' ? undefined : [s.year], levels: s.level === 'all' ? undefined : [s.level] },
              bins: REPORT_BINS,
              points: 200,
            },
          },
          `the report of run ${record.id}`,
        ),
      )
      distributions.set(record.id, selected, JSON.stringify(selected).length)
    }
    return {
      metadata: summary.metadata,
      rows: summary.rows,
      // exactly what GET /runs/:id/scenario answers
      scenario: scenarioView(record.spec),
      documents: [...loadCatalogue().documents.values()],
      distributions: selected,
      run: { id: record.id, created_at: record.created_at, finished_at: record.finished_at },
      generatedAt: new Date(),
      comparison:
        comparison && against
          ? {
              rows: comparison.rows,
              runs: {
                baseline: { id: against.id, name: against.name, title: against.spec.title ?? null },
                reform: { name: record.name, title: record.spec.title ?? null },
                trials: comparison.trials,
                seed: comparison.seed,
              },
            }
          : null,
    }
  }

  /** The run and, with ?against=, its baseline (404 naming query.against when there is no such run). */
  const runs = (id: string, query: ReportQuery) => {
    const record = findRun(app, id)
    requireDone(record)
    let against: RunRecord | null = null
    if (query.against !== undefined) {
      const id = query.against
      against = app.manager.get(id) ?? null
      if (!against) throw new ApiError('RUN_NOT_FOUND', `no run with id ${id}`, [{ path: 'query.against', message: `no run with id ${id} to compare with` }])
    }
    return { record, against }
  }
  const fileName = (record: RunRecord, against: RunRecord | null) => `${record.name}-${record.id.slice(0, 8)}${against ? `-vs-${against.name}-${against.id.slice(0, 8)}` : ''}-report`

  app.get<{ Params: { id: string }; Querystring: ReportQuery }>(
    '/runs/:id/report.html',
    {
      schema: {
        tags: ['runs'],
        summary: 'The report of a finished run, as one self-contained HTML document',
        description:
          'Title page (scenario, date, engine version, seed, trials, spec and seeds hashes), the chance of overrunning each appropriation by level and year with its Wilson interval and the expected excess, the scenario, charts (distribution of outlay with the appropriation, exceedance curve, fan chart by year) as inline SVG, the summary tables with standard errors, and the provenance of every parameter. With `against=<run id>` (a baseline on the same draws), the budget impact of this run against it follows the answer (the table of GET /runs/:id/compare). Inline CSS and SVG only: no script, nothing fetched. Needs no Chromium; /report.pdf is the same document printed.',
        params: IdParams,
        querystring: Query,
        produces: ['text/html'],
        response: { ...problems(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const { record, against } = runs(request.params.id, request.query)
      const html = renderReportHtml(buildRunReport(await reportInput(record, against)))
      return app.reports.sendHtml(reply, html, { download: request.query.download, fileName: fileName(record, against) })
    },
  )

  app.get<{ Params: { id: string }; Querystring: ReportQuery }>(
    '/runs/:id/report.pdf',
    {
      schema: {
        tags: ['runs'],
        summary: 'The report of a finished run, printed to PDF (A4) by headless Chromium',
        description:
          'The document of /report.html (with `against=<run id>`, its budget impact against that baseline too) printed by Chromium (CHROMIUM_PATH, default /usr/bin/chromium) in its own process. 503 CHROMIUM_MISSING when Chromium is not installed (the problem says how to install it); 503 REPORT_BUSY with Retry-After when REPORT_CONCURRENCY reports are being printed; 504 REPORT_TIMEOUT when printing takes longer than REPORT_TIMEOUT_SECONDS.',
        params: IdParams,
        querystring: Query,
        produces: ['application/pdf'],
        response: { ...problems(400, 404, 409, 500, 503, 504) },
      },
    },
    async (request, reply) => {
      const { record, against } = runs(request.params.id, request.query)
      return app.reports.sendPdf(reply, async () => renderReportHtml(buildRunReport(await reportInput(record, against))), { download: request.query.download, fileName: fileName(record, against) })
    },
  )
}
