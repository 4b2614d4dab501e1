// Why: four promises the page makes about runs rest on pure functions: the address names the run on
// screen (and nothing else), the run list says what a run changes against its baseline preset, a
// finished run of the same scenario is found by one filtered GET /runs, and "run until precise"
// reads its ± as the figure is written and says whether the target was met, at how many trials.
// Pin them.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parse } from 'yaml'
import type { PresetDetail, ResolvedScenario, Run } from '../src/api/types'
import { addressFor, readAddress, sameView } from '../src/runs/address'
import { findFinishedRun, finishedRunQuery } from '../src/runs/finishedRun'
import { precisionOutcome, readPrecision } from '../src/runs/precisionTarget'
import { baselineOf, scenarioChanges } from '../src/runs/scenarioChanges'
import resolvedJson from './fixtures/baseline-resolved.json'

const A = '0a7c3c1e-9d0b-4c4e-9f58-3f0c1f3d2a11'
const B = '6b2e0f4a-1c3d-4e5f-8a9b-0c1d2e3f4a5b'
const HASH = '3095660aa5b7eeea0132e497c181424101b8dd9f624c3e87ae84a8f36d097f9a'

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('the address', () => {
  it('names the run shown and its baseline', () => {
    expect(readAddress(`#run=${A}&baseline=${B}`)).toEqual({ view: { runId: A, baselineId: B }, preset: null })
    expect(readAddress(`#run=${A}`).view).toEqual({ runId: A, baselineId: null })
    expect(addressFor({ runId: A, baselineId: B })).toBe(`#run=${A}&baseline=${B}`)
    expect(addressFor({ runId: A, baselineId: null })).toBe(`#run=${A}`)
  })
  it('names a preset before any run, and nothing for an in-page anchor or a bad id', () => {
    expect(readAddress('#preset=reform-cap-3m')).toEqual({ view: null, preset: 'reform-cap-3m' })
    expect(addressFor(null, 'reform-cap-3m')).toBe('#preset=reform-cap-3m')
    expect(addressFor(null)).toBe('')
    expect(readAddress('#help-tvar')).toEqual({ view: null, preset: null })
    expect(readAddress('#run=<script>').view).toBeNull()
    expect(readAddress(`#run=${A}&baseline=nope`).view).toEqual({ runId: A, baselineId: null })
  })
  it('tells the same view from another', () => {
    expect(sameView({ runId: A, baselineId: null }, { runId: A, baselineId: null })).toBe(true)
    expect(sameView({ runId: A, baselineId: null }, { runId: A, baselineId: B })).toBe(false)
    expect(sameView(null, null)).toBe(true)
    expect(sameView(null, { runId: A, baselineId: null })).toBe(false)
  })
})

describe('what a run changes against its baseline', () => {
  const baselinePath = fileURLToPath(new URL('../../scenarios/guangzhou-2015-2017-baseline.yaml', import.meta.url))
  const base: Pick<PresetDetail, 'document' | 'resolved'> = { document: parse(readFileSync(baselinePath, 'utf8')), resolved: resolvedJson as unknown as ResolvedScenario }
  /** A run's standalone scenario as the server keeps it: the baseline's document merged with the changes. */
  const runOf = (change: (doc: Record<string, any>) => void) => {
    const doc = structuredClone(base.document) as Record<string, any>
    change(doc)
    return doc
  }

  it('measures a run against the first preset of its lineage', () => {
    expect(baselineOf({ lineage: ['guangzhou-2015-2017-baseline', 'reform-cap-3m'] })).toBe('guangzhou-2015-2017-baseline')
    expect(baselineOf({ lineage: [] })).toBeNull()
  })
  it('finds nothing in the baseline itself, whatever its name, title, trials or seed', () => {
    expect(scenarioChanges(runOf((d) => Object.assign(d, { name: 'mine', title: 'Mine', trials: 400, seed: 7 })), base)).toEqual([])
  })
  it('reads a changed cap against the seeded one', () => {
    const run = runOf((d) => (d.programmes['tech-transaction-subsidy'] = { cap: 3_000_000, note: 'reform of 000 §四(一)2' }))
    expect(scenarioChanges(run, base)).toEqual([{ path: 'programmes.tech-transaction-subsidy.cap', text: 'Technology transaction subsidy: cap 500 万元 → 300 万元' }])
  })
  it('lists removed rules, appropriations and programmes', () => {
    const run = runOf((d) => {
      d.programmes['transfer-institution-grant'] = { quota: null }
      d.programmes['torch-pilot-matching'] = { ...d.programmes['torch-pilot-matching'], matching: null }
      d.programmes['testing-certification-award'] = null
      d.appropriations.municipal = { 2015: 180_000_000, 2016: null, 2017: 210_000_000 }
    })
    expect(scenarioChanges(run, base).map((c) => c.text)).toEqual([
      'Municipal appropriation 2015: 1.7 亿元 → 1.8 亿元',
      'Municipal appropriation 2016: 1.9 亿元 → none',
      'without Testing, inspection and certification institution award',
      'Technology transfer institution grant: quota 10 places a year → no quota',
      'Torch S&T service system pilot support with provincial matching: matching provincial pays 2 × national → no matching',
    ])
  })
})

