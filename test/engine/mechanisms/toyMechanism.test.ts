// A mechanism is a self-contained module: a toy one, registered here alone, gets its parameter
// into the scenario schema, its check into validation, and its kernel into the simulation, in this
// thread and in worker threads, with no edit anywhere else.
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { registerMechanism } from '../../../engine/mechanisms/registry.js'
import { createRunSpec } from '../../../engine/run/RunSpec.js'
import { resolveScenario } from '../../../engine/scenario/resolveScenario.js'
import { scenarioSchema } from '../../../engine/scenario/schema.js'
import { TaskPool } from '../../../workers/pipeline/TaskPool.js'
import { runLocally } from '../../../workers/runLocally.js'
import { row, simulate } from '../../helpers/simulate.js'
// @ts-expect-error a plain JavaScript fixture
import { toyBonus } from '../../fixtures/toy-mechanism.mjs'

const url = new URL('../../fixtures/toy-mechanism.mjs', import.meta.url).href
registerMechanism(toyBonus, { url })
const pool = new TaskPool({ threads: 2 })
afterAll(() => pool.destroy())

const scenario = (bonus: number) => ({
  name: 'toy',
  years: [2015],
  trials: 200,
  seed: 3,
  programmes: { 'transfer-institution-grant': { applicants: { fixed: { value: 8 } }, approval_rate: 1, bonus } },
})

describe('a toy mechanism registered by a test alone', () => {
  it('adds its parameter to the scenario schema and its check to validation', () => {
    expect(JSON.stringify(scenarioSchema())).toContain('"bonus"')
    expect(() => resolveScenario(scenario(2e8))).toThrow(/The scenario is invalid \(1 problem\)/)
    try {
      resolveScenario(scenario(2e8))
    } catch (e) {
      expect((e as { issues: unknown[] }).issues).toEqual([{ path: 'programmes.transfer-institution-grant.bonus', message: 'must be at most 100,000,000, got 200000000' }])
    }
  })

  it('runs its kernel in this thread: every recipient gets the bonus on top of the seeded amount', () => {
    const s = simulate(scenario(250_000) as never, 5)
    const r = row(s, 2, 2015, 'transfer-institution-grant', 'municipal')
    // 8 applicants, 10 places a year at 1,000,000 each (seeded), plus 250,000 each
    expect(r.recipients).toBe(8)
    expect(r.demand).toBe(8 * 1_250_000)
  })

  it('runs end to end in worker threads through the pipeline, which load it by its URL', async () => {
    const withBonus = await runLocally(createRunSpec(resolveScenario(scenario(250_000))), { pool })
    const without = await runLocally(createRunSpec(resolveScenario(scenario(0))), { pool })
    const mean = (r: typeof withBonus) => r.summary.find((x) => x.year === 2015 && x.programme === 'all' && x.level === 'all' && x.measure === 'demand')!.mean
    expect(mean(withBonus) - mean(without)).toBe(8 * 250_000)
    expect(withBonus.plan.mechanismUrls).toEqual([url])
  })
})
