// The budget-impact table: its means, difference and paired standard error equal a direct
// computation from the two runs' trials tables, group by group.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defaultLimits } from '../../../engine/limits.js'
import { createRunSpec } from '../../../engine/run/RunSpec.js'
import { loadPresetData } from '../../../engine/scenario/presets.js'
import { resolveScenario } from '../../../engine/scenario/resolveScenario.js'
import { compareSpecs } from '../../../workers/analysis/compare.js'
import { LocalExecutor } from '../../../workers/executor/LocalExecutor.js'
import { TaskPool } from '../../../workers/pipeline/TaskPool.js'
import { runLocally } from '../../../workers/runLocally.js'
import { directTotals, pairedByHand } from '../../helpers/impact.js'

const pool = new TaskPool({ threads: 2 })
afterAll(() => pool.destroy())
const dir = mkdtempSync(join(tmpdir(), 'budget-sim-compare-'))
const TRIALS = 300

describe('the budget-impact table', () => {
  it('gives each group’s means, difference and paired standard error as computed directly from the two runs’ trials', async () => {
    const reform = createRunSpec(resolveScenario(loadPresetData('reform-cap-3m')), { trials: TRIALS })
    const baseline = createRunSpec(resolveScenario(loadPresetData('guangzhou-2015-2017-baseline')), { trials: TRIALS })
    const ctx = { executor: new LocalExecutor(pool), pool, limits: defaultLimits, workDir: dir, id: 'compare' }
    const rows = await compareSpecs(reform, baseline, ctx)
    await runLocally(reform, { pool, trialsPath: join(dir, 'reform.arrow') })
    await runLocally(baseline, { pool, trialsPath: join(dir, 'baseline.arrow') })
    // years then all, levels then all
    expect(rows.map((r) => `${r.year}:${r.level}`)).toEqual(
      [2015, 2016, 2017, 'all'].flatMap((y) => ['national', 'provincial', 'municipal', 'all'].map((l) => `${y}:${l}`)),
    )
    for (const row of rows) {
      const byHand = pairedByHand(directTotals(join(dir, 'baseline.arrow'), row.year, row.level), directTotals(join(dir, 'reform.arrow'), row.year, row.level))
      const what = `${row.year} ${row.level}`
      expect(row.mean_before, what).toBeCloseTo(byHand.before, 4)
      expect(row.mean_after, what).toBeCloseTo(byHand.after, 4)
      expect(row.difference, what).toBeCloseTo(byHand.difference, 4)
      expect(row.difference_se!, what).toBeCloseTo(byHand.se, 4)
    }
    const municipal = rows.find((r) => r.year === 'all' && r.level === 'municipal')!
    // a lower cap never costs more, and the difference is many paired errors from zero
    expect(municipal.difference).toBeLessThan(0)
    expect(Math.abs(municipal.difference)).toBeGreaterThan(4 * municipal.difference_se!)
    expect(municipal.appropriation_before).toBe(570_000_000)
    expect(municipal.p_exceed_after!).toBeLessThanOrEqual(municipal.p_exceed_before!)
    expect(rows.find((r) => r.level === 'national' && r.year === 2015)!.p_exceed_before).toBeNull()
  })
})
