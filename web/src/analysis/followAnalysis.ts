// Why: an analysis is a batch of runs that can take tens of seconds; the planner watches it count its
// runs. The server pushes its progress as server-sent events (GET /analyses/:id/events: status,
// progress, end); this follows them until `end`, and falls back to polling GET /analyses/:id when the
// stream breaks, so the page always learns how an analysis ended (as runs/followRun.ts does for runs).
import { getJson } from '../api/client'
import { withAccessToken } from '../api/token'
import { FINAL_STATUSES, type Analysis, type AnalysisProgress } from '../api/types'

export interface AnalysisHandlers {
  onProgress: (progress: AnalysisProgress) => void
  onStatus: (analysis: Analysis) => void
  onInterrupted?: (why: string) => void
}

export interface FollowingAnalysis {
  /** resolves with the final analysis (done, failed or cancelled) */
  final: Promise<Analysis>
  /** stop following (the analysis itself continues) */
  stop: () => void
}

const POLL_MS = 1000

export function followAnalysis(id: string, handlers: AnalysisHandlers): FollowingAnalysis {
  let source: EventSource | null = null
  let timer: number | undefined
  let stopped = false
  let settle!: (a: Analysis) => void
  let fail!: (e: unknown) => void
  const final = new Promise<Analysis>((resolve, reject) => {
    settle = resolve
    fail = reject
  })
  const cleanup = () => {
    stopped = true
    source?.close()
    source = null
    if (timer !== undefined) window.clearTimeout(timer)
  }
  const finish = (a: Analysis) => {
    if (stopped) return
    cleanup()
    handlers.onStatus(a)
    settle(a)
  }
  const poll = async () => {
    if (stopped) return
    try {
      const a = await getJson<Analysis>(`/analyses/${id}`)
      if (FINAL_STATUSES.includes(a.status)) return finish(a)
      handlers.onStatus(a)
      handlers.onProgress(a.progress)
    } catch (e) {
      if ((e as { status?: number }).status === 404) {
        cleanup()
        fail(e)
        return
      }
      // the server may be restarting: keep trying
    }
    if (!stopped) timer = window.setTimeout(poll, POLL_MS)
  }
  const fallBack = (why: string) => {
    if (stopped) return
    source?.close()
    source = null
    handlers.onInterrupted?.(why)
    if (timer === undefined) timer = window.setTimeout(poll, POLL_MS)
  }
  source = new EventSource(withAccessToken(`/analyses/${id}/events`))
  source.addEventListener('progress', (e) => handlers.onProgress(JSON.parse((e as MessageEvent<string>).data) as AnalysisProgress))
  source.addEventListener('status', (e) => {
    const a = JSON.parse((e as MessageEvent<string>).data) as Analysis
    if (FINAL_STATUSES.includes(a.status)) return
    handlers.onStatus(a)
    handlers.onProgress(a.progress)
  })
  source.addEventListener('end', (e) => finish(JSON.parse((e as MessageEvent<string>).data) as Analysis))
  source.addEventListener('shutdown', () => fallBack('The server is shutting down; the analysis will resume when it restarts.'))
  source.onerror = () => fallBack('The progress stream was interrupted; checking the analysis every second.')
  return { final, stop: cleanup }
}
