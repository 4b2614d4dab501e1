// Why: a run and an analysis are followed the same way over server-sent events: the resource
// first, then `progress` and `status` as they change, and `end` with the final resource, after
// which the stream closes (a heartbeat keeps proxies from closing it first; shutdown closes it
// through app.eventStreams). One implementation serves both routes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/** What the stream listens to: a run manager or an analysis manager. */
export interface StatusEvents<R, P> {
  on(event: 'progress', listener: (id: string, progress: P) => void): () => void
  on(event: 'status', listener: (record: R) => void): () => void
  liveProgress(id: string): P | undefined
}

/** Follow `record` on `reply` until it reaches one of the `final` statuses or the client leaves. */
export function streamStatusEvents<S, R extends { id: string; status: S }, P>(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  record: R,
  events: StatusEvents<R, P>,
  final: readonly S[],
  resource: (record: R, progress?: P) => unknown,
): void {
  reply.hijack()
  const res = reply.raw
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' })
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  res.write('retry: 2000\n\n')
  send('status', resource(record, events.liveProgress(record.id)))
  if (final.includes(record.status)) {
    send('end', resource(record))
    res.end()
    return
  }
  app.eventStreams.add(res)
  const offProgress = events.on('progress', (id, p) => {
    if (id === record.id) send('progress', p)
  })
  const offStatus = events.on('status', (r) => {
    if (r.id !== record.id) return
    send('status', resource(r, events.liveProgress(r.id)))
    if (final.includes(r.status)) {
      send('end', resource(r))
      cleanup()
      res.end()
    }
  })
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
  const cleanup = () => {
    offProgress()
    offStatus()
    clearInterval(heartbeat)
    app.eventStreams.delete(res)
  }
  request.raw.on('close', cleanup)
}
