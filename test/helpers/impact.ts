// Budget-impact figures computed by hand from stored trials tables, for tests.
import { readFileSync } from 'node:fs'
import { tableFromIPC } from 'apache-arrow'

/** Per trial, the sum of `measure` over the rows of a year (or all) and level (or all), from a trials file. */
export function directTotals(path: string, year: number | 'all', level: string, measure = 'demand'): Float64Array {
  const table = tableFromIPC(readFileSync(path))
  const trials = Number(table.schema.metadata.get('trials'))
  const out = new Float64Array(trials)
  const t = table.getChild('trial')!.toArray() as Int32Array
  const y = table.getChild('year')!.toArray() as Int32Array
  const l = table.getChild('level')!.toArray() as string[]
  const v = table.getChild(measure)!.toArray() as Float64Array
  for (let i = 0; i < t.length; i++) if ((year === 'all' || y[i] === year) && (level === 'all' || l[i] === level)) out[t[i]] += v[i]
  return out
}

export function pairedByHand(before: Float64Array, after: Float64Array) {
  const n = before.length
  const mean = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / n
  const d = after.map((x, i) => x - before[i])
  const md = mean(d)
  const sd = Math.sqrt(d.reduce((s, x) => s + (x - md) ** 2, 0) / (n - 1))
  return { before: mean(before), after: mean(after), difference: mean(after) - mean(before), se: sd / Math.sqrt(n) }
}
