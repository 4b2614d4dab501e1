// A binding appropriation is paid exactly: the paid amounts of a level and year sum to the
// appropriation to the yuan (never a rounding error above it), so the chance that `paid` overruns
// is 0 under pro_rata and first_come (it was reported as up to 45% from 5e-7 CNY of rounding).
import { describe, expect, it } from 'vitest'
import { allocateWholeYuan } from '../../../engine/mechanisms/exhaustion.js'
import { loadPresetData } from '../../../engine/scenario/presets.js'
import { summarize } from '../../../engine/summary/summarize.js'
import { perTrial, simulate } from '../../helpers/simulate.js'

describe('allocateWholeYuan', () => {
  it('rounds each share down and gives the yuan left to the largest remainders, never above a claim', () => {
    const ideal = Float64Array.of(33.4, 33.3, 33.3)
    allocateWholeYuan(ideal, Float64Array.of(50, 50, 50), 100, new Float64Array(3), new Int32Array(3), 3)
    expect(Array.from(ideal)).toEqual([34, 33, 33])
    const capped = Float64Array.of(10.9, 89.1)
    allocateWholeYuan(capped, Float64Array.of(10.9, 200), 100, new Float64Array(2), new Int32Array(2), 2)
    expect(Array.from(capped)).toEqual([10, 90])
  })

  it('gives the yuan that claims paid in full cannot take to a claim with room (first come: the one that crossed the line)', () => {
    const ideal = Float64Array.of(10.9, 20.9, 68.2)
    allocateWholeYuan(ideal, Float64Array.of(10.9, 20.9, 100), 100, new Float64Array(3), new Int32Array(3), 3)
    expect(Array.from(ideal)).toEqual([10, 20, 70])
  })
})

describe('a binding appropriation', () => {
  const baseline = loadPresetData('guangzhou-2015-2017-baseline') as Record<string, any>
  const appropriations = baseline.appropriations as Record<string, Record<string, number>>
  for (const rule of ['pro_rata', 'first_come']) {
    it(`is paid to the yuan and never overrun under ${rule}`, () => {
      const trials = 1500
      const s = simulate({ ...baseline, on_exhaustion: rule } as any, trials)
      let binding = 0
      for (const [level, byYear] of Object.entries(appropriations))
        for (const [year, amount] of Object.entries(byYear)) {
          const paid = perTrial(s, 'paid', { level, year: Number(year) })
          const demand = perTrial(s, 'demand', { level, year: Number(year) })
          for (let t = 0; t < trials; t++) {
            expect(paid[t]).toBeLessThanOrEqual(amount)
            if (demand[t] > amount) {
              binding++
              expect(paid[t]).toBe(Math.floor(amount))
            }
          }
        }
      // the baseline's appropriations bind in a good share of trials (so the test means something)
      expect(binding).toBeGreaterThan(300)
      const rows = summarize(s.plan, s.columns, trials).filter((r) => r.measure === 'paid' && r.programme === 'all' && r.appropriation !== null)
      expect(rows.length).toBeGreaterThan(0)
      for (const r of rows) expect(r.p_exceed, `${r.year} ${r.level}`).toBe(0)
    })
  }
})
