// Why: results leave the engine as Arrow IPC file (.arrow), Arrow IPC stream (.arrows), CSV or
// JSON. Files are written to a temporary name and renamed when complete, so no reader ever sees
// half a table and a failure leaves nothing behind.
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { DataType, RecordBatchFileWriter, RecordBatchStreamWriter, type RecordBatch, type Table } from 'apache-arrow'
import { BudgetSimError } from '../errors.js'

export const Formats = ['arrow', 'arrows', 'csv', 'json'] as const
export type Format = (typeof Formats)[number]

export const MediaTypes: Record<Format, string> = {
  arrow: 'application/vnd.apache.arrow.file',
  arrows: 'application/vnd.apache.arrow.stream',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
}

/**
 * The IPC bytes of a table (uncompressed: see engineering notes). arrow-js queues what it writes
 * until it is read, so the bytes are collected, then yielded in order.
 */
export async function* ipcChunks(table: Table, kind: 'file' | 'stream'): AsyncGenerator<Uint8Array> {
  const writer = kind === 'file' ? new RecordBatchFileWriter() : new RecordBatchStreamWriter()
  const reading = (async () => {
    const chunks: Uint8Array[] = []
    for await (const c of writer) chunks.push(c)
    return chunks
  })()
  for (const batch of table.batches) writer.write(batch)
  writer.finish()
  for (const c of await reading) yield c
}

/** CSV text of a table in chunks of rows, read straight from the column buffers. */
export function* csvChunks(table: Table, rowsPerChunk = 20_000): Generator<string> {
  yield csvHeader(table.schema.fields.map((f) => f.name))
  for (const batch of table.batches) yield* csvBatchChunks(batch, rowsPerChunk)
}

/** The CSV header line. */
export function csvHeader(names: string[]): string {
  return `${names.map((n) => csvCell(n)).join(',')}\n`
}

/**
 * CSV lines of one record batch, in chunks. Dictionary columns print their strings, plain string
 * columns their values (never their UTF-8 bytes), floats always with a decimal point, nulls empty.
 */
export function* csvBatchChunks(batch: RecordBatch, rowsPerChunk = 20_000): Generator<string> {
  const columns = batch.schema.fields.map((_, i) => {
    const vector = batch.getChildAt(i)!
    const data = vector.data[0]
    // dictionary strings escaped once; only fixed-width numbers are read straight from the value
    // buffer (a string column's buffer holds its UTF-8 bytes, not its values)
    const dictionary = data.dictionary ? ([...data.dictionary] as unknown[]).map((v) => csvCell(v)) : null
    const float = DataType.isFloat(data.type)
    const numeric = !dictionary && (DataType.isInt(data.type) || float)
    const indices = dictionary ? (data.values as Int32Array) : null
    return { values: numeric ? (data.values as ArrayLike<number>) : null, dictionary, indices, nulls: vector.nullCount > 0, float, vector }
  })
  for (let start = 0; start < batch.numRows; start += rowsPerChunk) {
    const end = Math.min(batch.numRows, start + rowsPerChunk)
    let text = ''
    for (let r = start; r < end; r++) {
      for (let c = 0; c < columns.length; c++) {
        const col = columns[c]
        let cell: string
        if (col.dictionary) cell = col.nulls && !col.vector.isValid(r) ? '' : col.dictionary[col.indices![r]]
        else if (col.values !== null && col.vector.nullCount === 0) cell = col.float ? floatCell(col.values[r]) : String(col.values[r])
        else cell = csvCell(col.vector.get(r), col.float)
        text += c === 0 ? cell : `,${cell}`
      }
      text += '\n'
    }
    yield text
  }
}

/** Floats always carry a decimal point, so CSV readers infer a float column (polars would say i64). */
function floatCell(x: number): string {
  return Number.isInteger(x) && Math.abs(x) < 1e21 ? `${x}.0` : String(x)
}

function csvCell(v: unknown, float = false): string {
  if (v === null || v === undefined) return ''
  if (float && typeof v === 'number') return floatCell(v)
  const s = String(v)
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** Serialise a table in a format, as chunks. */
export function tableChunks(table: Table, format: Exclude<Format, 'json'>): AsyncIterable<Uint8Array | string> | Iterable<string> {
  if (format === 'csv') return csvChunks(table)
  return ipcChunks(table, format === 'arrow' ? 'file' : 'stream')
}

/**
 * Write chunks to `path` atomically: into `path.tmp-<pid>-<n>`, then rename. On failure the
 * temporary file is removed and OUTPUT_FAILED is thrown.
 */
let tmpCounter = 0
export async function writeFileAtomic(path: string, chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${++tmpCounter}`
  try {
    await pipeline(Readable.from(chunks), createWriteStream(tmp))
    await rename(tmp, path)
  } catch (e) {
    await rm(tmp, { force: true })
    throw new BudgetSimError('OUTPUT_FAILED', `cannot write ${path}: ${(e as Error).message}`, { cause: e })
  }
}
