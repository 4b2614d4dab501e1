import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { BudgetSimError } from '../../engine/errors.js'
import { compilePlan } from '../../engine/plan/compilePlan.js'
import { loadPresetData } from '../../engine/scenario/presets.js'
import { resolveScenario } from '../../engine/scenario/resolveScenario.js'
import { Simulator } from '../../engine/simulate/Simulator.js'
import { createPool } from '../../workers/createPool.js'
import { runPlan } from '../../workers/runPlan.js'

const baseline = resolveScenario({ ...(loadPresetData('guangzhou-2015-2017-baseline') as object), on_exhaustion: 'first_come' })
const plan = compilePlan(baseline)
const trials = 240
const pools = [1, 2, 3].map((threads) => createPool({ threads }))
afterAll(async () => Promise.all(pools.map((p) => p.destroy())))

function bytes(columns: { buffer: ArrayBuffer }): Buffer {
  return Buffer.from(columns.buffer)
}

describe('runPlan', () => {
  it('gives bit-identical results with 1, 2 and 3 workers and any block size', async () => {
    const reference = new Simulator(plan).simulate(0, trials).columns
    for (const pool of pools)
      for (const blockTrials of [1, 7, 64, 240]) {
        const out = await runPlan(plan, { pool, trials, blockTrials })
        expect(bytes(out.columns).equals(bytes(reference)), `${pool.threads.length} threads, blocks of ${blockTrials}`).toBe(true)
      }
  })

  it('reports progress up to every trial', async () => {
    const seen: number[] = []
    await runPlan(plan, { pool: pools[1], trials, blockTrials: 10, onProgress: (p) => seen.push(p.trialsDone), progressInterval: 1 })
    expect(seen.at(-1)).toBe(trials)
    expect([...seen].sort((a, b) => a - b)).toEqual(seen)
  })

  it('stops promptly when cancelled, and the pool stays usable', async () => {
    const big = compilePlan(resolveScenario(loadPresetData('bench-tech-transaction')))
    const controller = new AbortController()
    const started = performance.now()
    const run = runPlan(big, { pool: pools[1], trials: 200_000, blockTrials: 2000, signal: controller.signal })
    setTimeout(() => controller.abort(), 200)
    await expect(run).rejects.toMatchObject({ code: 'RUN_CANCELLED' })
    // 200,000 trials take well over a minute here; a cancelled run ends within a block or two of the abort
    expect(performance.now() - started).toBeLessThan(10_000)
    const after = await runPlan(plan, { pool: pools[1], trials: 10 })
    expect(after.columns.rows).toBe(10 * plan.rowsPerTrial)
  })

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(runPlan(plan, { pool: pools[0], trials: 10, signal: controller.signal })).rejects.toMatchObject({ code: 'RUN_CANCELLED' })
  })

  for (const fixture of ['exiting-worker.mjs', 'throwing-worker.mjs']) {
    it(`fails the run with a clear error, never a hang, when a worker crashes (${fixture})`, async () => {
      const pool = createPool({ threads: 2, filename: fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url)) })
      try {
        const error = await runPlan(plan, { pool, trials: 20, blockTrials: 5 }).catch((e) => e)
        expect(error).toBeInstanceOf(BudgetSimError)
        expect(error.code).toBe('WORKER_CRASHED')
        expect(error.message).toMatch(/a simulation worker failed on trials \d+-\d+/)
      } finally {
        await pool.destroy()
      }
    }, 20_000)
  }

  it('passes engine errors through with their code', async () => {
    const huge = compilePlan(
      resolveScenario({ name: 'huge', years: [2015], trials: 1, seed: 1, programmes: { 'transfer-institution-grant': { applicants: { fixed: { value: 30_000_000 } } } } }),
    )
    await expect(runPlan(huge, { pool: pools[0], trials: 1 })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' })
  })
})
