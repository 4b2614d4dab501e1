// Why: large outputs (a filtered or CSV copy of a million-trial table) are produced in a worker
// thread and must reach an HTTP response without the whole output in memory on either side. The
// worker posts chunks over a MessagePort and waits for credit; the main thread turns the port into
// a Readable that grants credit only as the response drains.
import { Readable } from 'node:stream'
import type { MessagePort } from 'node:worker_threads'
import { BudgetSimError, ErrorCodes, type ErrorCode } from '../errors.js'

/** Chunks a producer may have in flight before it waits for the consumer. */
const WINDOW = 4

type ProducerMessage = { type: 'chunk'; data: Uint8Array } | { type: 'end' } | { type: 'error'; code: string; message: string }
type ConsumerMessage = { type: 'credit' } | { type: 'stop' }

/** The worker's side: write chunks (waiting for credit), then end or fail. */
export class PortSink {
  private inFlight = 0
  private stopped = false
  private wake: (() => void) | null = null

  constructor(private readonly port: MessagePort) {
    port.on('message', (m: ConsumerMessage) => {
      if (m.type === 'credit') this.inFlight--
      else this.stopped = true
      this.wake?.()
    })
  }

  /** Send a chunk (copied, then transferred). Throws RUN_CANCELLED when the reader went away. */
  async write(chunk: Uint8Array | string): Promise<void> {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
    if (bytes.byteLength === 0) return
    while (this.inFlight >= WINDOW && !this.stopped) await new Promise<void>((resolve) => (this.wake = resolve))
    if (this.stopped) throw new BudgetSimError('RUN_CANCELLED', 'the reader went away')
    const copy = new Uint8Array(bytes.byteLength)
    copy.set(bytes)
    this.inFlight++
    this.port.postMessage({ type: 'chunk', data: copy } satisfies ProducerMessage, [copy.buffer])
  }

  end(): void {
    this.port.postMessage({ type: 'end' } satisfies ProducerMessage)
    this.port.close()
  }

  fail(e: unknown): void {
    const known = e instanceof BudgetSimError
    this.port.postMessage({ type: 'error', code: known ? e.code : 'OUTPUT_FAILED', message: e instanceof Error ? e.message : String(e) } satisfies ProducerMessage)
    this.port.close()
  }
}

/** The main thread's side: a Readable of the producer's bytes, granting credit as it is read. */
export function portReadable(port: MessagePort): Readable {
  let owed = 0
  let paused = false
  const readable = new Readable({
    read() {
      paused = false
      while (owed > 0) {
        owed--
        port.postMessage({ type: 'credit' } satisfies ConsumerMessage)
      }
    },
    destroy(error, callback) {
      try {
        port.postMessage({ type: 'stop' } satisfies ConsumerMessage)
        port.close()
      } catch {
        /* closed already */
      }
      callback(error)
    },
  })
  port.on('message', (m: ProducerMessage) => {
    if (m.type === 'chunk') {
      const more = readable.push(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength))
      if (more && !paused) port.postMessage({ type: 'credit' } satisfies ConsumerMessage)
      else {
        paused = true
        owed++
      }
    } else if (m.type === 'end') {
      readable.push(null)
      port.close()
    } else {
      const code = (m.code in ErrorCodes ? m.code : 'OUTPUT_FAILED') as ErrorCode
      readable.destroy(new BudgetSimError(code, m.message))
    }
  })
  return readable
}
