// Why: clients ask for part of a stored trials table (some years, programmes, levels, columns).
// This filters an Arrow table read back from disk by gathering the matching rows of each batch
// into new typed arrays; dictionary columns keep their one shared dictionary.
import { DataType, Field, makeData, RecordBatch, Schema, Struct, Table, type Data } from 'apache-arrow'

export interface TableFilter {
  years?: number[]
  programmes?: string[]
  levels?: string[]
  columns?: string[]
}

/** Keep the rows matching every given filter and the given columns (all when omitted). */
export function filterTable(table: Table, filter: TableFilter): Table {
  const names = filter.columns && filter.columns.length > 0 ? filter.columns : table.schema.fields.map((f) => f.name)
  const fields = names.map((n) => table.schema.fields.find((f) => f.name === n)!)
  const batches: RecordBatch[] = []
  let rows = 0
  const dictionaryAllow = (batch: RecordBatch, column: string, allowed: string[] | undefined): Uint8Array | null => {
    if (!allowed) return null
    const data = batch.getChild(column)!.data[0]
    const dictionary = [...data.dictionary!] as string[]
    return Uint8Array.from(dictionary.map((v) => (allowed.includes(v) ? 1 : 0)))
  }
  for (const batch of table.batches) {
    const n = batch.numRows
    const years = filter.years ? (batch.getChild('year')!.data[0].values as Int32Array) : null
    const programmeOk = dictionaryAllow(batch, 'programme', filter.programmes)
    const programmeIdx = programmeOk ? (batch.getChild('programme')!.data[0].values as Int32Array) : null
    const levelOk = dictionaryAllow(batch, 'level', filter.levels)
    const levelIdx = levelOk ? (batch.getChild('level')!.data[0].values as Int32Array) : null
    const keep = new Int32Array(n)
    let k = 0
    for (let i = 0; i < n; i++) {
      if (years && !filter.years!.includes(years[i])) continue
      if (programmeIdx && !programmeOk![programmeIdx[i]]) continue
      if (levelIdx && !levelOk![levelIdx[i]]) continue
      keep[k++] = i
    }
    if (k === 0) continue
    const children = fields.map((f): Data => {
      const source = batch.getChild(f.name)!.data[0]
      const values = source.values as Int32Array | Float64Array
      const out = new (values.constructor as Int32ArrayConstructor | Float64ArrayConstructor)(k)
      for (let j = 0; j < k; j++) out[j] = values[keep[j]]
      if (DataType.isDictionary(f.type)) return makeData({ type: f.type, length: k, nullCount: 0, data: out as Int32Array, dictionary: source.dictionary })
      return makeData({ type: f.type, length: k, nullCount: 0, data: out } as any)
    })
    batches.push(new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: k, nullCount: 0, children })))
    rows += k
  }
  const metadata = new Map(table.schema.metadata)
  metadata.set('row_count', String(rows))
  const described = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && (!Array.isArray(v) || v.length > 0)))
  if (Object.keys(described).length > 0) metadata.set('filter', JSON.stringify(described))
  const schema = new Schema(fields.map((f) => new Field(f.name, f.type, f.nullable)), metadata)
  if (batches.length === 0) {
    const children = fields.map((f) => makeData({ type: f.type, length: 0, nullCount: 0 } as any))
    batches.push(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children })))
  }
  return new Table(schema, batches.map((b) => new RecordBatch(schema, b.data)))
}
