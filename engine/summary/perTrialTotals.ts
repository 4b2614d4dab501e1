// Why: charts and comparisons need one number per trial (say, total municipal outlay in 2017),
// summed over the matching rows of a stored trials table.
import type { Table } from 'apache-arrow'

export interface TotalsSelection {
  measure: string
  year?: number
  programme?: string
  /** one level, or several whose rows are summed together */
  level?: string | readonly string[]
}

/** Per-trial sums of `measure` over the rows matching year, programme and level(s) (all when omitted). */
export function perTrialTotals(table: Table, trials: number, selection: TotalsSelection): Float64Array {
  const totals = new Float64Array(trials)
  for (const batch of table.batches) {
    const trial = batch.getChild('trial')!.data[0].values as Int32Array
    const values = batch.getChild(selection.measure)!.data[0].values as Float64Array | Int32Array
    const year = selection.year !== undefined ? (batch.getChild('year')!.data[0].values as Int32Array) : null
    const match = (column: string, wanted: string | readonly string[] | undefined) => {
      if (wanted === undefined) return null
      const data = batch.getChild(column)!.data[0]
      const dictionary = [...data.dictionary!] as string[]
      const indices = new Set((typeof wanted === 'string' ? [wanted] : wanted).map((w) => dictionary.indexOf(w)))
      return { codes: data.values as Int32Array, indices }
    }
    const programme = match('programme', selection.programme)
    const level = match('level', selection.level)
    for (let i = 0; i < batch.numRows; i++) {
      if (year && year[i] !== selection.year) continue
      if (programme && !programme.indices.has(programme.codes[i])) continue
      if (level && !level.indices.has(level.codes[i])) continue
      totals[trial[i]] += values[i]
    }
  }
  return totals
}
