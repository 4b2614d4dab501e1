// Why: arrow-js's IPC writers queue every byte they produce until someone reads it, and apply no
// backpressure (see engineering notes). A pump reads the writer's output into an async sink (a
// file, a MessagePort) and lets the producer wait until what it wrote has reached the sink, so
// memory holds at most one record batch however large the table.
import { RecordBatchFileWriter, RecordBatchStreamWriter, type RecordBatch } from 'apache-arrow'

class CountingFileWriter extends RecordBatchFileWriter {
  get produced(): number {
    return this._position
  }
}

class CountingStreamWriter extends RecordBatchStreamWriter {
  get produced(): number {
    return this._position
  }
}

export class ArrowPump {
  private readonly writer: CountingFileWriter | CountingStreamWriter
  private readonly done: Promise<void>
  private consumed = 0
  private waiting: (() => void)[] = []
  private failure: unknown = null

  /** `kind` 'file' writes the IPC file format (with footer), 'stream' the IPC stream format. */
  constructor(kind: 'file' | 'stream', sink: (chunk: Uint8Array) => Promise<void>) {
    const writer = kind === 'file' ? new CountingFileWriter() : new CountingStreamWriter()
    this.writer = writer
    this.done = (async () => {
      for await (const chunk of writer) {
        await sink(chunk)
        this.consumed += chunk.byteLength
        this.wake()
      }
    })().catch((e) => {
      this.failure = e
      this.wake()
    })
  }

  /** Write a batch and wait until its bytes have reached the sink (its buffers may then be reused). */
  async write(batch: RecordBatch): Promise<void> {
    this.writer.write(batch)
    while (this.consumed < this.writer.produced && this.failure === null) await new Promise<void>((resolve) => this.waiting.push(resolve))
    if (this.failure !== null) throw this.failure
  }

  /** Write the end of the stream (and the footer of a file) and wait for the sink. */
  async finish(): Promise<void> {
    this.writer.finish()
    await this.done
    if (this.failure !== null) throw this.failure
  }

  /** Stop without finishing; waits for the pump to end. */
  async abort(): Promise<void> {
    try {
      this.writer.abort()
    } catch {
      /* closed already */
    }
    await this.done
  }

  private wake(): void {
    const waiting = this.waiting
    this.waiting = []
    for (const w of waiting) w()
  }
}
