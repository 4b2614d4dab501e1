// The tornado and the contribution to variance, through the pipeline: every swing is the exact
// difference of two full runs on the same draws, its paired error is the sd of the per-trial
// differences / sqrt(n), bars come largest first, a parameter without effect is marked, and the
// contribution's shares are a normalised split.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadCatalogue } from '../../../engine/policy/loadCatalogue.js'
import { createRunSpec } from '../../../engine/run/RunSpec.js'
import { loadPresetData } from '../../../engine/scenario/presets.js'
import { resolveScenario } from '../../../engine/scenario/resolveScenario.js'
import { defaultLimits } from '../../../engine/limits.js'
import { defineSensitivity, runSensitivity } from '../../../workers/analysis/sensitivity.js'
import { LocalExecutor } from '../../../workers/executor/LocalExecutor.js'
import { TaskPool } from '../../../workers/pipeline/TaskPool.js'
import { runLocally } from '../../../workers/runLocally.js'
import { rangedSeedsDir, SEEDED_RANGES } from '../../helpers/rangedSeeds.js'

const pool = new TaskPool({ threads: 2 })
afterAll(() => pool.destroy())
const catalogue = loadCatalogue(rangedSeedsDir())
const TRIALS = 400

const baseline = loadPresetData('guangzhou-2015-2017-baseline') as Record<string, any>
const resolve = (doc: object) => resolveScenario(doc, { catalogue })
const spec = createRunSpec(resolve(baseline), { trials: TRIALS })
const context = () => ({ executor: new LocalExecutor(pool), pool, limits: defaultLimits, workDir: mkdtempSync(join(tmpdir(), 'budget-sim-tornado-')), id: `t${Math.random()}` })

/** A full, independent run of the baseline with one programme parameter replaced (by resolving a scenario again). */
async function fullRun(programme: string, parameter: string, value: unknown) {
  const doc = structuredClone(baseline)
  doc.programmes[programme] = { ...(doc.programmes[programme] ?? {}), [parameter]: value }
  const run = await runLocally(createRunSpec(resolve(doc), { trials: TRIALS }), {
    pool,
    extractSeries: [{ year: 2017, programme: 'all', level: 'municipal', measure: 'demand' }],
  })
  const row = run.summary.find((r) => r.year === 2017 && r.programme === 'all' && r.level === 'municipal' && r.measure === 'demand')!
  return { row, values: run.series![0] }
}

