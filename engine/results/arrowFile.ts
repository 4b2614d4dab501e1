// Why: a run's trials are stored once, as an Arrow IPC file. The IPC file format holds the stream
// format's dictionary and record batch messages between a leading magic and a trailing footer
// (arrow-js keeps the schema only in the footer), so the stream form is served as the schema
// message followed by a byte range of the stored file: no second copy on disk, no re-encoding of
// the rows.
import { open } from 'node:fs/promises'
import { RecordBatchReader, RecordBatchStreamWriter } from 'apache-arrow'
import { BudgetSimError } from '../errors.js'

const MAGIC = Buffer.from('ARROW1')

export interface StreamParts {
  /** the schema message, encoded for a stream */
  prefix: Uint8Array
  /** the byte range [start, end) of the file that follows it: dictionaries, batches, end-of-stream */
  start: number
  end: number
  /** bytes of the whole stream */
  length: number
}

/** How to send the IPC stream form of the IPC file at `path`. */
export async function ipcStreamParts(path: string): Promise<StreamParts> {
  const handle = await open(path, 'r')
  try {
    const { size } = await handle.stat()
    const head = Buffer.alloc(8)
    const tail = Buffer.alloc(10)
    await handle.read(head, 0, 8, 0)
    await handle.read(tail, 0, 10, size - 10)
    if (!head.subarray(0, 6).equals(MAGIC) || !tail.subarray(4).equals(MAGIC)) throw new Error('not an Arrow IPC file')
    const end = size - 10 - tail.readInt32LE(0)
    const eos = Buffer.alloc(8)
    await handle.read(eos, 0, 8, end - 8)
    if (eos.readInt32LE(0) !== -1 || eos.readInt32LE(4) !== 0) throw new Error('the messages do not end with an end-of-stream marker')
    const reader = await RecordBatchReader.from(handle)
    await reader.open()
    const writer = new RecordBatchStreamWriter()
    writer.reset(undefined, reader.schema)
    const prefix = writer.toUint8Array(true)
    return { prefix, start: 8, end, length: prefix.byteLength + end - 8 }
  } catch (e) {
    throw new BudgetSimError('OUTPUT_FAILED', `${path}: ${(e as Error).message}`, { cause: e })
  } finally {
    await handle.close()
  }
}

/** The IPC stream form of the IPC file at `path`, as a Readable (schema message, then the file's bytes). */
export async function ipcStreamOf(path: string): Promise<{ stream: import('node:stream').Readable; length: number }> {
  const { createReadStream } = await import('node:fs')
  const { Readable } = await import('node:stream')
  const parts = await ipcStreamParts(path)
  async function* bytes() {
    yield parts.prefix
    yield* createReadStream(path, { start: parts.start, end: parts.end - 1 })
  }
  return { stream: Readable.from(bytes(), { objectMode: false }), length: parts.length }
}
