// Why: two of the page's requests carry a promise to the planner: a reform and its baseline are
// drawn on the same histogram bins (one `range` for both), and a reusable baseline is found by one
// filtered GET /runs, not by scanning the newest runs. Pin both against a stubbed fetch.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Distribution, Run } from '../src/api/types'
import { histogramChart } from '../src/charts/distributionCharts'
import { baselineQuery, findBaselineRun } from '../src/runs/baseline'
import { BINS, coveringRange, distributionUrl, loadSharedDistributions, sameEdges } from '../src/results/sharedBins'

const HASH = '3095660aa5b7eeea0132e497c181424101b8dd9f624c3e87ae84a8f36d097f9a'
const PRESET = 'guangzhou-2015-2017-baseline'

/** What the server's distribution would answer for these values (engine/summary/distribution.ts binning). */
function fakeDistribution(run: string, values: number[], bins: number, range?: [number, number]): Distribution {
  const min = Math.min(...values)
  const max = Math.max(...values)
  const [lo, hi] = range ?? [min, max]
  const width = (hi - lo) / bins
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width)
  const counts = new Array<number>(bins).fill(0)
  let below = 0
  let above = 0
  for (const v of values) {
    if (range && v < lo) below++
    else if (range && v > hi) above++
    else counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  return {
    run,
    against: null,
    measure: 'demand',
    year: 2015,
    programme: 'all',
    level: 'municipal',
    appropriation: null,
    n: values.length,
    mean,
    mean_se: 0,
    min,
    max,
    quantiles: { p05: min, p25: min, p50: mean, p75: max, p95: max, p99: max },
    histogram: { edges, counts, below, above },
    exceedance: [],
  }
}

/** A fetch that answers GET /runs/:id/distribution from `samples`, recording every URL asked. */
function stubDistributions(samples: Record<string, number[]>): URL[] {
  const asked: URL[] = []
  vi.stubGlobal('fetch', async (path: string) => {
    const url = new URL(path, 'http://page')
    asked.push(url)
    const id = url.pathname.split('/')[2]
    const range = url.searchParams.get('range')?.split(',').map(Number) as [number, number] | undefined
    const body = fakeDistribution(id, samples[id], Number(url.searchParams.get('bins')), range)
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })
  })
  return asked
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('shared histogram bins', () => {
  const sel = { year: 2015, level: 'municipal' } as const
  const reform = [120, 130, 150, 170, 190]
  const baseline = [125, 140, 160, 200, 215]

  it('asks for a range only when one is given', () => {
    expect(distributionUrl('r1', sel)).toBe(`/runs/r1/distribution?measure=demand&year=2015&programme=all&level=municipal&bins=${BINS}`)
    const url = new URL(distributionUrl('r1', { year: 'all', level: 'all' }, { range: [1.5, 2e8], against: 'b1' }), 'http://page')
    expect(url.searchParams.get('range')).toBe('1.5,200000000')
    expect(url.searchParams.get('against')).toBe('b1')
  })

  it('covers every extent, and gives up on a missing or single value', () => {
    expect(coveringRange({ min: 120, max: 190 }, { min: 125, max: 215 })).toEqual([120, 215])
    expect(coveringRange({ min: 120, max: 190 }, undefined)).toBeNull()
    expect(coveringRange({ min: 5, max: 5 }, { min: 5, max: 5 })).toBeNull()
  })

  it('requests both runs with the same range and bins, from the summary rows', async () => {
    const asked = stubDistributions({ reform, baseline })
    const { run, baseline: base } = await loadSharedDistributions('reform', 'baseline', sel, { min: 120, max: 190 }, { min: 125, max: 215 })
    expect(asked).toHaveLength(2)
    for (const url of asked) {
      expect(url.searchParams.get('range')).toBe('120,215')
      expect(url.searchParams.get('bins')).toBe(String(BINS))
    }
    expect(sameEdges(run, base)).toBe(true)
    expect(run.histogram.edges[0]).toBe(120)
    expect(run.histogram.edges.at(-1)).toBe(215)
    expect(run.histogram.counts.reduce((a, b) => a + b, 0)).toBe(5)
    expect(base.histogram.counts.reduce((a, b) => a + b, 0)).toBe(5)
  })

  it('asks again over the true extremes when the summary missed some', async () => {
    const asked = stubDistributions({ reform, baseline })
    const { run, baseline: base } = await loadSharedDistributions('reform', 'baseline', sel, { min: 120, max: 190 }, { min: 125, max: 210 })
    expect(asked.map((u) => u.searchParams.get('range'))).toEqual(['120,210', '120,210', '120,215', '120,215'])
    expect(sameEdges(run, base)).toBe(true)
    expect(base.histogram.above).toBe(0)
  })

  it('without summary rows, takes the range from a first request', async () => {
    const asked = stubDistributions({ reform, baseline })
    const { run, baseline: base } = await loadSharedDistributions('reform', 'baseline', sel)
    expect(asked.map((u) => u.searchParams.get('range'))).toEqual([null, null, '120,215', '120,215'])
    expect(sameEdges(run, base)).toBe(true)
  })

  it('refuses to overlay a baseline binned differently', () => {
    const a = fakeDistribution('reform', reform, 4)
    const b = fakeDistribution('baseline', baseline, 4)
    expect(sameEdges(a, b)).toBe(false)
    expect(() => histogramChart({ run: a, baseline: b }, 400)).toThrow(/binned differently/)
  })
})

describe('finding a reusable baseline', () => {
  const run = (over: Partial<Run>): Run =>
    ({ id: 'b1', status: 'done', name: PRESET, preset: PRESET, scenario_hash: HASH, trials: 400, seed: '20150827', ...over }) as Run

  function stubStore(runs: Run[]): string[] {
    const asked: string[] = []
    vi.stubGlobal('fetch', async (path: string) => {
      asked.push(path)
      const body = path.startsWith('/scenarios/') ? { name: PRESET, resolved: { scenario_hash: HASH } } : { runs, total: runs.length, limit: 1, offset: 0, next: null }
      return new Response(JSON.stringify(body), { status: 200 })
    })
    return asked
  }

  it('asks the store once, filtered by status, preset, scenario hash, trials and seed', async () => {
    const asked = stubStore([run({})])
    const found = await findBaselineRun(PRESET, 400, 20150827)
    expect(found?.id).toBe('b1')
    expect(asked).toEqual([`/scenarios/${PRESET}`, baselineQuery(PRESET, HASH, 400, 20150827)])
    const q = new URL(asked[1], 'http://page').searchParams
    expect(Object.fromEntries(q)).toEqual({ status: 'done', preset: PRESET, trials: '400', seed: '20150827', scenario_hash: HASH, limit: '1' })
  })

  it('reuses only the untouched preset on the same draws', async () => {
    stubStore([run({ scenario_hash: 'f'.repeat(64) })])
    expect(await findBaselineRun(PRESET, 400, 20150827)).toBeNull()
    stubStore([run({ seed: '7' })])
    expect(await findBaselineRun(PRESET, 400, 20150827)).toBeNull()
    stubStore([])
    expect(await findBaselineRun(PRESET, 400, 20150827)).toBeNull()
  })
})
