// Why: runs and analyses are both resources with a life (queued, running, then a final status)
// whose changes are events: the event streams listen to them, and `Prefer: wait` waits for the
// final status. One typed emitter and one wait serve both managers.
import { EventEmitter } from 'node:events'

/** A typed event emitter whose `on` returns the function that removes the listener. */
export class JobEvents<Events extends { [K in keyof Events]: unknown[] }> {
  private readonly emitter = new EventEmitter()

  constructor() {
    this.emitter.setMaxListeners(0)
  }

  on<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): () => void {
    this.emitter.on(event, listener as (...args: unknown[]) => void)
    return () => this.emitter.off(event, listener as (...args: unknown[]) => void)
  }

  emit<K extends keyof Events & string>(event: K, ...args: Events[K]): void {
    this.emitter.emit(event, ...args)
  }
}

/**
 * Resolve with the record once it reaches one of the `final` statuses, or after `ms` with the
 * record as it is then (at once when it is final already, missing, or `ms` <= 0).
 */
export function waitForFinal<S, R extends { id: string; status: S }>(
  get: (id: string) => R | undefined,
  events: { on(event: 'status', listener: (record: R) => void): () => void },
  final: readonly S[],
  id: string,
  ms: number,
): Promise<R | undefined> {
  const now = get(id)
  if (!now || final.includes(now.status) || ms <= 0) return Promise.resolve(now)
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off()
      resolve(get(id))
    }, ms)
    const off = events.on('status', (r) => {
      if (r.id !== id || !final.includes(r.status)) return
      clearTimeout(timer)
      off()
      resolve(r)
    })
  })
}
