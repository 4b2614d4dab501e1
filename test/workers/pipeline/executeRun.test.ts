// The streaming pipeline's promises: results identical for any worker count, block size and order
// in which blocks complete; the summary equal to the last bit to the one computed from the run's own
// trials table; progress, cancellation within a trial, worker crashes and work limits handled.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tableFromIPC } from 'apache-arrow'
import { afterAll, describe, expect, it } from 'vitest'
import { BudgetSimError } from '../../../engine/errors.js'
import { defaultLimits } from '../../../engine/limits.js'
import { compilePlan } from '../../../engine/plan/compilePlan.js'
import type { BlockOutput } from '../../../engine/pipeline/simulateBlock.js'
import { createRunSpec } from '../../../engine/run/RunSpec.js'
import { loadPresetData } from '../../../engine/scenario/presets.js'
import { resolveScenario } from '../../../engine/scenario/resolveScenario.js'
import { CountColumns, MoneyColumns, viewColumns } from '../../../engine/simulate/TrialColumns.js'
import { summarize } from '../../../engine/summary/summarize.js'
import type { BlockTask, Executor } from '../../../workers/executor/Executor.js'
import { LocalExecutor } from '../../../workers/executor/LocalExecutor.js'
import { TaskPool } from '../../../workers/pipeline/TaskPool.js'
import { runLocally } from '../../../workers/runLocally.js'

const dir = mkdtempSync(join(tmpdir(), 'budget-sim-pipeline-'))
const pools = [1, 2, 3].map((threads) => new TaskPool({ threads }))
afterAll(async () => Promise.all(pools.map((p) => p.destroy())))

const baseline = (on_exhaustion: string, trials: number) =>
  createRunSpec(resolveScenario({ ...(loadPresetData('guangzhou-2015-2017-baseline') as object), on_exhaustion }), { trials })

/** Read a stored trials file back into the engine's column layout (rows in file order). */
function columnsOfFile(path: string, rows: number) {
  const table = tableFromIPC(readFileSync(path))
  expect(table.numRows).toBe(rows)
  const columns = viewColumns(rows)
  for (const name of [...MoneyColumns, ...CountColumns]) {
    const target = (columns.money as any)[name] ?? (columns.counts as any)[name]
    let at = 0
    for (const batch of table.batches) {
      const values = batch.getChild(name)!.data[0].values as Float64Array | Int32Array
      target.set(values, at)
      at += values.length
    }
  }
  return columns
}

/** An executor that hands back blocks in a scrambled order, to show the file never is. */
class ShuffledExecutor implements Executor {
  readonly kind = 'local' as const
  private n = 0
  constructor(private readonly inner: LocalExecutor) {}
  slots = () => this.inner.slots()
  open = (r: Parameters<Executor['open']>[0]) => this.inner.open(r)
  trialsSimulated = (id: string) => this.inner.trialsSimulated(id)
  cancel = (id: string) => this.inner.cancel(id)
  close = (id: string) => this.inner.close(id)
  health = () => this.inner.health()
  shutdown = () => this.inner.shutdown()
  async submit(task: BlockTask): Promise<BlockOutput> {
    const out = await this.inner.submit(task)
    // later blocks often come back before earlier ones
    const delay = (this.n++ * 7919) % 5
    await new Promise((r) => setTimeout(r, delay * 15))
    return out
  }
}

