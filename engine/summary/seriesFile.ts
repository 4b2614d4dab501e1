// Why: a run's per-trial summary series are too many to hold in memory for large runs (hundreds of
// series x millions of trials), so the coordinator stores them on disk in trial order and the
// summary is computed from there, series by series, in worker threads. This fixes the file's
// layout: segments of consecutive trials, each series-major, so one series is read back with one
// positioned read per segment.
import { closeSync, openSync, readSync } from 'node:fs'

export interface SeriesFileLayout {
  /** number of series */
  series: number
  /** number of trials */
  trials: number
  /** trials per segment (the last segment may hold fewer) */
  segmentTrials: number
}

/** Trials per segment: about 16 MB of series per segment, between 256 and 65,536 trials. */
export function chooseSegmentTrials(series: number): number {
  return Math.max(256, Math.min(65_536, Math.floor((16 * 1024 * 1024) / (8 * Math.max(1, series)))))
}

/** Byte offset of series `s` within segment `k`, and its length in values. */
export function segmentSlot(layout: SeriesFileLayout, k: number, s: number): { offset: number; length: number } {
  const start = k * layout.segmentTrials
  const length = Math.min(layout.segmentTrials, layout.trials - start)
  return { offset: 8 * (start * layout.series + s * length), length }
}

/** Read series `s` (every trial, in order) into `out`. */
export function readSeries(path: string, layout: SeriesFileLayout, s: number, out = new Float64Array(layout.trials)): Float64Array {
  const fd = openSync(path, 'r')
  try {
    readSeriesFrom(fd, layout, s, out)
  } finally {
    closeSync(fd)
  }
  return out
}

/** As readSeries, from an open file descriptor. */
export function readSeriesFrom(fd: number, layout: SeriesFileLayout, s: number, out: Float64Array): Float64Array {
  const segments = Math.ceil(layout.trials / layout.segmentTrials)
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
  for (let k = 0; k < segments; k++) {
    const { offset, length } = segmentSlot(layout, k, s)
    const at = k * layout.segmentTrials * 8
    let done = 0
    while (done < length * 8) {
      const n = readSync(fd, bytes, at + done, length * 8 - done, offset + done)
      if (n === 0) throw new Error(`series file ${fd}: unexpected end at segment ${k}, series ${s}`)
      done += n
    }
  }
  return out
}
