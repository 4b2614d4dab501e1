// Read CSV results back with pandas and polars (test/helpers/read_csv.py, with the project's Python)
// and lay out the engine's own values the same way, so tests compare every cell.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import type { Table } from 'apache-arrow'
import { pythonInterpreter } from '../../scripts/pythonInterpreter.js'

export type Cell = string | number | boolean | null

export interface CsvReading {
  columns: string[]
  dtypes: string[]
  rows: Cell[][]
}

/** What pandas.read_csv and polars.read_csv (defaults) see in each file. */
export function readCsvWithPython(...paths: string[]): Record<string, { pandas: CsvReading; polars: CsvReading }> {
  const out = execFileSync(pythonInterpreter(), [join(__dirname, 'read_csv.py'), ...paths], { encoding: 'utf8', maxBuffer: 1 << 30 })
  return JSON.parse(out)
}

function plain(v: unknown): Cell {
  if (v === undefined || v === null) return null
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'number') return Object.is(v, -0) ? 0 : v
  return v as Cell
}

/** Every cell of an Arrow table, row by row (dictionary columns as their strings). */
export function tableCells(table: Table): Cell[][] {
  const columns = table.schema.fields.map((f) => table.getChild(f.name)!)
  const rows: Cell[][] = []
  for (let r = 0; r < table.numRows; r++) rows.push(columns.map((c) => plain(c.get(r))))
  return rows
}

/** Every cell of JSON rows, in the order of `columns` (a missing key is null). */
export function objectCells(rows: object[], columns: readonly string[]): Cell[][] {
  return rows.map((row) => columns.map((c) => plain((row as Record<string, unknown>)[c])))
}

/**
 * The cells where `seen` differs from `expected` (at most `limit`, as "row r, column: seen vs
 * expected"). Numbers must be equal, or within `relative` error when given: pandas' default float
 * parser is not correctly rounded (17-digit values can come back a few units in the last place
 * off; `float_precision="round_trip"` reads them exactly), polars' is exact.
 */
export function cellDifferences(seen: CsvReading, expected: Cell[][], options: { relative?: number; limit?: number } = {}): string[] {
  const { relative = 0, limit = 10 } = options
  const out: string[] = []
  if (seen.rows.length !== expected.length) out.push(`${seen.rows.length} rows, expected ${expected.length}`)
  for (let r = 0; r < Math.min(seen.rows.length, expected.length) && out.length < limit; r++) {
    for (let c = 0; c < seen.columns.length && out.length < limit; c++) {
      const a = seen.rows[r][c]
      const b = expected[r][c]
      if (a === b) continue
      const close = typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= relative * Math.abs(b)
      if (!close) out.push(`row ${r}, ${seen.columns[c]}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`)
    }
  }
  return out
}
