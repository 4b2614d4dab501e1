// Why: one JSON shape for an analysis wherever the API shows it (POST, GET, list, events).
import type { AnalysisProgress } from '../../workers/analysis/RunBatch.js'
import type { AnalysisRecord } from './AnalysisStore.js'

export function analysisResource(r: AnalysisRecord, live?: AnalysisProgress) {
  const self = `/analyses/${r.id}`
  const done = r.status === 'done'
  const runsDone = done ? r.runs_done : (live?.runs_done ?? r.runs_done)
  const runs = live?.runs ?? r.runs
  const fraction = done ? 1 : (live?.fraction ?? (runs > 0 ? runsDone / runs : 0))
  const failedDetail = r.status === 'failed' && r.result && 'detail' in r.result ? { detail: r.result.detail } : {}
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    name: r.name,
    preset: r.preset,
    trials: r.trials,
    seed: r.seed,
    progress: { runs_done: runsDone, runs, fraction },
    draws: r.draws,
    attempts: r.attempts,
    created_at: r.created_at,
    started_at: r.started_at,
    finished_at: r.finished_at,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '', ...failedDetail } : null,
    request: r.request,
    result: done ? r.result : null,
    links: { self, events: `${self}/events`, ...(done ? { report_html: `${self}/report.html`, report_pdf: `${self}/report.pdf` } : {}) },
  }
}
