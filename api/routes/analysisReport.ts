// Why: an analysis is filed like a run. GET /analyses/:id/report.html is the report of a finished
// sensitivity analysis (the tornado, the contribution to variance, the ranges studied) or goal seek
// (the answer, its uncertainty, the points evaluated), then the scenario and where every figure
// comes from, as one self-contained HTML document (engine/report/analysisReport.ts); report.pdf is
// the same document printed by the server's printer (app.reports: the run reports' allowance and
// limits). Everything comes from the stored analysis: its result and the frozen specification it ran.
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { buildAnalysisReport, type AnalysisReportInput } from '../../engine/report/analysisReport.js'
import { renderReportHtml } from '../../engine/report/document.js'
import { loadCatalogue } from '../../engine/policy/loadCatalogue.js'
import { runMetadata } from '../../engine/results/metadata.js'
import type { RunSpec } from '../../engine/run/RunSpec.js'
import type { AnalysisRecord } from '../analyses/AnalysisStore.js'
import { ApiError } from '../errors.js'
import { problems } from '../schemas.js'
import { scenarioView } from '../../engine/scenario/scenarioView.js'

const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$', description: 'analysis id' }) })
const Query = Type.Object({ download: Type.Optional(Type.Boolean({ description: 'answer as an attachment' })) }, { additionalProperties: false })

export interface AnalysisReportOptions {
  /** the stored analysis (throws 404 when there is none) */
  analysis: (id: string) => AnalysisRecord
}

const KIND_WORDS = { sensitivity: 'sensitivity analysis', goal_seek: 'goal seek' } as const

/** 409 unless the analysis is done: a failed one says why (a goal seek's coded refusal), others when to come back. */
function requireDone(a: AnalysisRecord): void {
  if (a.status === 'done') return
  const what = KIND_WORDS[a.kind]
  throw new ApiError(
    'RUN_NOT_READY',
    a.status === 'failed'
      ? `the ${what} failed (${a.error_code}: ${a.error_message}); it has no report`
      : a.status === 'cancelled'
        ? `the ${what} was cancelled; it has no report`
        : `the ${what} is ${a.status}; its report is ready when it is done`,
  )
}

function reportInput(a: AnalysisRecord): AnalysisReportInput {
  const spec = a.definition.spec as RunSpec
  return {
    analysis: { id: a.id, kind: a.kind, created_at: a.created_at, finished_at: a.finished_at, runs: a.runs_done, draws: a.draws },
    result: a.result as unknown as AnalysisReportInput['result'],
    metadata: runMetadata(spec),
    // exactly what GET /runs/:id/scenario answers for a run of this specification
    scenario: scenarioView(spec),
    documents: [...loadCatalogue().documents.values()],
    generatedAt: new Date(),
  }
}

export async function analysisReportRoutes(app: FastifyInstance, options: AnalysisReportOptions): Promise<void> {
  const fileName = (a: AnalysisRecord) => `${a.name}-${a.kind.replace('_', '-')}-${a.id.slice(0, 8)}-report`
  const description =
    'A sensitivity analysis: its tornado (the figure with each ranged parameter at its low and its high, each swing with its paired Monte Carlo standard error, those whose 95% interval contains zero marked), the contribution to variance and the ranges studied. A goal seek: the answer with its uncertainty, the statistic at the answer and the points evaluated. Then the scenario and the provenance of every parameter, as in a run’s report. 409 RUN_NOT_READY until the analysis is done (a failed goal seek says why).'

  app.get<{ Params: { id: string }; Querystring: { download?: boolean } }>(
    '/analyses/:id/report.html',
    {
      schema: {
        tags: ['analyses'],
        summary: 'The report of a finished analysis, as one self-contained HTML document',
        description: `${description} Inline CSS and SVG only: no script, nothing fetched. Needs no Chromium.`,
        params: IdParams,
        querystring: Query,
        produces: ['text/html'],
        response: { ...problems(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const a = options.analysis(request.params.id)
      requireDone(a)
      return app.reports.sendHtml(reply, renderReportHtml(buildAnalysisReport(reportInput(a))), { download: request.query.download, fileName: fileName(a) })
    },
  )

  app.get<{ Params: { id: string }; Querystring: { download?: boolean } }>(
    '/analyses/:id/report.pdf',
    {
      schema: {
        tags: ['analyses'],
        summary: 'The report of a finished analysis, printed to PDF (A4) by headless Chromium',
        description: `${description} Printed as a run’s report is: 503 CHROMIUM_MISSING, 503 REPORT_BUSY with Retry-After, 504 REPORT_TIMEOUT.`,
        params: IdParams,
        querystring: Query,
        produces: ['application/pdf'],
        response: { ...problems(400, 404, 409, 500, 503, 504) },
      },
    },
    async (request, reply) => {
      const a = options.analysis(request.params.id)
      requireDone(a)
      return app.reports.sendPdf(reply, () => renderReportHtml(buildAnalysisReport(reportInput(a))), { download: request.query.download, fileName: fileName(a) })
    },
  )
}
