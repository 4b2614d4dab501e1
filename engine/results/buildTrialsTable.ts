// Why: tests and small in-memory uses need a run's trials table as an Arrow Table built straight
// over the engine's typed arrays; runs themselves stream their rows to a file (TrialsFileWriter)
// with the same schema.
import { Table, type RecordBatch } from 'apache-arrow'
import type { Plan } from '../plan/compilePlan.js'
import { CountColumns, MoneyColumns, type TrialColumns } from '../simulate/TrialColumns.js'
import type { RunMetadata } from './metadata.js'
import { BATCH_ROWS, TrialsColumnNames, trialsBatch, trialsSchema, type TrialsColumnName } from './trialsSchema.js'

export { BATCH_ROWS, TrialsColumnNames, type TrialsColumnName }

export interface TrialsFilter {
  years?: number[]
  programmes?: string[]
  levels?: string[]
  columns?: TrialsColumnName[]
}

/** Within-trial row offsets that pass the year/programme/level filter. */
export function selectRowOffsets(plan: Plan, filter: TrialsFilter = {}): Int32Array {
  const out: number[] = []
  for (let r = 0; r < plan.rowsPerTrial; r++) {
    if (filter.years && !filter.years.includes(plan.years[plan.rowYear[r]])) continue
    if (filter.programmes && !filter.programmes.includes(plan.programmes[plan.rowProgramme[r]].id)) continue
    if (filter.levels && !filter.levels.includes(plan.levels[plan.rowLevel[r]])) continue
    out.push(r)
  }
  return Int32Array.from(out)
}

/** The four layout columns (trial, year, programme, level) of trials [trialStart, trialStart + trials) for the given row offsets. */
export function layoutColumns(plan: Plan, trialStart: number, trials: number, offsets: Int32Array) {
  const k = offsets.length
  const rows = trials * k
  const trial = new Int32Array(rows)
  const year = new Int32Array(rows)
  const programme = new Int32Array(rows)
  const level = new Int32Array(rows)
  for (let t = 0; t < trials; t++)
    for (let j = 0; j < k; j++) {
      const i = t * k + j
      const r = offsets[j]
      trial[i] = trialStart + t
      year[i] = plan.years[plan.rowYear[r]]
      programme[i] = plan.rowProgramme[r]
      level[i] = plan.rowLevel[r]
    }
  return { trial, year, programme, level }
}

/**
 * Build the trials table of `trials` trials held in `columns`. Without a filter the value columns
 * are views over `columns` (no copy); a filter gathers the selected rows.
 */
export function buildTrialsTable(plan: Plan, columns: TrialColumns, trials: number, meta: RunMetadata, filter: TrialsFilter = {}): Table {
  const R = plan.rowsPerTrial
  const offsets = selectRowOffsets(plan, filter)
  const k = offsets.length
  const rows = trials * k
  const whole = k === R
  const ts = trialsSchema(
    plan.programmes.map((p) => p.id),
    [...plan.levels],
    meta,
    rows,
    filter.columns,
  )
  const gather = <T extends Int32Array | Float64Array>(source: T, make: (n: number) => T): T => {
    if (whole) return source
    const out = make(rows)
    for (let t = 0; t < trials; t++) for (let j = 0; j < k; j++) out[t * k + j] = source[t * R + offsets[j]]
    return out
  }
  const full: Partial<Record<TrialsColumnName, Int32Array | Float64Array>> = layoutColumns(plan, 0, trials, offsets)
  for (const n of CountColumns) full[n] = gather(columns.counts[n], (m) => new Int32Array(m))
  for (const n of MoneyColumns) full[n] = gather(columns.money[n], (m) => new Float64Array(m))
  const batches: RecordBatch[] = []
  for (let start = 0; start < rows || batches.length === 0; start += BATCH_ROWS) {
    const length = Math.max(0, Math.min(BATCH_ROWS, rows - start))
    const slice = Object.fromEntries(ts.names.map((n) => [n, full[n]!.subarray(start, start + length)]))
    batches.push(trialsBatch(ts, length, slice))
    if (rows === 0) break
  }
  return new Table(ts.schema, batches)
}
