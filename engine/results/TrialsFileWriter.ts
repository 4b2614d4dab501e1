// Why: a run's trials table can be far larger than memory (a million trials of the Guangzhou
// baseline is 18 million rows), so it is written as blocks arrive: the coordinator appends each
// block's rows, in trial order, to an Arrow IPC file, batch by batch. Rows are gathered into
// record batches of BATCH_ROWS rows (blocks may be small), and each batch is on disk before the
// next is built, so memory holds one batch whatever the run's size.
import { open, rm, type FileHandle } from 'node:fs/promises'
import { BudgetSimError } from '../errors.js'
import type { Plan } from '../plan/compilePlan.js'
import { CountColumns, MoneyColumns, viewColumns } from '../simulate/TrialColumns.js'
import { ArrowPump } from './arrowPump.js'
import type { RunMetadata } from './metadata.js'
import { BATCH_ROWS, trialsBatch, trialsSchema, type TrialsColumnName, type TrialsSchema } from './trialsSchema.js'

/**
 * Appends trials, in order, to an Arrow IPC file.
 *
 * @example
 * const w = await TrialsFileWriter.create(path, plan, meta, trials)
 * await w.append(block.rows, 0, 100)   // trials 0-99
 * await w.finish()
 */
export class TrialsFileWriter {
  private readonly pump: ArrowPump
  private readonly columns: Record<TrialsColumnName, Int32Array | Float64Array>
  private fill = 0
  private nextTrial = 0
  private readonly rowYear: Int32Array
  private readonly rowProgramme: Int32Array
  private readonly rowLevel: Int32Array

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly plan: Plan,
    private readonly ts: TrialsSchema,
    readonly trials: number,
  ) {
    const R = plan.rowsPerTrial
    this.rowYear = Int32Array.from({ length: R }, (_, r) => plan.years[plan.rowYear[r]])
    this.rowProgramme = Int32Array.from(plan.rowProgramme)
    this.rowLevel = Int32Array.from(plan.rowLevel)
    this.columns = Object.fromEntries(
      ts.names.map((n) => [n, (MoneyColumns as readonly string[]).includes(n) ? new Float64Array(BATCH_ROWS) : new Int32Array(BATCH_ROWS)]),
    ) as Record<TrialsColumnName, Int32Array | Float64Array>
    this.pump = new ArrowPump('file', async (chunk) => {
      let at = 0
      while (at < chunk.byteLength) at += (await handle.write(chunk, at, chunk.byteLength - at)).bytesWritten
    })
  }

  /** Create (truncate) `path` for `trials` trials of `plan`. */
  static async create(path: string, plan: Plan, meta: RunMetadata, trials: number): Promise<TrialsFileWriter> {
    const ts = trialsSchema(
      plan.programmes.map((p) => p.id),
      [...plan.levels],
      meta,
      trials * plan.rowsPerTrial,
    )
    let handle: FileHandle
    try {
      handle = await open(path, 'w')
    } catch (e) {
      throw new BudgetSimError('OUTPUT_FAILED', `cannot write ${path}: ${(e as Error).message}`, { cause: e })
    }
    return new TrialsFileWriter(path, handle, plan, ts, trials)
  }

  /** Append trials [trialStart, trialStart + trialCount) from a block's row buffer (TrialColumns layout). */
  async append(rows: ArrayBuffer, trialStart: number, trialCount: number): Promise<void> {
    if (trialStart !== this.nextTrial) throw new Error(`trials file: expected trial ${this.nextTrial} next, got ${trialStart}`)
    const R = this.plan.rowsPerTrial
    const block = viewColumns(trialCount * R, rows)
    const total = trialCount * R
    let from = 0
    while (from < total) {
      const n = Math.min(total - from, BATCH_ROWS - this.fill)
      for (const name of MoneyColumns) if (this.columns[name]) this.columns[name].set(block.money[name].subarray(from, from + n), this.fill)
      for (const name of CountColumns) if (this.columns[name]) this.columns[name].set(block.counts[name].subarray(from, from + n), this.fill)
      const { trial, year, programme, level } = this.columns
      for (let i = 0; i < n; i++) {
        const row = from + i
        const r = row % R
        const at = this.fill + i
        trial[at] = trialStart + (row - r) / R
        year[at] = this.rowYear[r]
        programme[at] = this.rowProgramme[r]
        level[at] = this.rowLevel[r]
      }
      this.fill += n
      from += n
      if (this.fill === BATCH_ROWS) await this.emit()
    }
    this.nextTrial = trialStart + trialCount
  }

  /** Write the last batch and the footer, and close the file. */
  async finish(): Promise<void> {
    if (this.nextTrial !== this.trials) throw new Error(`trials file: finished after ${this.nextTrial} of ${this.trials} trials`)
    if (this.fill > 0) await this.emit()
    try {
      await this.pump.finish()
    } catch (e) {
      throw this.outputFailed(e as Error)
    }
    await this.handle.sync()
    await this.handle.close()
  }

  /** Stop and remove the file. */
  async abort(): Promise<void> {
    await this.pump.abort().catch(() => undefined)
    await this.handle.close().catch(() => undefined)
    await rm(this.path, { force: true })
  }

  private async emit(): Promise<void> {
    const length = this.fill
    const data = Object.fromEntries(this.ts.names.map((n) => [n, this.columns[n].subarray(0, length)]))
    // the batch's buffers are queued as views: they are on disk when write resolves, then reused
    try {
      await this.pump.write(trialsBatch(this.ts, length, data))
    } catch (e) {
      throw this.outputFailed(e as Error)
    }
    this.fill = 0
  }

  private outputFailed(e: Error): BudgetSimError {
    return new BudgetSimError('OUTPUT_FAILED', `cannot write ${this.path}: ${e.message}`, { cause: e })
  }
}
