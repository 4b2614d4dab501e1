// Why: one JSON shape for a run, wherever the API shows it (POST /runs, GET /runs, GET /runs/:id).
import type { RunRecord } from '../store/RunStore.js'
import type { LiveProgress } from './RunManager.js'

export function runLinks(r: RunRecord): Record<string, string> {
  const self = `/runs/${r.id}`
  const links: Record<string, string> = { self, events: `${self}/events` }
  if (r.status === 'done') {
    Object.assign(links, {
      summary: `${self}/summary`,
      summary_arrow: `${self}/summary.arrow`,
      scenario: `${self}/scenario`,
      distribution: `${self}/distribution`,
      trials: `${self}/trials`,
      trials_file: `${self}/trials.arrow`,
      trials_csv: `${self}/trials.csv`,
      report_html: `${self}/report.html`,
      report_pdf: `${self}/report.pdf`,
    })
  }
  return links
}

/** The API's view of a run record (with live progress when it is running). */
export function runResource(r: RunRecord, live?: LiveProgress) {
  const done = r.status === 'done' ? r.trials : (live?.trials_done ?? r.trials_done)
  const phase = live?.phase ?? (r.status === 'queued' ? 'queued' : r.status === 'running' ? 'simulate' : 'finished')
  const total =
    r.started_at && r.finished_at ? new Date(r.finished_at).getTime() - new Date(r.created_at).getTime() : null
  return {
    id: r.id,
    status: r.status,
    name: r.name,
    preset: r.preset,
    lineage: r.lineage,
    scenario_hash: r.scenario_hash,
    trials: r.trials,
    seed: r.seed,
    progress: {
      trials_done: done,
      trials: r.trials,
      fraction: r.trials > 0 ? done / r.trials : 0,
      phase,
      ...(live?.series !== undefined ? { series_done: live.series_done ?? 0, series: live.series } : {}),
      ...(live?.eta_seconds !== undefined ? { eta_seconds: live.eta_seconds } : {}),
    },
    applications_simulated: r.applications,
    draws: r.draws,
    bytes: r.bytes,
    spec_hash: r.spec?.spec_hash ?? '',
    rows: r.rows,
    attempts: r.attempts,
    created_at: r.created_at,
    started_at: r.started_at,
    finished_at: r.finished_at,
    timings: { simulate_ms: r.simulate_ms, summarize_ms: r.summarize_ms, write_ms: r.write_ms, total_ms: total },
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
    scenario: r.scenario,
    links: runLinks(r),
    ...(r.precision ? { precision: { met: null, trials_used: null, checks: [], ...r.precision } } : {}),
  }
}
