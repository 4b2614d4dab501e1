// Why: runs are resources with a life: queued, running, done, failed or cancelled. The manager
// owns that life: it checks a run's size and the disk budget before accepting it, bounds the queue
// (with a Retry-After estimated from the work ahead), runs several at once through the pipeline on
// the shared executor (their blocks interleave fairly), publishes progress for event streams,
// cancels promptly (within a trial), writes results atomically, and on start re-queues runs a crash
// or restart interrupted (from their stored specification, so they give exactly the result they
// would have) until a run has been started too many times, when it is given up with the reason.
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { rm } from 'node:fs/promises'
import { BudgetSimError } from '../../engine/errors.js'
import { checkRunSize } from '../../engine/limits.js'
import { compilePlan } from '../../engine/plan/compilePlan.js'
import { createRunSpec, type RunSpec } from '../../engine/run/RunSpec.js'
import { resolveScenario } from '../../engine/scenario/resolveScenario.js'
import { summaryLayout } from '../../engine/summary/SummaryLayout.js'
import type { Executor } from '../../workers/executor/Executor.js'
import type { PrecisionTarget } from '../../engine/analysis/precision.js'
import { precisionControl } from '../../workers/analysis/precisionRun.js'
import { executeRun, type RunPhase } from '../../workers/pipeline/executeRun.js'
import type { TaskPool } from '../../workers/pipeline/TaskPool.js'
import type { Config } from '../config.js'
import { ApiError } from '../errors.js'
import { FinalStatuses, type RunFilter, type RunRecord, type RunStatus, type RunStore } from '../store/RunStore.js'
import { JobEvents, waitForFinal } from './JobEvents.js'
import { completeRunDirectory, makeWorkDirectory, removeDebris, RunFiles } from './writeRunDirectory.js'

export { FinalStatuses }

export interface LiveProgress {
  trials_done: number
  trials: number
  phase: 'queued' | RunPhase | 'finished'
  /** summary series described, of `series` (summarize phase) */
  series_done?: number
  series?: number
  /** seconds left in the phase, once the rate is known */
  eta_seconds?: number | null
}

interface Active {
  controller: AbortController
  promise: Promise<void>
  /** why the run is being stopped: by a user (cancel) or by shutdown (re-queue on next start) */
  stopping: 'cancel' | 'shutdown' | null
  /** expected draws of the run and the share already done (for Retry-After) */
  draws: number
}

export interface ManagerEvents {
  progress: [id: string, progress: LiveProgress]
  status: [record: RunRecord]
}

/** Bytes a trials-table row takes on disk (9 int32 + 4 float64 columns). */
const BYTES_PER_ROW = 9 * 4 + 4 * 8

/** Queue and execute runs; see the module comment. */
export class RunManager {
  private readonly queue: string[] = []
  private readonly active = new Map<string, Active>()
  private readonly progress = new Map<string, LiveProgress>()
  private readonly events = new JobEvents<ManagerEvents>()
  private accepting = true
  /** random draws per second seen in finished runs (exponentially weighted), for Retry-After */
  private drawRate: number
  readonly runsDir: string

  constructor(
    private readonly store: RunStore,
    private readonly pool: TaskPool,
    readonly executor: Executor,
    private readonly config: Config,
    private readonly log: { info: (o: object, m?: string) => void; warn?: (o: object, m?: string) => void; error: (o: object, m?: string) => void } = console as any,
  ) {
    this.runsDir = join(config.dataDir, 'runs')
    this.drawRate = 15_000_000 * Math.max(1, executor.slots())
  }

  /**
   * Re-queue runs left queued or running by a previous process (giving up those started too many
   * times), give a specification to runs stored before specifications were, and clear
   * half-written files.
   */
  async recover(): Promise<string[]> {
    await removeDebris(this.runsDir)
    for (const legacy of this.store.withoutSpec()) {
      // stored by an earlier version: resolved once now, and never again
      try {
        const seed = /^\d+$/.test(legacy.seed) && Number.isSafeInteger(Number(legacy.seed)) ? Number(legacy.seed) : legacy.seed
        this.store.setSpec(legacy.id, createRunSpec(resolveScenario(legacy.scenario), { trials: legacy.trials, seed, preset: legacy.preset }))
      } catch (e) {
        this.store.update(legacy.id, { status: 'failed', error_code: 'SPEC_INVALID', error_message: `stored without a specification and no longer valid: ${(e as Error).message}` })
      }
    }
    const interrupted = this.store.withStatus(['queued', 'running'])
    const requeued: string[] = []
    for (const r of interrupted) {
      if (r.status === 'running' && r.attempts >= this.config.maxAttempts) {
        this.store.update(r.id, {
          status: 'failed',
          error_code: 'RUN_GIVEN_UP',
          error_message: `the run was interrupted ${r.attempts} times (limit RUN_MAX_ATTEMPTS=${this.config.maxAttempts}); it is not restarted again`,
          finished_at: new Date().toISOString(),
        })
        continue
      }
      this.store.update(r.id, { status: 'queued', trials_done: 0, started_at: null })
      this.queue.push(r.id)
      requeued.push(r.id)
    }
    this.pump()
    return requeued
  }

