// Why: two answers the page computes from what the server sends: "the chance outlay exceeds X" read
// off the exceedance curve the chart draws, and the overrun chance of the levels that set an
// appropriation (one request over those levels, binned so `above` counts the trials over the line).
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Summary, SummaryRow } from '../src/api/types'
import { chanceAbove } from '../src/results/exceedance'
import { levelsOverrunUrl, levelsWithAppropriation, loadLevelsOverrun } from '../src/results/levelsOverrun'
import { indexSummary } from '../src/results/summaryIndex'

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('chanceAbove', () => {
  // ten trials 1..10: P(> x) is the share above x
  const d = { min: 1, max: 10, exceedance: Array.from({ length: 10 }, (_, i) => ({ x: i + 1, p: (9 - i) / 10 })) }
  it('is the share of trials above x, as the step curve draws it', () => {
    expect(chanceAbove(d, 0)).toBe(1)
    expect(chanceAbove(d, 1)).toBe(0.9)
    expect(chanceAbove(d, 3.5)).toBe(0.7)
    expect(chanceAbove(d, 9.99)).toBe(0.1)
    expect(chanceAbove(d, 10)).toBe(0)
    expect(chanceAbove(d, 1e12)).toBe(0)
  })
  it('reads a thinned curve (every other trial) at its steps', () => {
    const thinned = { ...d, exceedance: d.exceedance.filter((_, i) => i % 2 === 0) }
    expect(chanceAbove(thinned, 3)).toBe(0.7)
    expect(chanceAbove(thinned, 4)).toBe(0.7)
  })
})

describe('the overrun chance of the levels that set an appropriation', () => {
  const row = (year: number | null, level: SummaryRow['level'], appropriation: number | null) => ({ year, programme: 'all', level, measure: 'demand', n: 400, appropriation }) as unknown as SummaryRow
  const index = indexSummary({
    metadata: {},
    rows: [2015, null].flatMap((y) => [row(y, 'national', null), row(y, 'provincial', y ? 5e7 : 1.5e8), row(y, 'municipal', y ? 1.7e8 : 5.7e8), row(y, 'all', null)]),
  } as Summary)

  it('knows which levels set one', () => {
    expect(levelsWithAppropriation(index, 2015)).toEqual({ levels: ['provincial', 'municipal'], without: ['national'] })
  })
  it('asks for those levels summed, binned over 0..their appropriation', () => {
    const url = new URL(levelsOverrunUrl('r1', 2015, ['provincial', 'municipal'], 2.2e8), 'http://page')
    expect(url.pathname).toBe('/runs/r1/distribution')
    expect(Object.fromEntries(url.searchParams)).toEqual({ measure: 'demand', year: '2015', programme: 'all', level: 'provincial,municipal', bins: '2', range: '0,220000000' })
  })
  it('is the share of trials above the summed appropriation', async () => {
    const asked: string[] = []
    vi.stubGlobal('fetch', async (path: string) => {
      asked.push(path)
      return new Response(JSON.stringify({ n: 400, appropriation: 7.2e8, histogram: { edges: [0, 3.6e8, 7.2e8], counts: [10, 370], below: 0, above: 20 } }), { status: 200 })
    })
    expect(await loadLevelsOverrun('r1', index, 'all')).toEqual({ levels: ['provincial', 'municipal'], without: ['national'], appropriation: 7.2e8, pExceed: 0.05, n: 400 })
    expect(asked).toEqual([levelsOverrunUrl('r1', 'all', ['provincial', 'municipal'], 7.2e8)])
  })
})
