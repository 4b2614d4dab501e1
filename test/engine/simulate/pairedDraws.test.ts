// Common random numbers: streams are keyed by what is drawn, so a reform reuses every draw of the
// baseline that it does not change.
import { describe, expect, it } from 'vitest'
import { loadPresetData } from '../../../engine/scenario/presets.js'
import type { ScenarioDocument } from '../../../engine/scenario/schema.js'
import { simulate, type Simulated } from '../../helpers/simulate.js'

const trials = 400
const run = async (data: unknown) => simulate(data as ScenarioDocument, trials)

function rowsOf(r: Simulated, programme: string) {
  const out: number[] = []
  for (let t = 0; t < r.trials; t++)
    for (let k = 0; k < r.plan.rowsPerTrial; k++) if (r.plan.programmes[r.plan.rowProgramme[k]].id === programme) out.push(t * r.plan.rowsPerTrial + k)
  return out
}

describe('paired draws across reforms', () => {
  it('leave applicant counts and contract values of every trial identical when only the cap changes', async () => {
    const [base, reform] = await Promise.all([run(loadPresetData('guangzhou-2015-2017-baseline')), run(loadPresetData('reform-cap-3m'))])
    const id = 'tech-transaction-subsidy'
    let binding = 0
    for (const i of rowsOf(base, id)) {
      expect(reform.columns.counts.applicants[i]).toBe(base.columns.counts.applicants[i])
      expect(reform.columns.counts.approved[i]).toBe(base.columns.counts.approved[i])
      // demand + cap_saved is rate x the sum of the approved applicants' contract values: unchanged
      const uncappedBase = base.columns.money.demand[i] + base.columns.money.cap_saved[i]
      const uncappedReform = reform.columns.money.demand[i] + reform.columns.money.cap_saved[i]
      expect(Math.abs(uncappedReform - uncappedBase)).toBeLessThanOrEqual(1e-6 * uncappedBase)
      expect(reform.columns.money.demand[i]).toBeLessThanOrEqual(base.columns.money.demand[i])
      if (reform.columns.counts.capped[i] > base.columns.counts.capped[i]) binding++
    }
    expect(binding).toBeGreaterThan(0)
    // every other programme is untouched, row for row
    for (const other of ['transfer-institution-grant', 'testing-certification-award', 'demonstration-enterprise-grant', 'torch-pilot-matching'])
      for (const i of rowsOf(base, other)) expect(reform.columns.money.demand[i]).toBe(base.columns.money.demand[i])
  })

  it('leave the contract values identical when only the rate changes: outlay scales where no cap binds', async () => {
    const [base, reform] = await Promise.all([run(loadPresetData('guangzhou-2015-2017-baseline')), run(loadPresetData('reform-rate-3pct'))])
    for (const i of rowsOf(base, 'tech-transaction-subsidy')) {
      if (base.columns.counts.capped[i] > 0 || reform.columns.counts.capped[i] > 0) continue
      expect(reform.columns.money.demand[i]).toBeCloseTo((base.columns.money.demand[i] * 3) / 5, 3)
    }
  })

  it('shift no other programme when a programme is added or removed', async () => {
    const baseline = loadPresetData('guangzhou-2015-2017-baseline') as any
    const without = { ...baseline, name: 'without-torch', programmes: { ...baseline.programmes, 'torch-pilot-matching': undefined } }
    delete without.programmes['torch-pilot-matching']
    const [full, fewer] = await Promise.all([run(baseline), run(without)])
    for (const id of ['tech-transaction-subsidy', 'demonstration-enterprise-grant']) {
      const a = rowsOf(full, id).map((i) => full.columns.money.demand[i])
      const b = rowsOf(fewer, id).map((i) => fewer.columns.money.demand[i])
      expect(b).toEqual(a)
    }
  })
})
