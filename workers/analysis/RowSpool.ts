// Why: a precision run does not know its trial count until it stops, but a trials table's
// metadata (trials, row count, specification hash) is written at its start. Its blocks' rows are
// therefore spooled, raw, to a temporary file in trial order, and replayed into the Arrow trials
// file once the count is known: the file is then byte for byte the one a fixed run of that many
// trials writes (the writer batches rows the same way whatever the blocks were). Memory holds one
// block, whatever the run's size.
import { open, rm, type FileHandle } from 'node:fs/promises'
import { BudgetSimError } from '../../engine/errors.js'

interface Entry {
  offset: number
  bytes: number
  trialStart: number
  trialCount: number
}

export class RowSpool {
  private readonly entries: Entry[] = []
  private offset = 0

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(path: string): Promise<RowSpool> {
    try {
      return new RowSpool(path, await open(path, 'w+'))
    } catch (e) {
      throw new BudgetSimError('OUTPUT_FAILED', `cannot write ${path}: ${(e as Error).message}`, { cause: e })
    }
  }

  /** Append a block's rows (trials in order). */
  async append(rows: ArrayBuffer, trialStart: number, trialCount: number): Promise<void> {
    const last = this.entries.at(-1)
    const next = last ? last.trialStart + last.trialCount : 0
    if (trialStart !== next) throw new Error(`row spool: expected trial ${next} next, got ${trialStart}`)
    const bytes = new Uint8Array(rows)
    let at = 0
    try {
      while (at < bytes.byteLength) at += (await this.handle.write(bytes, at, bytes.byteLength - at, this.offset + at)).bytesWritten
    } catch (e) {
      throw new BudgetSimError('OUTPUT_FAILED', `cannot write ${this.path}: ${(e as Error).message}`, { cause: e })
    }
    this.entries.push({ offset: this.offset, bytes: bytes.byteLength, trialStart, trialCount })
    this.offset += bytes.byteLength
  }

  /** Hand the blocks of trials [0, trials) back in order, one at a time, then remove the spool. */
  async replay(trials: number, sink: (rows: ArrayBuffer, trialStart: number, trialCount: number) => Promise<void>): Promise<void> {
    for (const e of this.entries) {
      if (e.trialStart >= trials) break
      if (e.trialStart + e.trialCount > trials) throw new Error(`row spool: block ${e.trialStart}+${e.trialCount} crosses the end at ${trials}`)
      const buffer = new ArrayBuffer(e.bytes)
      const view = new Uint8Array(buffer)
      let at = 0
      while (at < e.bytes) {
        const { bytesRead } = await this.handle.read(view, at, e.bytes - at, e.offset + at)
        if (bytesRead === 0) throw new BudgetSimError('OUTPUT_FAILED', `${this.path}: unexpected end of the row spool`)
        at += bytesRead
      }
      await sink(buffer, e.trialStart, e.trialCount)
    }
    await this.remove()
  }

  async remove(): Promise<void> {
    await this.handle.close().catch(() => undefined)
    await rm(this.path, { force: true })
  }
}