describe('finding a finished run of the same scenario', () => {
  const run = (over: Partial<Run>): Run => ({ id: A, status: 'done', scenario_hash: HASH, trials: 400, seed: '20150827', ...over }) as Run

  function stubServer(runs: Run[]): { path: string; body?: unknown }[] {
    const asked: { path: string; body?: unknown }[] = []
    vi.stubGlobal('fetch', async (path: string, init: RequestInit = {}) => {
      asked.push({ path, body: init.body ? JSON.parse(String(init.body)) : undefined })
      const body = path === '/scenarios/validate' ? { valid: true, scenario: { scenario_hash: HASH, trials: 400, seed: 20150827 } } : { runs, total: runs.length, limit: 1, offset: 0, next: null }
      return new Response(JSON.stringify(body), { status: 200 })
    })
    return asked
  }

  it('asks what the scenario resolves to, then the store once, by hash, trials and seed', async () => {
    const asked = stubServer([run({})])
    const document = { name: 'cap-3m', extends: 'guangzhou-2015-2017-baseline', trials: 400 }
    expect((await findFinishedRun(document))?.id).toBe(A)
    expect(asked).toEqual([{ path: '/scenarios/validate', body: document }, { path: finishedRunQuery(HASH, 400, 20150827) }])
    expect(Object.fromEntries(new URL(asked[1].path, 'http://page').searchParams)).toEqual({ status: 'done', scenario_hash: HASH, seed: '20150827', trials: '400', limit: '1' })
  })
  it('reuses only a finished run on the same draws', async () => {
    stubServer([run({ seed: '7' })])
    expect(await findFinishedRun({ name: 'x' })).toBeNull()
    stubServer([run({ trials: 401 })])
    expect(await findFinishedRun({ name: 'x' })).toBeNull()
    stubServer([])
    expect(await findFinishedRun({ name: 'x' })).toBeNull()
  })
})

describe('run until precise', () => {
  const at = { level: 'municipal', year: 2017 as const }
  it('reads the ± as the figure is written: an amount in 万, 亿 or yuan, a chance in per cent', () => {
    expect(readPrecision({ statistic: 'mean', ...at, se: '50万' })).toEqual({ ok: true, target: { statistic: 'mean', level: 'municipal', year: 2017, measure: 'demand', se: 500_000 } })
    expect(readPrecision({ statistic: 'p95', ...at, se: '500,000' })).toMatchObject({ ok: true, target: { se: 500_000 } })
    expect(readPrecision({ statistic: 'p_exceed', ...at, se: '0.5%' })).toMatchObject({ ok: true, target: { statistic: 'p_exceed', se: 0.005 } })
    expect(readPrecision({ statistic: 'p_exceed', level: 'all', year: 'all', se: '0.002' })).toMatchObject({ ok: true, target: { level: 'all', year: 'all', se: 0.002 } })
  })
  it('asks for a ± there is none, and refuses one no run can reach or no chance can have', () => {
    expect(readPrecision({ statistic: 'mean', ...at, se: '' })).toEqual({ ok: false, message: 'enter the standard error you need, such as 50万 or 500,000' })
    expect(readPrecision({ statistic: 'p_exceed', ...at, se: ' ' })).toEqual({ ok: false, message: 'enter the standard error you need, such as 0.5% or 0.005' })
    expect(readPrecision({ statistic: 'mean', ...at, se: '0' })).toEqual({ ok: false, message: 'must be more than 0: no number of trials makes a figure exact' })
    expect(readPrecision({ statistic: 'p_exceed', ...at, se: '120%' })).toEqual({ ok: false, message: 'a chance’s standard error is below 100%, not 120%' })
    expect(readPrecision({ statistic: 'mean', ...at, se: 'small' })).toMatchObject({ ok: false, message: expect.stringMatching(/^enter an amount such as 300万/) })
  })
  it('says whether the target was met, at how many trials of at most how many, with the error reached', () => {
    const targets = [{ statistic: 'mean' as const, level: 'municipal', year: 2017, measure: 'demand' as const, se: 500_000 }]
    const met = precisionOutcome({ targets, max_trials: 2000, met: true, trials_used: 1000, checks: [{ trials: 1000, se: [412_345], met: true }] })
    expect(met).toEqual({
      met: true,
      trialsUsed: 1000,
      maxTrials: 2000,
      se: [412_345],
      text: 'Precise enough at 1,000 trials (of at most 2,000): the standard error of the mean outlay, municipal level, 2017 is 41.2 万元 (asked: ± 50.0 万元).',
    })
    const missed = precisionOutcome({ targets, max_trials: 1400, met: false, trials_used: 1400, checks: [{ trials: 1000, se: [700_000], met: false }, { trials: 1400, se: [600_000], met: false }] })
    expect(missed.text).toBe('Not precise enough at the maximum of 1,400 trials: the standard error of the mean outlay, municipal level, 2017 is 60.0 万元 (asked: ± 50.0 万元). Run again with more trials for a smaller error.')
    const chance = precisionOutcome({ targets: [{ ...targets[0], statistic: 'p_exceed', se: 0.005 }], max_trials: 4000, met: null, trials_used: null, checks: [] })
    expect(chance).toMatchObject({ met: null, se: [null], text: 'Runs until it knows the chance of overrunning the appropriation, municipal level, 2017 to ± 0.50%, with at most 4,000 trials.' })
  })
})