describe('the tornado', () => {
  const requested = [
    { path: 'programmes.tech-transaction-subsidy.cap', low: 2_000_000, high: 8_000_000 },
    // provincial matching cannot move the municipal outlay: its swing is 0
    { path: 'programmes.torch-pilot-matching.matching.provincial.ratio', low: 1, high: 3 },
  ]

  for (const statistic of ['mean', 'p95', 'p_exceed'] as const) {
    it(`gives each swing of the ${statistic} exactly as the difference of two independent full runs at the low and the high with the same seed`, async () => {
      const definition = defineSensitivity({
        spec,
        catalogue,
        target: { measure: 'demand', level: 'municipal', year: 2017, statistic },
        ranges: requested,
        contribution: statistic === 'mean' ? { vectors: 8, trials_per_vector: 10 } : false,
      })
      const result = await runSensitivity(definition, context())
      expect(result.bars.map((b) => b.parameter).sort()).toEqual(
        [
          'programmes.tech-transaction-subsidy.applicants.poisson.mean',
          'programmes.tech-transaction-subsidy.cap',
          'programmes.tech-transaction-subsidy.contract_value.lognormal.median',
          'programmes.testing-certification-award.tier_shares.national_recognition',
          'programmes.torch-pilot-matching.matching.provincial.ratio',
        ].sort(),
      )
      // a single funding level cannot give up a share: set aside, with why
      expect(result.skipped).toEqual([{ parameter: 'programmes.transfer-institution-grant.funding.municipal', reason: expect.stringMatching(/shares must sum to 1/) }])
      // a tier share moves its sibling in proportion: the award at 50% national is the full run with 50:50 tiers
      const tiers = result.bars.find((b) => b.parameter.endsWith('national_recognition'))!
      expect(tiers.high.value).toBe(
        (await fullRun('testing-certification-award', 'tier_shares', { national_recognition: 0.5, provincial_recognition: 0.5 })).row[statistic === 'mean' ? 'mean' : statistic === 'p95' ? 'p95' : 'p_exceed'],
      )
      const field = statistic === 'mean' ? 'mean' : statistic === 'p95' ? 'p95' : 'p_exceed'
      const median = result.bars.find((b) => b.parameter.endsWith('lognormal.median'))!
      expect(median).toMatchObject({ origin: 'assumption', source: 'seed', rationale: SEEDED_RANGES.median.rationale, unit: 'CNY' })
      const low = await fullRun('tech-transaction-subsidy', 'contract_value', { lognormal: { median: SEEDED_RANGES.median.low, sigma: 1.3 } })
      const high = await fullRun('tech-transaction-subsidy', 'contract_value', { lognormal: { median: SEEDED_RANGES.median.high, sigma: 1.3 } })
      expect(median.low.value).toBe(low.row[field])
      expect(median.high.value).toBe(high.row[field])
      expect(median.swing).toBe((high.row[field] as number) - (low.row[field] as number))
      if (statistic === 'mean') {
        // the paired error: sd of the per-trial differences / sqrt(n)
        const d = high.values.map((x, i) => x - low.values[i])
        const mean = d.reduce((a, b) => a + b, 0) / d.length
        const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (d.length - 1))
        expect(median.swing_se).toBeCloseTo(sd / Math.sqrt(d.length), 6)
        // far below the error of two independent runs' difference
        expect(median.swing_se!).toBeLessThan(Math.hypot(low.row.mean_se, high.row.mean_se))
        expect(result.base.value).toBe((await fullRun('tech-transaction-subsidy', 'cap', 5_000_000)).row.mean)
      }
      const cap = result.bars.find((b) => b.parameter.endsWith('.cap'))!
      const capLow = await fullRun('tech-transaction-subsidy', 'cap', 2_000_000)
      expect(cap.low.value).toBe(capLow.row[field])
      expect(cap.origin).toBe('policy')
      // bars come largest |swing| first
      const swings = result.bars.map((b) => Math.abs(b.swing))
      expect([...swings].sort((a, b) => b - a)).toEqual(swings)
      // no effect: a zero swing, marked as indistinguishable from zero
      const matching = result.bars.find((b) => b.parameter.includes('matching'))!
      expect(matching.swing).toBe(0)
      expect(matching.crosses_zero).toBe(true)
      expect(median.crosses_zero).toBe(false)
    })
  }

  it('moves a dated parameter only in the years its value is an assumption, exactly as a full run with the value from that year', async () => {
    const doc = { name: 'dated', years: [2016, 2017, 2018, 2019], trials: TRIALS, seed: 5, programmes: { 'tech-transaction-subsidy': { years: [2016, 2017, 2018, 2019] } } }
    const dated = createRunSpec(resolve(doc))
    const run = async (figureYear: number) =>
      runSensitivity(defineSensitivity({ spec: dated, catalogue, target: { level: 'municipal', year: figureYear }, contribution: false }), context())
    const full = async (rate: number, year: number) => {
      const r = await runLocally(createRunSpec(resolve({ ...doc, programmes: { 'tech-transaction-subsidy': { years: doc.years, rate: { by_year: { 2018: rate } } } } })), { pool })
      return r.summary.find((x) => x.year === year && x.programme === 'all' && x.level === 'municipal' && x.measure === 'demand')!.mean
    }
    const in2019 = (await run(2019)).bars.find((b) => b.parameter === 'programmes.tech-transaction-subsidy.rate')!
    expect(in2019).toMatchObject({ origin: 'assumption', label: 'Technology transaction subsidy: rate (2018-2019)', low: { input: 0.03 }, high: { input: 0.05 } })
    expect(in2019.low.value).toBe(await full(0.03, 2019))
    // 2017 is policy: the rate's range does not touch it
    const in2017 = (await run(2017)).bars.find((b) => b.parameter === 'programmes.tech-transaction-subsidy.rate')!
    expect(in2017.swing).toBe(0)
    expect(in2017.crosses_zero).toBe(true)
  })

  it('splits the variance among the parameters drawn together: shares in [0, 1] summing to 1, the no-effect parameter near 0', async () => {
    const definition = defineSensitivity({
      spec,
      catalogue,
      target: { level: 'municipal', year: 2017 },
      ranges: requested,
      contribution: { vectors: 16, trials_per_vector: 16 },
    })
    const result = await runSensitivity(definition, context())
    const c = result.contribution!
    expect(c).toMatchObject({ vectors: 16, trials_per_vector: 16 })
    expect(c.method).toMatch(/Spearman/)
    expect(c.method).toMatch(/Latin hypercube/)
    expect(c.parameters.reduce((t, p) => t + p.share, 0)).toBeCloseTo(1, 12)
    for (const p of c.parameters) expect(p.share).toBeGreaterThanOrEqual(0)
    // the matching ratio does not move the municipal outlay: its rank correlation is noise, far below the median's
    const share = (name: string) => c.parameters.find((p) => p.parameter.includes(name))!
    expect(share('lognormal.median').rank_correlation).toBeGreaterThan(0.3)
    expect(share('matching').share).toBeLessThan(share('lognormal.median').share)
  })

  it('refuses a target that does not fit the run, a p_exceed without an appropriation, and a range outside its parameter, naming the field', () => {
    const define = (target: object, ranges: object[] = []) => () => defineSensitivity({ spec, catalogue, target, ranges: ranges as any })
    expect(define({ level: 'county' })).toThrow(expect.objectContaining({ code: 'ANALYSIS_INVALID', issues: [expect.objectContaining({ path: 'target.level' })] }))
    expect(define({ year: 2030 })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'target.year' })] }))
    expect(define({ level: 'national', statistic: 'p_exceed' })).toThrow(expect.objectContaining({ code: 'NO_APPROPRIATION', issues: [expect.objectContaining({ path: 'target.statistic' })] }))
    expect(define({}, [{ path: 'programmes.tech-transaction-subsidy.rate', low: 0.01, high: 1.5 }])).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'ranges[0]' })] }))
    expect(define({}, [{ path: 'programmes.nope.rate', low: 0, high: 1 }])).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'ranges[0].path' })] }))
    expect(define({}, [{ path: 'programmes.tech-transaction-subsidy.selection', low: 0, high: 1 }])).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'ranges[0].path' })] }))
    // a scenario whose assumptions carry no ranges, and none requested
    const unranged = createRunSpec(resolve({ name: 'x', years: [2015], trials: 10, seed: 1, programmes: { 'transfer-institution-grant': {} } }))
    expect(() => defineSensitivity({ spec: unranged, catalogue })).toThrow(expect.objectContaining({ code: 'ANALYSIS_INVALID', issues: [expect.objectContaining({ path: 'ranges' })] }))
  })
})
