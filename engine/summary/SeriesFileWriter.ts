// Why: the coordinator receives each block's summary series (series-major, a few trials) in trial
// order and stores them in the segment layout of seriesFile.ts, holding one segment in memory, so
// the summary can later read any one series of every trial cheaply.
import { open, rm, type FileHandle } from 'node:fs/promises'
import { BudgetSimError } from '../errors.js'
import { chooseSegmentTrials, type SeriesFileLayout } from './seriesFile.js'

export class SeriesFileWriter {
  layout: SeriesFileLayout
  private readonly segment: Float64Array
  /** first trial of the segment being filled, and how many of its trials are filled */
  private segmentStart = 0
  private filled = 0
  private nextTrial = 0
  private offset = 0

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    series: number,
    trials: number,
  ) {
    this.layout = { series, trials, segmentTrials: chooseSegmentTrials(series) }
    this.segment = new Float64Array(series * Math.min(trials, this.layout.segmentTrials))
  }

  static async create(path: string, series: number, trials: number): Promise<SeriesFileWriter> {
    try {
      return new SeriesFileWriter(path, await open(path, 'w'), series, trials)
    } catch (e) {
      throw new BudgetSimError('OUTPUT_FAILED', `cannot write ${path}: ${(e as Error).message}`, { cause: e })
    }
  }

  /** Append a block's series (Float64, series-major over `trialCount` trials), trials in order. */
  async append(block: ArrayBuffer, trialStart: number, trialCount: number): Promise<void> {
    if (trialStart !== this.nextTrial) throw new Error(`series file: expected trial ${this.nextTrial} next, got ${trialStart}`)
    const values = new Float64Array(block)
    const S = this.layout.series
    if (values.length !== S * trialCount) throw new Error(`series file: block holds ${values.length} values, expected ${S * trialCount}`)
    let from = 0
    while (from < trialCount) {
      const length = this.segmentLength()
      const n = Math.min(trialCount - from, length - this.filled)
      for (let s = 0; s < S; s++) this.segment.set(values.subarray(s * trialCount + from, s * trialCount + from + n), s * length + this.filled)
      this.filled += n
      from += n
      if (this.filled === length) await this.flush()
    }
    this.nextTrial = trialStart + trialCount
  }

  /** Close the file once every trial is in. */
  async finish(): Promise<void> {
    if (this.nextTrial !== this.layout.trials) throw new Error(`series file: finished after ${this.nextTrial} of ${this.layout.trials} trials`)
    await this.handle.close()
  }

  /**
   * Close the file after the first `trials` trials (all appended), fewer than it was created for:
   * the partly filled segment is written as the last segment of a file of `trials` trials, so the
   * file and its layout are those of a run of `trials` trials (a precision run that stopped early).
   */
  async finishAt(trials: number): Promise<void> {
    if (this.nextTrial !== trials || trials > this.layout.trials) throw new Error(`series file: cannot end at ${trials} trials after ${this.nextTrial} of ${this.layout.trials}`)
    if (this.filled > 0) {
      const length = this.segmentLength()
      const S = this.layout.series
      // series-major with the stride of the segment as created: repack with the stride of what is filled
      for (let s = 1; s < S; s++) this.segment.copyWithin(s * this.filled, s * length, s * length + this.filled)
      await this.writeSegment(S * this.filled)
      this.filled = 0
    }
    this.layout = { ...this.layout, trials }
    await this.handle.close()
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined)
    await rm(this.path, { force: true })
  }

  private segmentLength(): number {
    return Math.min(this.layout.segmentTrials, this.layout.trials - this.segmentStart)
  }

  /** Write the segment's first `values` doubles at the end of the file. */
  private async writeSegment(values: number): Promise<void> {
    const bytes = new Uint8Array(this.segment.buffer, 0, values * 8)
    let at = 0
    try {
      while (at < bytes.byteLength) at += (await this.handle.write(bytes, at, bytes.byteLength - at, this.offset + at)).bytesWritten
    } catch (e) {
      throw new BudgetSimError('OUTPUT_FAILED', `cannot write ${this.path}: ${(e as Error).message}`, { cause: e })
    }
    this.offset += bytes.byteLength
  }

  private async flush(): Promise<void> {
    await this.writeSegment(this.layout.series * this.segmentLength())
    this.segmentStart += this.segmentLength()
    this.filled = 0
  }
}
