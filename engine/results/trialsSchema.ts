// Why: the `trials` table (one row per trial x year x programme x level) is written in pieces, by
// whoever holds the rows: the coordinator appending blocks to a file, a worker cutting a filtered
// copy, a test building one in memory. They must all produce the same schema, with one shared
// dictionary per string column (see engineering notes: replacement dictionaries break the
// writers), so it is defined here once.
import { Dictionary, Field, Float64, Int32, makeData, RecordBatch, Schema, Struct, Utf8, vectorFromArray, type Data, type Vector } from 'apache-arrow'
import { CountColumns, MoneyColumns } from '../simulate/TrialColumns.js'
import { schemaMetadata, type RunMetadata } from './metadata.js'

/** Columns of the trials table, in order. */
export const TrialsColumnNames = ['trial', 'year', 'programme', 'level', ...CountColumns, ...MoneyColumns] as const
export type TrialsColumnName = (typeof TrialsColumnNames)[number]

/** Rows per record batch: small enough to stream early, large enough to be cheap. */
export const BATCH_ROWS = 131_072

/** The schema of a trials table and the dictionaries its string columns share. */
export interface TrialsSchema {
  schema: Schema
  names: TrialsColumnName[]
  programmeDictionary: Vector
  levelDictionary: Vector
}

/**
 * The trials schema for programmes and levels (dictionary order = plan order), keeping `columns`
 * (all when omitted), with the run's metadata and the row count the table will have.
 */
export function trialsSchema(programmes: string[], levels: string[], meta: RunMetadata, rowCount: number, columns?: readonly string[]): TrialsSchema {
  const wanted = new Set(columns && columns.length > 0 ? columns : TrialsColumnNames)
  const names = TrialsColumnNames.filter((n) => wanted.has(n))
  const programmeType = new Dictionary(new Utf8(), new Int32(), 0, false)
  const levelType = new Dictionary(new Utf8(), new Int32(), 1, false)
  const typeOf = (n: TrialsColumnName) =>
    n === 'programme' ? programmeType : n === 'level' ? levelType : (MoneyColumns as readonly string[]).includes(n) ? new Float64() : new Int32()
  const fields = names.map((n) => new Field(n, typeOf(n), false))
  const { applications_simulated: _, ...trialsMeta } = meta
  return {
    schema: new Schema(fields, schemaMetadata(trialsMeta, 'trials', rowCount)),
    names,
    programmeDictionary: vectorFromArray(programmes, new Utf8()),
    levelDictionary: vectorFromArray(levels, new Utf8()),
  }
}

/** A record batch of `length` rows over typed arrays, one per column of the schema (by name). */
export function trialsBatch(ts: TrialsSchema, length: number, data: Partial<Record<TrialsColumnName, Int32Array | Float64Array>>): RecordBatch {
  const fields = ts.schema.fields
  const children = ts.names.map((n, i): Data => {
    const values = data[n]!
    if (values.length !== length) throw new Error(`trials batch: column ${n} holds ${values.length} values, expected ${length}`)
    if (n === 'programme') return makeData({ type: fields[i].type, length, nullCount: 0, data: values as Int32Array, dictionary: ts.programmeDictionary } as any)
    if (n === 'level') return makeData({ type: fields[i].type, length, nullCount: 0, data: values as Int32Array, dictionary: ts.levelDictionary } as any)
    return makeData({ type: fields[i].type, length, nullCount: 0, data: values } as any)
  })
  return new RecordBatch(ts.schema, makeData({ type: new Struct(fields), length, nullCount: 0, children }))
}
