// Why: the `summary` table (a few hundred rows) carries every statistic per year x programme x
// level x measure; built from row objects since it is small, with nullable columns where a
// statistic does not apply (no appropriation, too few trials for batch errors).
import { Field, Float64, Int32, Schema, Table, Utf8, vectorFromArray, makeData, Struct, RecordBatch, type Data } from 'apache-arrow'
import type { SummaryRow } from '../summary/summarize.js'
import { schemaMetadata, type RunMetadata } from './metadata.js'

export const SummaryColumnNames = [
  'year', 'programme', 'level', 'measure', 'n', 'mean', 'mean_se', 'sd', 'min', 'p05', 'p25', 'p50', 'p75', 'p90', 'p95', 'p99', 'max',
  'var95', 'var95_se', 'tvar95', 'tvar95_se', 'var99', 'var99_se', 'tvar99', 'tvar99_se',
  'appropriation', 'p_exceed', 'p_exceed_lo', 'p_exceed_hi', 'expected_excess',
] as const

const stringColumns = new Set(['programme', 'level', 'measure'])
const intColumns = new Set(['year', 'n'])
const nullable = new Set(['year', 'var95_se', 'tvar95_se', 'var99_se', 'tvar99_se', 'appropriation', 'p_exceed', 'p_exceed_lo', 'p_exceed_hi', 'expected_excess'])

/** Build the summary table; `year` is null on rows over all years. */
export function buildSummaryTable(rows: SummaryRow[], meta: RunMetadata): Table {
  const fields = SummaryColumnNames.map((n) => {
    const type = stringColumns.has(n) ? new Utf8() : intColumns.has(n) ? new Int32() : new Float64()
    return new Field(n, type, nullable.has(n))
  })
  const schema = new Schema(fields, schemaMetadata(meta, 'summary', rows.length))
  const children: Data[] = fields.map((f) => {
    const values = rows.map((r) => (r as unknown as Record<string, unknown>)[f.name] ?? null)
    return vectorFromArray(values as any[], f.type).data[0]
  })
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children }))
  return new Table(schema, [batch])
}
