// Why: a planner watches a run's progress bar fill. The server pushes progress as server-sent events;
// this follows them until the `end` event, and falls back to polling GET /runs/:id when the stream
// breaks (a proxy, a server restart, a `shutdown` event), so the page always learns how a run ended.
import { getJson } from '../api/client'
import { withAccessToken } from '../api/token'
import { FINAL_STATUSES, type Progress, type Run } from '../api/types'

export interface FollowHandlers {
  onProgress: (progress: Progress) => void
  onStatus: (run: Run) => void
  /** the stream was interrupted; the page keeps polling */
  onInterrupted?: (why: string) => void
}

export interface Following {
  /** resolves with the final run resource (done, failed or cancelled) */
  final: Promise<Run>
  /** stop following (the run itself continues) */
  stop: () => void
}

const POLL_MS = 1000

export function followRun(id: string, handlers: FollowHandlers): Following {
  let source: EventSource | null = null
  let timer: number | undefined
  let stopped = false
  let settle!: (run: Run) => void
  let fail!: (e: unknown) => void
  const final = new Promise<Run>((resolve, reject) => {
    settle = resolve
    fail = reject
  })

  const finish = (run: Run) => {
    if (stopped) return
    cleanup()
    handlers.onStatus(run)
    settle(run)
  }
  const cleanup = () => {
    stopped = true
    source?.close()
    source = null
    if (timer !== undefined) window.clearTimeout(timer)
  }

  const poll = async () => {
    if (stopped) return
    try {
      const run = await getJson<Run>(`/runs/${id}`)
      if (FINAL_STATUSES.includes(run.status)) return finish(run)
      handlers.onStatus(run)
      handlers.onProgress(run.progress)
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

  source = new EventSource(withAccessToken(`/runs/${id}/events`))
  source.addEventListener('progress', (e) => handlers.onProgress(JSON.parse((e as MessageEvent<string>).data) as Progress))
  source.addEventListener('status', (e) => {
    const run = JSON.parse((e as MessageEvent<string>).data) as Run
    if (FINAL_STATUSES.includes(run.status)) return
    handlers.onStatus(run)
    handlers.onProgress(run.progress)
  })
  source.addEventListener('end', (e) => finish(JSON.parse((e as MessageEvent<string>).data) as Run))
  source.addEventListener('shutdown', () => fallBack('The server is shutting down; the run will resume when it restarts.'))
  source.onerror = () => {
    // EventSource reconnects by itself, but a closed stream without `end` means something went wrong
    if (source && source.readyState === EventSource.CLOSED) fallBack('The progress stream closed; checking the run every second.')
    else if (source) fallBack('The progress stream was interrupted; checking the run every second.')
  }

  return { final, stop: cleanup }
}
