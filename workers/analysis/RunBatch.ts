// Why: a tornado or a goal seek is a batch of runs on the same draws. Each is an ordinary run of
// the pipeline (executeRun on the shared executor and thread pool: every core here, or a cluster
// when one is configured), kept summary-only (no trials table, no summary: just the per-trial
// values of the figure asked about). This runs a bounded number of them at once, so one run's
// start-up and tail overlap another's simulation, reports the batch's progress, and cancels every
// run of the batch at once.
import { BudgetSimError } from '../../engine/errors.js'
import type { SeriesSelector } from '../../engine/analysis/seriesSelector.js'
import type { RunLimits } from '../../engine/limits.js'
import type { Plan } from '../../engine/plan/compilePlan.js'
import type { RunSpec } from '../../engine/run/RunSpec.js'
import type { Executor } from '../executor/Executor.js'
import { executeRun } from '../pipeline/executeRun.js'
import type { TaskPool } from '../pipeline/TaskPool.js'

export interface AnalysisProgress {
  runs_done: number
  /** runs planned (for a goal seek, the most it may need) */
  runs: number
  /** share of the work done, counting runs in progress by their trials */
  fraction: number
}

export interface AnalysisContext {
  executor: Executor
  pool: TaskPool
  limits: RunLimits
  /** an existing directory for the runs' temporary series files */
  workDir: string
  /** names the batch's runs for the executor (`${id}.${k}`) */
  id: string
  signal?: AbortSignal
  onProgress?: (p: AnalysisProgress) => void
  /** runs simulated at once (default: the executor's slots, at least 2) */
  concurrency?: number
}

export interface BatchRunResult {
  series: Float64Array[]
  plan: Plan
  draws: number
  applications: number
}

export class RunBatch {
  private done = 0
  private started = 0
  private readonly active = new Map<number, number>()
  private readonly waiting: (() => void)[] = []
  private running = 0
  private readonly concurrency: number
  private timer: ReturnType<typeof setInterval> | null = null
  /** stops every run of the batch: the caller's signal, or the batch's first failure */
  private readonly controller = new AbortController()
  private firstFailure: unknown = null
  private readonly onAbort = () => this.controller.abort()
  draws = 0
  applications = 0

  constructor(
    private readonly ctx: AnalysisContext,
    private planned: number,
  ) {
    this.concurrency = Math.max(1, ctx.concurrency ?? Math.max(2, ctx.executor.slots()))
    if (ctx.signal?.aborted) this.controller.abort()
    ctx.signal?.addEventListener('abort', this.onAbort, { once: true })
    if (ctx.onProgress) {
      this.timer = setInterval(() => ctx.onProgress!(this.progress()), 200)
      this.timer.unref?.()
    }
  }

  progress(): AnalysisProgress {
    let partial = 0
    for (const f of this.active.values()) partial += f
    const runs = Math.max(this.planned, this.done)
    return { runs_done: this.done, runs, fraction: runs > 0 ? Math.min(1, (this.done + partial) / runs) : 0 }
  }

  /** The batch will run `runs` runs in all (an estimate may be lowered once known). */
  plan(runs: number): void {
    this.planned = runs
  }

  /** Simulate `spec` (summary-only) and return the per-trial values of `selectors`. */
  async run(spec: RunSpec, selectors: SeriesSelector[]): Promise<BatchRunResult> {
    try {
      return await this.runOne(spec, selectors)
    } catch (e) {
      // the first real failure stops the batch; the runs it stops fail as cancelled
      if (this.firstFailure === null && !(e instanceof BudgetSimError && e.code === 'RUN_CANCELLED' && this.controller.signal.aborted)) {
        this.firstFailure = e
        this.controller.abort()
      }
      throw e
    }
  }

  /**
   * Wait for every promise; reject with the batch's first failure (or the cancellation) if any
   * rejected, so a failed run is reported, not the runs it stopped.
   */
  async settle(promises: Promise<unknown>[]): Promise<void> {
    const settled = await Promise.allSettled(promises)
    const rejected = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined
    if (!rejected) return
    if (this.ctx.signal?.aborted) throw new BudgetSimError('RUN_CANCELLED', 'the analysis was cancelled')
    throw this.firstFailure ?? rejected.reason
  }

  /** The first failure of the batch, if any (after it, every run fails as cancelled). */
  failure(): unknown {
    return this.ctx.signal?.aborted ? new BudgetSimError('RUN_CANCELLED', 'the analysis was cancelled') : this.firstFailure
  }

  private async runOne(spec: RunSpec, selectors: SeriesSelector[]): Promise<BatchRunResult> {
    const signal = this.controller.signal
    if (signal?.aborted) throw new BudgetSimError('RUN_CANCELLED', 'the analysis was cancelled')
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve))
    if (signal?.aborted) {
      this.release()
      throw new BudgetSimError('RUN_CANCELLED', 'the analysis was cancelled')
    }
    this.running++
    const k = this.started++
    this.active.set(k, 0)
    try {
      const run = await executeRun(spec, {
        executor: this.ctx.executor,
        pool: this.ctx.pool,
        limits: this.ctx.limits,
        trialsPath: null,
        workDir: this.ctx.workDir,
        runId: `${this.ctx.id}.${k}`,
        signal,
        summary: false,
        extractSeries: selectors,
        onProgress: (p) => this.active.set(k, p.phase === 'simulate' ? p.trialsDone / Math.max(1, p.trials) : 1),
        progressInterval: 200,
      })
      this.done++
      this.draws += run.draws
      this.applications += run.applications
      return { series: run.series!, plan: run.plan, draws: run.draws, applications: run.applications }
    } finally {
      this.active.delete(k)
      this.running--
      this.release()
      this.ctx.onProgress?.(this.progress())
    }
  }

  private release(): void {
    const next = this.waiting.shift()
    if (next) next()
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.ctx.signal?.removeEventListener('abort', this.onAbort)
  }
}
