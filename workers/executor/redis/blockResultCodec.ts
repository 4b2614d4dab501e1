// Why: a block's result is binary (Float64 series, the trials table's column buffer) and must
// come back byte for byte, so it is stored under its own Redis key as one Buffer, never as a
// job's JSON return value. Layout: a fixed 72-byte little-endian header (magic, version, flags,
// trial range, completed, applications, draws, byte lengths), then the series bytes, then the
// rows bytes (absent for summary-only runs).
import type { BlockOutput } from '../../../engine/pipeline/simulateBlock.js'

const MAGIC = 'BSIMBLK1'
const VERSION = 1
export const HEADER_BYTES = 72
const HAS_ROWS = 1

/** One Buffer holding the block: header, series, rows. */
export function encodeBlockResult(out: BlockOutput): Buffer {
  const rowsBytes = out.rows ? out.rows.byteLength : 0
  const buf = Buffer.allocUnsafe(HEADER_BYTES + out.series.byteLength + rowsBytes)
  buf.write(MAGIC, 0, 'latin1')
  buf.writeUInt32LE(VERSION, 8)
  buf.writeUInt32LE(out.rows ? HAS_ROWS : 0, 12)
  const fields = [out.trialStart, out.trialCount, out.completed, out.applications, out.draws, out.series.byteLength, rowsBytes]
  fields.forEach((x, i) => buf.writeDoubleLE(x, 16 + 8 * i))
  Buffer.from(out.series).copy(buf, HEADER_BYTES)
  if (out.rows) Buffer.from(out.rows).copy(buf, HEADER_BYTES + out.series.byteLength)
  return buf
}

/**
 * The block back from its Buffer, in fresh (aligned) ArrayBuffers. Throws when the bytes are not
 * a block result or not the block expected.
 */
export function decodeBlockResult(buf: Buffer, expect?: { trialStart: number; trialCount: number; rows: boolean }): BlockOutput {
  if (buf.length < HEADER_BYTES || buf.toString('latin1', 0, 8) !== MAGIC || buf.readUInt32LE(8) !== VERSION)
    throw new Error(`not a budget-sim block result (${buf.length} bytes)`)
  const hasRows = (buf.readUInt32LE(12) & HAS_ROWS) !== 0
  const [trialStart, trialCount, completed, applications, draws, seriesBytes, rowsBytes] = Array.from({ length: 7 }, (_, i) => buf.readDoubleLE(16 + 8 * i))
  if (HEADER_BYTES + seriesBytes + rowsBytes !== buf.length)
    throw new Error(`a block result of ${buf.length} bytes declares ${HEADER_BYTES + seriesBytes + rowsBytes}`)
  if (expect && (expect.trialStart !== trialStart || expect.trialCount !== trialCount || expect.rows !== hasRows))
    throw new Error(`the stored result holds trials ${trialStart}+${trialCount} (rows ${hasRows}), not ${expect.trialStart}+${expect.trialCount} (rows ${expect.rows})`)
  const copy = (from: number, bytes: number) => {
    const ab = new ArrayBuffer(bytes)
    buf.copy(new Uint8Array(ab), 0, from, from + bytes)
    return ab
  }
  return {
    trialStart,
    trialCount,
    completed,
    applications,
    draws,
    series: copy(HEADER_BYTES, seriesBytes),
    rows: hasRows ? copy(HEADER_BYTES + seriesBytes, rowsBytes) : null,
  }
}