  /** Expected bytes on disk of a run of `spec` while it runs (trials table and series file). */
  expectedBytes(spec: RunSpec): number {
    const plan = compilePlan(spec, spec.seed)
    const series = summaryLayout(plan).series.length
    return spec.trials * (plan.rowsPerTrial * BYTES_PER_ROW + series * 8) + 1_000_000
  }

  /**
   * Check a run specification against the limits, the disk budget and the queue, and queue it.
   * With `precision` targets, spec.trials is the maximum (limits and disk are checked for it).
   */
  async submit(spec: RunSpec, options: { precision?: PrecisionTarget[] } = {}): Promise<RunRecord> {
    if (!this.accepting) throw new ApiError('SHUTTING_DOWN', 'the server is shutting down and accepts no new runs', [], { 'Retry-After': '10' })
    const plan = compilePlan(spec, spec.seed)
    checkRunSize(
      { trials: spec.trials, draws: spec.trials * plan.expectedDrawsPerTrial, applications: spec.trials * plan.expectedApplicationsPerTrial, rows: spec.trials * plan.rowsPerTrial },
      this.config.limits,
    )
    if (this.queue.length >= this.config.maxQueuedRuns)
      throw new ApiError('QUEUE_FULL', `${this.queue.length} runs are already waiting (limit MAX_QUEUED_RUNS=${this.config.maxQueuedRuns}); try again shortly`, [], {
        'Retry-After': String(this.retryAfterSeconds()),
      })
    const bytes = this.expectedBytes(spec)
    await this.reserveBytes(bytes)
    const record = this.store.insert({
      id: randomUUID(),
      status: 'queued',
      name: spec.name,
      preset: spec.preset,
      scenario: spec.document as Record<string, unknown>,
      spec,
      lineage: spec.lineage,
      trials: spec.trials,
      seed: String(spec.seed),
      scenario_hash: spec.scenario_hash,
      created_at: new Date().toISOString(),
      started_at: null,
      finished_at: null,
      trials_done: 0,
      applications: null,
      rows: null,
      simulate_ms: null,
      summarize_ms: null,
      write_ms: null,
      error_code: null,
      error_message: null,
      attempts: 0,
      draws: null,
      bytes,
      precision: options.precision ? { targets: options.precision, max_trials: spec.trials } : null,
    })
    this.queue.push(record.id)
    this.emit('status', record)
    this.pump()
    return this.store.get(record.id)!
  }

  /** Make room for `bytes` under MAX_DATA_BYTES: refuse (507), or evict the oldest finished runs. */
  private async reserveBytes(bytes: number): Promise<void> {
    const limit = this.config.maxDataBytes
    const fmt = (b: number) => `${(b / 1024 ** 3).toFixed(2)} GiB`
    if (bytes > limit)
      throw new ApiError('STORAGE_FULL', `the run needs about ${fmt(bytes)} of disk, more than the whole budget MAX_DATA_BYTES=${fmt(limit)}: ask for fewer trials`)
    let { stored, reserved } = this.store.bytes()
    if (stored + reserved + bytes <= limit) return
    if (this.config.dataPolicy === 'evict') {
      for (const old of this.store.oldestDone(1000)) {
        if (stored + reserved + bytes <= limit) break
        await this.delete(old.id)
        stored -= old.bytes ?? 0
        this.log.info({ run: old.id, bytes: old.bytes }, 'evicted the oldest finished run to make room (DATA_POLICY=evict)')
      }
      if (stored + reserved + bytes <= limit) return
    }
    throw new ApiError(
      'STORAGE_FULL',
      `the run needs about ${fmt(bytes)} of disk; ${fmt(stored)} are stored and ${fmt(reserved)} reserved for queued and running runs, of MAX_DATA_BYTES=${fmt(limit)}: delete finished runs (DELETE /runs/:id) or ask for fewer trials`,
    )
  }

