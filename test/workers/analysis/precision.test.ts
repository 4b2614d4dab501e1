// Runs to a precision: checks at fixed trial counts, a stop at the first count meeting every
// target, and results (trials file bytes and metadata, summary) identical to a fixed run of the
// trial count it stopped at, whatever the block size.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tableFromIPC } from 'apache-arrow'
import { afterAll, describe, expect, it } from 'vitest'
import { parsePrecision, precisionCheckpoints, precisionError } from '../../../engine/analysis/precision.js'
import { createRunSpec } from '../../../engine/run/RunSpec.js'
import { loadPresetData } from '../../../engine/scenario/presets.js'
import { resolveScenario } from '../../../engine/scenario/resolveScenario.js'
import { precisionControl } from '../../../workers/analysis/precisionRun.js'
import { TaskPool } from '../../../workers/pipeline/TaskPool.js'
import { runLocally } from '../../../workers/runLocally.js'

const pool = new TaskPool({ threads: 2 })
afterAll(() => pool.destroy())
const dir = mkdtempSync(join(tmpdir(), 'budget-sim-precision-'))
const scenario = () => resolveScenario(loadPresetData('guangzhou-2015-2017-baseline'))
const MAX = 3000
const municipal2017 = { year: 2017, programme: 'all', level: 'municipal', measure: 'demand' }

describe('precision runs', () => {
  it('check at fixed trial counts: 1,000 x 2^(k/2) to hundreds, then the maximum', () => {
    expect(precisionCheckpoints(20_000)).toEqual([1000, 1400, 2000, 2800, 4000, 5700, 8000, 11300, 16000, 20000])
    expect(precisionCheckpoints(3000)).toEqual([1000, 1400, 2000, 2800, 3000])
    expect(precisionCheckpoints(500)).toEqual([500])
  })

  it('parse the --precision grammar and refuse what it does not allow', () => {
    expect(parsePrecision('p_exceed:municipal:2017<=0.002')).toEqual({ statistic: 'p_exceed', level: 'municipal', year: 2017, measure: 'demand', se: 0.002 })
    expect(parsePrecision('mean:all:all<=1e6')).toEqual({ statistic: 'mean', level: 'all', year: 'all', measure: 'demand', se: 1e6 })
    expect(parsePrecision('p95:provincial:2016:paid <= 5e5')).toMatchObject({ measure: 'paid', se: 5e5 })
    for (const bad of ['mean<=1', 'median:all:all<=1', 'mean:all:all<=0', 'mean:all:17<=1', 'mean:all:all:cost<=1'])
      expect(() => parsePrecision(bad), bad).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })

  it('stop at the first check meeting the target and equal the fixed run of that many trials: trials file bytes and metadata, summary', async () => {
    // the standard errors a fixed run has at the first two checks
    const reference = await runLocally(createRunSpec(scenario(), { trials: 1400 }), { pool, extractSeries: [municipal2017], summary: false })
    const values = reference.series![0]
    const se1000 = precisionError(values.subarray(0, 1000), 'mean', null)!
    const se1400 = precisionError(values, 'mean', null)!
    expect(se1400).toBeLessThan(se1000)
    const target = (se1000 + se1400) / 2

    const spec = createRunSpec(scenario(), { trials: MAX })
    const results = []
    for (const blockTrials of [undefined, 7]) {
      const { control, outcome } = precisionControl(spec, [{ statistic: 'mean', level: 'municipal', year: 2017, measure: 'demand', se: target }])
      const path = join(dir, `precision-${blockTrials ?? 'default'}.arrow`)
      const run = await runLocally(spec, { pool, trialsPath: path, precision: control, blockTrials })
      expect(outcome()).toMatchObject({ met: true, trials_used: 1400, max_trials: MAX, checks: [{ trials: 1000, met: false }, { trials: 1400, met: true }] })
      expect(outcome().checks[1].se[0]).toBe(se1400)
      expect(run.spec.trials).toBe(1400)
      results.push({ run, bytes: readFileSync(path) })
    }
    const fixedPath = join(dir, 'fixed-1400.arrow')
    const fixed = await runLocally(createRunSpec(scenario(), { trials: 1400 }), { pool, trialsPath: fixedPath })
    const fixedBytes = readFileSync(fixedPath)
    for (const { run, bytes } of results) {
      expect(bytes.equals(fixedBytes)).toBe(true)
      expect(run.summary).toEqual(fixed.summary)
      expect(run.metadata).toEqual(fixed.metadata)
      expect(run.spec.spec_hash).toBe(fixed.spec.spec_hash)
      expect(run.applications).toBe(fixed.applications)
      expect(run.rows).toBe(fixed.rows)
    }
    const meta = tableFromIPC(fixedBytes).schema.metadata
    expect(meta.get('trials')).toBe('1400')
    expect(meta.get('row_count')).toBe(String(1400 * fixed.plan.rowsPerTrial))
  })

  it('run to the maximum when a target is out of reach, say so, and equal the fixed run of the maximum', async () => {
    const spec = createRunSpec(scenario(), { trials: 1200 })
    const { control, outcome } = precisionControl(spec, [
      { statistic: 'p_exceed', level: 'municipal', year: 2017, measure: 'demand', se: 1e-9 },
      { statistic: 'mean', level: 'all', year: 'all', measure: 'demand', se: 1e12 },
    ])
    const run = await runLocally(spec, { pool, precision: control })
    expect(outcome()).toMatchObject({ met: false, trials_used: 1200, checks: [{ trials: 1000, met: false }, { trials: 1200, met: false }] })
    // the p_exceed error is half the Wilson interval: never 0
    expect(outcome().checks[1].se[0]!).toBeGreaterThan(0)
    expect(run.summary).toEqual((await runLocally(spec, { pool })).summary)
  })

  it('refuse targets that do not fit the run, naming the field', () => {
    const spec = createRunSpec(scenario(), { trials: 2000 })
    expect(() => precisionControl(spec, [{ statistic: 'p_exceed', level: 'national', year: 2017, measure: 'demand', se: 0.01 }])).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: 'precision[0].statistic' })] }),
    )
    expect(() => precisionControl(spec, [{ statistic: 'mean', level: 'county', year: 'all', measure: 'demand', se: 1 }])).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: 'precision[0].level' })] }),
    )
  })
})
