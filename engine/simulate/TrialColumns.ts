// Why: a block of simulated trials travels from a worker to the main thread as ONE transferable
// ArrayBuffer (Piscina.move moves only a top-level value). This fixes the layout of the result
// columns inside that buffer, so both sides build typed-array views over it without copying.

/** Money columns (Float64), in buffer order. */
export const MoneyColumns = ['demand', 'paid', 'shortfall', 'cap_saved', 'budget_cut'] as const
/** Count columns (Int32), in buffer order. */
export const CountColumns = ['applicants', 'approved', 'capped', 'quota_rejected', 'budget_rejected', 'recipients'] as const

export type MoneyColumn = (typeof MoneyColumns)[number]
export type CountColumn = (typeof CountColumns)[number]

/** Result columns for `rows` rows (trials x rows per trial), as views over one buffer. */
export interface TrialColumns {
  rows: number
  buffer: ArrayBuffer
  money: Record<MoneyColumn, Float64Array>
  counts: Record<CountColumn, Int32Array>
}

/** Bytes needed for `rows` rows: 8 bytes per money column, 4 per count column. */
export function columnsByteLength(rows: number): number {
  return rows * (8 * MoneyColumns.length + 4 * CountColumns.length)
}

/** Typed-array views over `buffer` (fresh, zeroed when omitted). */
export function viewColumns(rows: number, buffer: ArrayBuffer = new ArrayBuffer(columnsByteLength(rows))): TrialColumns {
  if (buffer.byteLength !== columnsByteLength(rows))
    throw new Error(`result buffer holds ${buffer.byteLength} bytes, expected ${columnsByteLength(rows)} for ${rows} rows`)
  let offset = 0
  const money = {} as Record<MoneyColumn, Float64Array>
  for (const name of MoneyColumns) {
    money[name] = new Float64Array(buffer, offset, rows)
    offset += rows * 8
  }
  const counts = {} as Record<CountColumn, Int32Array>
  for (const name of CountColumns) {
    counts[name] = new Int32Array(buffer, offset, rows)
    offset += rows * 4
  }
  return { rows, buffer, money, counts }
}

/** Copy a block's columns into `target` starting at row `at` (one memcpy per column). */
export function copyColumns(source: TrialColumns, target: TrialColumns, at: number): void {
  for (const name of MoneyColumns) target.money[name].set(source.money[name], at)
  for (const name of CountColumns) target.counts[name].set(source.counts[name], at)
}