  get(id: string): RunRecord | undefined {
    return this.store.get(id)
  }

  list(limit: number, offset: number, filter?: RunFilter) {
    return this.store.list(limit, offset, filter)
  }

  /** Live progress of a queued or running run (undefined once finished). */
  liveProgress(id: string): LiveProgress | undefined {
    return this.progress.get(id)
  }

  counts(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.active.size }
  }

  on<K extends keyof ManagerEvents>(event: K, listener: (...args: ManagerEvents[K]) => void): () => void {
    return this.events.on(event, listener)
  }

  private emit<K extends keyof ManagerEvents>(event: K, ...args: ManagerEvents[K]): void {
    this.events.emit(event, ...args)
  }

  /** Resolve when the run reaches a final status, or after `ms` (with its record at that time). */
  waitForFinal(id: string, ms: number): Promise<RunRecord | undefined> {
    return waitForFinal<RunStatus, RunRecord>((id) => this.store.get(id), this, FinalStatuses, id, ms)
  }

  /** Cancel a queued or running run; resolves once it has stopped (within a trial). */
  async cancel(id: string): Promise<RunRecord | undefined> {
    const record = this.store.get(id)
    if (!record || FinalStatuses.includes(record.status)) return record
    const index = this.queue.indexOf(id)
    if (index >= 0) {
      this.queue.splice(index, 1)
      this.finish(id, { status: 'cancelled', error_code: 'RUN_CANCELLED', error_message: 'cancelled before it started' })
      return this.store.get(id)
    }
    const active = this.active.get(id)
    if (active) {
      active.stopping = 'cancel'
      active.controller.abort()
      await active.promise
    } else this.finish(id, { status: 'cancelled', error_code: 'RUN_CANCELLED', error_message: 'cancelled' })
    return this.store.get(id)
  }

  /** Delete a finished run and its files. */
  async delete(id: string): Promise<void> {
    this.store.delete(id)
    await rm(this.runDir(id), { recursive: true, force: true })
  }

  runDir(id: string): string {
    return join(this.runsDir, id)
  }

  /** The stored trials file of a finished run. */
  trialsFile(id: string): string {
    return join(this.runDir(id), RunFiles.trials)
  }

  /** Stop accepting runs; stop running ones (within a trial) so the next start re-runs them. */
  async shutdown(): Promise<void> {
    this.accepting = false
    const stopping = [...this.active.values()].map((a) => {
      a.stopping = 'shutdown'
      a.controller.abort()
      return a.promise
    })
    await Promise.allSettled(stopping)
  }

  /** Seconds until a queue slot is likely free: the draws queued and still running, at the observed rate. */
  retryAfterSeconds(): number {
    let draws = 0
    for (const id of this.queue) {
      const r = this.store.get(id)
      if (r) draws += r.trials * compilePlan(r.spec, r.spec.seed).expectedDrawsPerTrial
    }
    for (const [id, a] of this.active) {
      const p = this.progress.get(id)
      draws += a.draws * (1 - (p && p.trials > 0 ? p.trials_done / p.trials : 0))
    }
    // the first waiting run leaves the queue when one running run finishes: about the work ahead shared by the slots
    const seconds = draws / this.drawRate / Math.max(1, Math.min(this.config.maxConcurrentRuns, this.queue.length + this.active.size))
    return Math.max(1, Math.min(3600, Math.ceil(seconds)))
  }

  private pump(): void {
    while (this.accepting && this.active.size < this.config.maxConcurrentRuns && this.queue.length > 0) {
      const id = this.queue.shift()!
      this.start(id)
    }
  }

  private start(id: string): void {
    const record = this.store.get(id)
    if (!record) return
    const controller = new AbortController()
    const draws = record.trials * compilePlan(record.spec, record.spec.seed).expectedDrawsPerTrial
    const active: Active = { controller, stopping: null, promise: Promise.resolve(), draws }
    this.active.set(id, active)
    this.store.update(id, { status: 'running', started_at: new Date().toISOString(), attempts: record.attempts + 1, trials_done: 0 })
    this.setProgress(id, { trials_done: 0, trials: record.trials, phase: 'simulate', eta_seconds: null })
    this.emit('status', this.store.get(id)!)
    active.promise = this.execute(this.store.get(id)!, controller.signal, active).finally(() => {
      this.active.delete(id)
      this.progress.delete(id)
      this.pump()
    })
  }

  private async execute(record: RunRecord, signal: AbortSignal, active: Active): Promise<void> {
    const id = record.id
    let lastSaved = 0
    let tmp: string | null = null
    try {
      tmp = await makeWorkDirectory(this.runDir(id))
      const precision = record.precision ? precisionControl(record.spec, record.precision.targets as PrecisionTarget[]) : null
      const run = await executeRun(record.spec, {
        precision: precision?.control,
        executor: this.executor,
        pool: this.pool,
        limits: this.config.limits,
        trialsPath: join(tmp, RunFiles.trials),
        workDir: tmp,
        runId: id,
        signal,
        onProgress: (p) => {
          this.setProgress(id, {
            trials_done: p.trialsDone,
            trials: p.trials,
            phase: p.phase,
            series_done: p.seriesDone,
            series: p.series,
            eta_seconds: p.etaSeconds === null ? null : Math.round(p.etaSeconds * 10) / 10,
          })
          const now = Date.now()
          if (now - lastSaved > 1000) {
            lastSaved = now
            this.store.update(id, { trials_done: p.trialsDone })
          }
        },
      })
      this.setProgress(id, { trials_done: run.spec.trials, trials: record.trials, phase: 'write', eta_seconds: null })
      const t0 = performance.now()
      const bytes = await completeRunDirectory(run, tmp, this.runDir(id))
      tmp = null
      if (precision) {
        // a precision run is, from now on, the fixed run of the trials it used
        const outcome = precision.outcome()
        this.store.setSpec(id, run.spec)
        this.store.update(id, { trials: run.spec.trials, precision: { ...outcome, targets: outcome.targets, max_trials: record.trials } as unknown as Record<string, unknown> })
      }
      const seconds = (run.timings.simulateMs + run.timings.summarizeMs) / 1000
      if (seconds > 1) this.drawRate = 0.7 * this.drawRate + 0.3 * (run.draws / seconds)
      this.finish(id, {
        status: 'done',
        trials_done: run.spec.trials,
        applications: run.applications,
        draws: run.draws,
        rows: run.rows,
        bytes,
        simulate_ms: run.timings.simulateMs,
        summarize_ms: run.timings.summarizeMs,
        write_ms: run.timings.writeMs + (performance.now() - t0),
      })
    } catch (e) {
      if (tmp) await rm(tmp, { recursive: true, force: true }).catch(() => undefined)
      if (active.stopping === 'shutdown') {
        // interrupted by shutdown: queued again, resumed (from the start) by the next process
        this.store.update(id, { status: 'queued', trials_done: 0, started_at: null })
        return
      }
      if (active.stopping === 'cancel') {
        this.finish(id, { status: 'cancelled', error_code: 'RUN_CANCELLED', error_message: 'cancelled while running' })
        return
      }
      const code = e instanceof BudgetSimError ? e.code : 'SIMULATION_FAILED'
      const message = e instanceof Error ? e.message : String(e)
      const attempts = this.store.get(id)?.attempts ?? record.attempts
      if (code === 'WORKER_CRASHED' && attempts < this.config.maxAttempts) {
        // a crashed thread may be transient (memory pressure): try again, a bounded number of times
        this.log.warn?.({ run: id, attempts, err: e }, 'a worker crashed; the run is queued again')
        this.store.update(id, { status: 'queued', trials_done: 0, started_at: null })
        this.queue.push(id)
        return
      }
      this.log.error({ run: id, code, err: e }, 'run failed')
      if (code === 'WORKER_CRASHED')
        this.finish(id, { status: 'failed', error_code: 'RUN_GIVEN_UP', error_message: `given up after ${attempts} attempts (RUN_MAX_ATTEMPTS): ${message}` })
      else this.finish(id, { status: 'failed', error_code: code, error_message: message })
    }
  }

  private setProgress(id: string, p: LiveProgress): void {
    this.progress.set(id, p)
    this.emit('progress', id, p)
  }

  private finish(id: string, fields: Parameters<RunStore['update']>[1] & { status: RunStatus }): void {
    this.store.update(id, { ...fields, finished_at: new Date().toISOString() })
    this.progress.delete(id)
    this.emit('status', this.store.get(id)!)
  }
}
