// Why: the summary's all-levels rows carry an appropriation only when every level sets one, yet a
// planner asking "will our budget lines hold, all levels together?" still wants an answer when one
// level (say the national one) sets none. This sums the appropriations of the levels that set one
// and asks the server for the chance those levels' combined outlay exceeds it: one
// GET /runs/:id/distribution over those levels (level=a,b, summed per trial), binned over
// 0..appropriation so that `above` counts exactly the trials over the line.
import { getJson } from '../api/client'
import type { Distribution, Level } from '../api/types'
import type { SummaryIndex, YearChoice } from './summaryIndex'

export interface LevelsOverrun {
  /** levels that set an appropriation for the selection, and those that set none */
  levels: Level[]
  without: Level[]
  appropriation: number
  pExceed: number
  n: number
}

/** The levels with and without an appropriation for `year` (all years: one for each year). */
export function levelsWithAppropriation(index: SummaryIndex, year: YearChoice): { levels: Level[]; without: Level[] } {
  const has = (l: Level) => index.get(year, 'all', l, 'demand')?.appropriation != null
  return { levels: index.levels.filter(has), without: index.levels.filter((l) => !has(l)) }
}

/** GET /runs/:id/distribution of the levels' combined outlay, binned so `above` counts the trials over `appropriation`. */
export function levelsOverrunUrl(runId: string, year: YearChoice, levels: Level[], appropriation: number): string {
  const q = new URLSearchParams({ measure: 'demand', year: String(year), programme: 'all', level: levels.join(','), bins: '2', range: `0,${appropriation}` })
  return `/runs/${runId}/distribution?${q}`
}

/**
 * The overrun chance of the levels that set an appropriation, together; null when every level sets
 * one (the summary has it) or none does (there is nothing to overrun).
 */
export async function loadLevelsOverrun(runId: string, index: SummaryIndex, year: YearChoice): Promise<LevelsOverrun | null> {
  const { levels, without } = levelsWithAppropriation(index, year)
  if (levels.length === 0 || without.length === 0) return null
  const appropriation = levels.reduce((sum, l) => sum + index.get(year, 'all', l, 'demand')!.appropriation!, 0)
  if (!(appropriation > 0)) return null
  const d = await getJson<Distribution>(levelsOverrunUrl(runId, year, levels, appropriation))
  return { levels, without, appropriation: d.appropriation ?? appropriation, pExceed: d.histogram.above / d.n, n: d.n }
}
