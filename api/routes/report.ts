// Why: a bureau files a report, not a web page. GET /runs/:id/report.html is the report of a
// finished run as one self-contained HTML document (engine/report/); GET /runs/:id/report.pdf is
// the same document printed to A4 by headless Chromium. Building the HTML is light (string work on
// the stored summary, plus a few distributions read from the trials file in worker threads, kept in
// a small cache); printing is heavy, so Chromium runs as its own process, at most
// REPORT_CONCURRENCY at a time (503 REPORT_BUSY with Retry-After beyond), stopped after
// REPORT_TIMEOUT_SECONDS (504) or when the client goes away. Without Chromium the PDF answers 503
// CHROMIUM_MISSING saying how to install it; the HTML needs no Chromium.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'
import { loadCatalogue } from '../../engine/policy/loadCatalogue.js'
import type { RunMetadata } from '../../engine/results/metadata.js'
import { renderReportHtml } from '../../engine/report/document.js'
import { assertChromium, printPdf } from '../../engine/report/printPdf.js'
import { buildRunReport, loadDistributions, type RunReportInput, type SelectedDistribution } from '../../engine/report/runReport.js'
import type { Distribution } from '../../engine/summary/distribution.js'
import type { SummaryRow } from '../../engine/summary/summarize.js'
import { ApiError } from '../errors.js'
import { ByteBoundedCache } from '../runs/ByteBoundedCache.js'
import { RunFiles } from '../runs/writeRunDirectory.js'
import type { RunRecord } from '../store/RunStore.js'
import { problems } from '../schemas.js'
import { findRun } from './runs.js'
import { resolvedView } from './scenarios.js'

const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) })
const Query = Type.Object({ download: Type.Optional(Type.Boolean({ description: 'answer as an attachment' })) }, { additionalProperties: false })

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
  let printing = 0
  /** seconds the last PDF requests took, for Retry-After */
  const recent: number[] = []

  async function reportInput(record: RunRecord): Promise<RunReportInput> {
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
      scenario: resolvedView(record.spec),
      documents: [...loadCatalogue().documents.values()],
      distributions: selected,
      run: { id: record.id, created_at: record.created_at, finished_at: record.finished_at },
      generatedAt: new Date(),
    }
  }

  const fileName = (record: RunRecord, ext: string) => `${record.name}-${record.id.slice(0, 8)}-report.${ext}`

  app.get<{ Params: { id: string }; Querystring: { download?: boolean } }>(
    '/runs/:id/report.html',
    {
      schema: {
        tags: ['runs'],
        summary: 'The report of a finished run, as one self-contained HTML document',
        description:
          'Title page (scenario, date, engine version, seed, trials, spec and seeds hashes), the chance of overrunning each appropriation by level and year with its Wilson interval and the expected excess, the scenario, charts (distribution of outlay with the appropriation, exceedance curve, fan chart by year) as inline SVG, the summary tables with standard errors, and the provenance of every parameter. Inline CSS and SVG only: no script, nothing fetched. Needs no Chromium; /report.pdf is the same document printed.',
        params: IdParams,
        querystring: Query,
        produces: ['text/html'],
        response: { ...problems(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const record = findRun(app, request.params.id)
      requireDone(record)
      const html = renderReportHtml(buildRunReport(await reportInput(record)))
      reply.header('content-disposition', `${request.query.download ? 'attachment' : 'inline'}; filename="${fileName(record, 'html')}"`)
      reply.header('cache-control', 'no-cache')
      return reply.type('text/html; charset=utf-8').send(html)
    },
  )

  app.get<{ Params: { id: string }; Querystring: { download?: boolean } }>(
    '/runs/:id/report.pdf',
    {
      schema: {
        tags: ['runs'],
        summary: 'The report of a finished run, printed to PDF (A4) by headless Chromium',
        description:
          'The document of /report.html printed by Chromium (CHROMIUM_PATH, default /usr/bin/chromium) in its own process. 503 CHROMIUM_MISSING when Chromium is not installed (the problem says how to install it); 503 REPORT_BUSY with Retry-After when REPORT_CONCURRENCY reports are being printed; 504 REPORT_TIMEOUT when printing takes longer than REPORT_TIMEOUT_SECONDS.',
        params: IdParams,
        querystring: Query,
        produces: ['application/pdf'],
        response: { ...problems(400, 404, 409, 500, 503, 504) },
      },
    },
    async (request: FastifyRequest<{ Params: { id: string }; Querystring: { download?: boolean } }>, reply: FastifyReply) => {
      const record = findRun(app, request.params.id)
      requireDone(record)
      await assertChromium(app.config.chromiumPath)
      if (printing >= app.config.reportConcurrency) {
        const seconds = recent.length > 0 ? Math.ceil(recent.reduce((a, b) => a + b, 0) / recent.length) : 5
        const retry = Math.max(1, Math.min(120, seconds))
        throw new ApiError('REPORT_BUSY', `${printing} report${printing > 1 ? 's are' : ' is'} being printed (REPORT_CONCURRENCY=${app.config.reportConcurrency}); retry in about ${retry} s`, [], { 'retry-after': String(retry) })
      }
      printing++
      const started = performance.now()
      const gone = new AbortController()
      const onClose = () => {
        if (!reply.raw.writableFinished) gone.abort()
      }
      reply.raw.once('close', onClose)
      try {
        const html = renderReportHtml(buildRunReport(await reportInput(record)))
        const pdf = await printPdf(html, { chromiumPath: app.config.chromiumPath, timeoutMs: app.config.reportTimeoutSeconds * 1000, signal: gone.signal })
        recent.push((performance.now() - started) / 1000)
        if (recent.length > 5) recent.shift()
        reply.header('content-disposition', `${request.query.download ? 'attachment' : 'inline'}; filename="${fileName(record, 'pdf')}"`)
        reply.header('content-length', pdf.length)
        return reply.type('application/pdf').send(pdf)
      } finally {
        printing--
        reply.raw.off('close', onClose)
      }
    },
  )
}
