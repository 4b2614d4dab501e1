// Why: every number the page shows about a run comes from GET /runs/:id/summary; this indexes its
// rows by (year, programme, level, measure) so the views look numbers up instead of recomputing them,
// and names the selection (funding level and year) the charts are drawn for.
import { LEVELS, type Level, type Measure, type Summary, type SummaryRow } from '../api/types'

export type YearChoice = number | 'all'
export type LevelChoice = Level | 'all'

export interface Selection {
  level: LevelChoice
  year: YearChoice
}

export interface SummaryIndex {
  rows: SummaryRow[]
  years: number[]
  levels: Level[]
  programmes: string[]
  get(year: YearChoice, programme: string, level: LevelChoice, measure: Measure): SummaryRow | undefined
}

const key = (year: YearChoice | null, programme: string, level: string, measure: string) => `${year === null || year === 'all' ? 'all' : year}|${programme}|${level}|${measure}`

export function indexSummary(summary: Summary): SummaryIndex {
  const map = new Map<string, SummaryRow>()
  for (const r of summary.rows) map.set(key(r.year, r.programme, r.level, r.measure), r)
  const years = [...new Set(summary.rows.map((r) => r.year).filter((y): y is number => y !== null))].sort((a, b) => a - b)
  const levelSet = new Set(summary.rows.map((r) => r.level))
  const levels = LEVELS.filter((l) => levelSet.has(l))
  const programmes = [...new Set(summary.rows.map((r) => r.programme).filter((p) => p !== 'all'))]
  return { rows: summary.rows, years, levels, programmes, get: (y, p, l, m) => map.get(key(y, p, l, m)) }
}

/** The view a finance bureau opens with: the first level that has an appropriation (the city's own
 *  first), in the first year; all levels when no appropriation is set. */
export function defaultSelection(index: SummaryIndex): Selection {
  const year = index.years[0] ?? 'all'
  const withBudget = (['municipal', 'provincial', 'national'] as Level[]).find((l) => index.get(year, 'all', l, 'demand')?.appropriation != null)
  return { level: withBudget ?? 'all', year }
}

/** "municipal outlay in 2015" / "outlay at all levels over 2015–2017" */
export function describeSelection(sel: Selection, years: number[]): { what: string; when: string; span: number } {
  const what = sel.level === 'all' ? 'Outlay at all funding levels' : `${capitalise(sel.level)} outlay`
  const span = sel.year === 'all' ? years.length : 1
  const when = sel.year === 'all' ? (years.length > 1 ? `over ${years[0]}–${years[years.length - 1]}` : `in ${years[0]}`) : `in ${sel.year}`
  return { what, when, span }
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