describe('executeRun', () => {
  for (const rule of ['record', 'first_come', 'pro_rata']) {
    it(`gives a summary equal to the last bit to the one computed from its own trials table (${rule})`, async () => {
      const spec = baseline(rule, 640)
      const plan = compilePlan(spec, spec.seed)
      const path = join(dir, `own-${rule}.arrow`)
      const run = await runLocally(spec, { pool: pools[1], trialsPath: path })
      const reference = summarize(plan, columnsOfFile(path, 640 * plan.rowsPerTrial), 640)
      expect(run.summary.length).toBe(reference.length)
      run.summary.forEach((row, i) => {
        for (const [key, value] of Object.entries(reference[i])) expect(Object.is((row as any)[key], value), `row ${i} ${key}`).toBe(true)
      })
    })
  }

  it('writes identical bytes and an identical summary for any worker count, block size and completion order', async () => {
    const spec = baseline('first_come', 333)
    const reference = await runLocally(spec, { pool: pools[0], trialsPath: join(dir, 'ref.arrow'), blockTrials: 333 })
    const referenceBytes = readFileSync(join(dir, 'ref.arrow'))
    let k = 0
    for (const pool of pools)
      for (const blockTrials of [1, 7, 64, undefined]) {
        const path = join(dir, `w${k++}.arrow`)
        const executor = blockTrials === 7 ? new ShuffledExecutor(new LocalExecutor(pool)) : undefined
        const run = await runLocally(spec, { pool, executor, trialsPath: path, blockTrials })
        const what = `${pool.threads} threads, blocks of ${blockTrials ?? 'default'}${executor ? ', shuffled' : ''}`
        expect(readFileSync(path).equals(referenceBytes), what).toBe(true)
        expect(run.summary, what).toEqual(reference.summary)
        expect(run.applications, what).toBe(reference.applications)
        expect(run.draws, what).toBe(reference.draws)
      }
  })

  it("writes the same bytes and summary on the caller's own thread (an inline pool, the CLI's choice for small runs)", async () => {
    const spec = baseline('pro_rata', 150)
    const threads = await runLocally(spec, { pool: pools[1], trialsPath: join(dir, 'threads.arrow') })
    const inline = new TaskPool({ inline: true })
    const here = await runLocally(spec, { pool: inline, trialsPath: join(dir, 'inline.arrow') })
    await inline.destroy()
    expect(inline.threads).toBe(1)
    expect(readFileSync(join(dir, 'inline.arrow')).equals(readFileSync(join(dir, 'threads.arrow')))).toBe(true)
    expect(here.summary).toEqual(threads.summary)
    expect(here.draws).toBe(threads.draws)
  })

  it('reports progress through simulating and summarising, never backwards', async () => {
    const seen: { phase: string; trialsDone: number; seriesDone: number }[] = []
    await runLocally(baseline('record', 2000), { pool: pools[1], progressInterval: 1, blockTrials: 50, onProgress: (p) => seen.push(p) })
    const simulating = seen.filter((p) => p.phase === 'simulate').map((p) => p.trialsDone)
    expect(simulating.length).toBeGreaterThan(1)
    expect([...simulating].sort((a, b) => a - b)).toEqual(simulating)
    expect(Math.max(...simulating)).toBeLessThanOrEqual(2000)
    expect(seen.some((p) => p.phase === 'summarize')).toBe(true)
  })

  it('stops within a trial when cancelled, even in a trial of a billion draws, and the pool keeps serving', async () => {
    const hog = createRunSpec(
      resolveScenario({
        name: 'hog',
        years: [2015],
        trials: 2,
        seed: 1,
        programmes: { 'tech-transaction-subsidy': { years: [2015], applicants: { fixed: { value: 10 } }, contracts_per_applicant: { fixed: { value: 100_000_000 } } } },
      }),
    )
    const controller = new AbortController()
    const running = runLocally(hog, { pool: pools[1], signal: controller.signal, limits: { draws: 1e12 } })
    await new Promise((r) => setTimeout(r, 400))
    const aborted = performance.now()
    controller.abort()
    await expect(running).rejects.toMatchObject({ code: 'RUN_CANCELLED' })
    // a trial here is 10^9 draws, over a minute of work: the run stops within a second of the abort
    expect(performance.now() - aborted).toBeLessThan(1000)
    expect((await runLocally(baseline('record', 20), { pool: pools[1] })).summary.length).toBeGreaterThan(0)
  })

  it('fails a block whose draws run far past its share of the draw limit, with LIMIT_EXCEEDED', async () => {
    const hog = createRunSpec(
      resolveScenario({
        name: 'hog',
        years: [2015],
        trials: 4,
        seed: 1,
        programmes: { 'tech-transaction-subsidy': { years: [2015], applicants: { fixed: { value: 10 } }, contracts_per_applicant: { fixed: { value: 1_000_000_000 } } } },
      }),
    )
    // refused before it starts at the default limit...
    await expect(runLocally(hog, { pool: pools[1] })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' })
    // ...and stopped while it runs when a limit lets it start but its draws explode
    const started = performance.now()
    const error = await runLocally(hog, { pool: pools[1], limits: { draws: 1e9 / 2 }, blockTrials: 1 }).catch((e) => e)
    expect(error).toBeInstanceOf(BudgetSimError)
    expect(error.code).toBe('LIMIT_EXCEEDED')
    expect(performance.now() - started).toBeLessThan(5000)
  })

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(runLocally(baseline('record', 10), { pool: pools[0], signal: controller.signal })).rejects.toMatchObject({ code: 'RUN_CANCELLED' })
  })

  for (const fixture of ['exiting-worker.mjs', 'throwing-worker.mjs']) {
    it(`fails the run with a clear error, never a hang, when a worker crashes (${fixture})`, async () => {
      const pool = new TaskPool({ threads: 2, filename: fileURLToPath(new URL(`../../fixtures/${fixture}`, import.meta.url)) })
      try {
        const error = await runLocally(baseline('record', 20), { pool, blockTrials: 5 }).catch((e) => e)
        expect(error).toBeInstanceOf(BudgetSimError)
        expect(error.code).toBe('WORKER_CRASHED')
        expect(error.message).toMatch(/a worker thread failed on trials \d+-\d+/)
      } finally {
        await pool.destroy()
      }
    }, 20_000)
  }

  it('passes engine errors through with their code', async () => {
    const huge = createRunSpec(
      resolveScenario({ name: 'huge', years: [2015], trials: 1, seed: 1, programmes: { 'transfer-institution-grant': { applicants: { fixed: { value: 30_000_000 } } } } }),
    )
    await expect(runLocally(huge, { pool: pools[0], limits: { ...defaultLimits, draws: 1e12 } })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' })
  })
})
