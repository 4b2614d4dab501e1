// Why: a planner watches a run's progress bar fill, or an analysis count its runs. The server pushes
// both as server-sent events (`<path>/events`: status, progress, end); this follows them until
// `end`, and falls back to polling GET <path> when the stream breaks (a proxy, a server restart, a
// `shutdown` event), so the page always learns how a run or an analysis ended.
import { getJson } from '../api/client'
import { withAccessToken } from '../api/token'
import { FINAL_STATUSES, type RunStatus } from '../api/types'

export interface FollowHandlers<R, P> {
  onProgress: (progress: P) => void
  onStatus: (resource: R) => void
  /** the stream was interrupted; the page keeps polling */
  onInterrupted?: (why: string) => void
}

export interface Following<R> {
  /** resolves with the final resource (done, failed or cancelled) */
  final: Promise<R>
  /** stop following (the run or analysis itself continues) */
  stop: () => void
}

const POLL_MS = 1000

/** Follow the resource at `path` ("/runs/<id>"); `noun` ("run", "analysis") words the messages. */
export function followResource<R extends { status: RunStatus; progress: P }, P>(path: string, noun: string, handlers: FollowHandlers<R, P>): Following<R> {
  let source: EventSource | null = null
  let timer: number | undefined
  let stopped = false
  let settle!: (resource: R) => void
  let fail!: (e: unknown) => void
  const final = new Promise<R>((resolve, reject) => {
    settle = resolve
    fail = reject
  })

  const finish = (resource: R) => {
    if (stopped) return
    cleanup()
    handlers.onStatus(resource)
    settle(resource)
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
      const resource = await getJson<R>(path)
      if (FINAL_STATUSES.includes(resource.status)) return finish(resource)
      handlers.onStatus(resource)
      handlers.onProgress(resource.progress)
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

  source = new EventSource(withAccessToken(`${path}/events`))
  source.addEventListener('progress', (e) => handlers.onProgress(JSON.parse((e as MessageEvent<string>).data) as P))
  source.addEventListener('status', (e) => {
    const resource = JSON.parse((e as MessageEvent<string>).data) as R
    if (FINAL_STATUSES.includes(resource.status)) return
    handlers.onStatus(resource)
    handlers.onProgress(resource.progress)
  })
  source.addEventListener('end', (e) => finish(JSON.parse((e as MessageEvent<string>).data) as R))
  source.addEventListener('shutdown', () => fallBack(`The server is shutting down; the ${noun} will resume when it restarts.`))
  source.onerror = () => {
    // EventSource reconnects by itself, but a closed stream without `end` means something went wrong
    if (source && source.readyState === EventSource.CLOSED) fallBack(`The progress stream closed; checking the ${noun} every second.`)
    else if (source) fallBack(`The progress stream was interrupted; checking the ${noun} every second.`)
  }

  return { final, stop: cleanup }
}
