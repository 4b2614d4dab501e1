// Why: the `trials` table is the full record of a run (one row per trial x year x programme x
// level). It is built straight over the engine's typed arrays (zero copy) in record batches that
// share one dictionary per string column, which keeps IPC streams and files valid for pyarrow and
// polars (see engineering notes: replacement dictionaries break the stream writer).
import { Dictionary, Field, Float64, Int32, makeData, RecordBatch, Schema, Struct, Table, Utf8, vectorFromArray, type Data } from 'apache-arrow'
import type { Plan } from '../plan/compilePlan.js'
import { CountColumns, MoneyColumns, type TrialColumns } from '../simulate/TrialColumns.js'
import { schemaMetadata, type RunMetadata } from './metadata.js'

/** Columns of the trials table, in order. */
export const TrialsColumnNames = ['trial', 'year', 'programme', 'level', ...CountColumns, ...MoneyColumns] as const
export type TrialsColumnName = (typeof TrialsColumnNames)[number]

/** Rows per record batch: small enough to stream early, large enough to be cheap. */
export const BATCH_ROWS = 131_072

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

/**
 * Build the trials table. With no filter the value columns are views over `columns` (no copy);
 * a filter gathers the selected rows.
 */
export function buildTrialsTable(plan: Plan, columns: TrialColumns, trials: number, meta: RunMetadata, filter: TrialsFilter = {}): Table {
  const R = plan.rowsPerTrial
  const offsets = selectRowOffsets(plan, filter)
  const k = offsets.length
  const rows = trials * k
  const whole = k === R
  const wanted = new Set<TrialsColumnName>(filter.columns && filter.columns.length > 0 ? filter.columns : TrialsColumnNames)
  const names = TrialsColumnNames.filter((n) => wanted.has(n))

  const programmeType = new Dictionary(new Utf8(), new Int32(), 0, false)
  const levelType = new Dictionary(new Utf8(), new Int32(), 1, false)
  const programmeDictionary = vectorFromArray(plan.programmes.map((p) => p.id), new Utf8())
  const levelDictionary = vectorFromArray([...plan.levels], new Utf8())
  const typeOf = (n: TrialsColumnName) =>
    n === 'programme' ? programmeType : n === 'level' ? levelType : (MoneyColumns as readonly string[]).includes(n) ? new Float64() : new Int32()
  const fields = names.map((n) => new Field(n, typeOf(n), false))
  const schema = new Schema(fields, schemaMetadata(meta, 'trials', rows))

  const gather = <T extends Int32Array | Float64Array>(source: T, make: (n: number) => T): T => {
    if (whole) return source
    const out = make(rows)
    for (let t = 0; t < trials; t++) for (let j = 0; j < k; j++) out[t * k + j] = source[t * R + offsets[j]]
    return out
  }
  const full: Partial<Record<TrialsColumnName, Int32Array | Float64Array>> = {}
  const layout = (f: (t: number, r: number) => number) => {
    const out = new Int32Array(rows)
    for (let t = 0; t < trials; t++) for (let j = 0; j < k; j++) out[t * k + j] = f(t, offsets[j])
    return out
  }
  if (wanted.has('trial')) full.trial = layout((t) => t)
  if (wanted.has('year')) full.year = layout((_, r) => plan.years[plan.rowYear[r]])
  if (wanted.has('programme')) full.programme = layout((_, r) => plan.rowProgramme[r])
  if (wanted.has('level')) full.level = layout((_, r) => plan.rowLevel[r])
  for (const n of CountColumns) if (wanted.has(n)) full[n] = gather(columns.counts[n], (m) => new Int32Array(m))
  for (const n of MoneyColumns) if (wanted.has(n)) full[n] = gather(columns.money[n], (m) => new Float64Array(m))

  const batches: RecordBatch[] = []
  for (let start = 0; start < rows || (rows === 0 && batches.length === 0); start += BATCH_ROWS) {
    const length = Math.min(BATCH_ROWS, rows - start)
    const children = names.map((n, i): Data => {
      const data = full[n]!.subarray(start, start + length)
      if (n === 'programme')
        return makeData({ type: programmeType, length, nullCount: 0, data: data as Int32Array, dictionary: programmeDictionary })
      if (n === 'level') return makeData({ type: levelType, length, nullCount: 0, data: data as Int32Array, dictionary: levelDictionary })
      return makeData({ type: fields[i].type, length, nullCount: 0, data } as any)
    })
    batches.push(new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children })))
    if (rows === 0) break
  }
  return new Table(schema, batches)
}
