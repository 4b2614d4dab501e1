// Why: runs are resources with a life: queued, running, done, failed or cancelled. The manager
// owns that life: it bounds the queue, runs a few at a time on the one shared worker pool,
// publishes progress for event streams, cancels promptly, writes results atomically, and on
// start re-queues runs a crash or restart interrupted (deterministic, so they give exactly the
// result they would have given).
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import { rm } from 'node:fs/promises'
import type { Piscina } from 'piscina'
import { BudgetSimError } from '../../engine/errors.js'
import { compilePlan } from '../../engine/plan/compilePlan.js'
import { resolveScenario, scenarioHash, type ResolvedScenario } from '../../engine/scenario/resolveScenario.js'
import { checkRunSize, runScenario, type RunLimits } from '../../workers/runScenario.js'
import type { Config } from '../config.js'
import { ApiError } from '../errors.js'
import type { RunFilter, RunRecord, RunStatus, RunStore } from '../store/RunStore.js'
import { removeDebris, writeRunDirectory } from './writeRunDirectory.js'

export const FinalStatuses: RunStatus[] = ['done', 'failed', 'cancelled']

export interface LiveProgress {
  trials_done: number
  trials: number
  phase: 'queued' | 'simulate' | 'summarize' | 'write' | 'finished'
}

interface Active {
  controller: AbortController
  promise: Promise<void>
  /** why the run is being stopped: by a user (cancel) or by shutdown (re-queue on next start) */
  stopping: 'cancel' | 'shutdown' | null
}

export interface ManagerEvents {
  progress: [id: string, progress: LiveProgress]
  status: [record: RunRecord]
}

/** Queue and execute runs; see the module comment. */
export class RunManager {
  private readonly queue: string[] = []
  private readonly active = new Map<string, Active>()
  private readonly progress = new Map<string, LiveProgress>()
  private readonly emitter = new EventEmitter()
  private accepting = true
  readonly runsDir: string

  constructor(
    private readonly store: RunStore,
    private readonly pool: Piscina,
    private readonly config: Config,
    private readonly log: { info: (o: object, m?: string) => void; error: (o: object, m?: string) => void } = console as any,
  ) {
    this.emitter.setMaxListeners(0)
    this.runsDir = join(config.dataDir, 'runs')
  }

  get limits(): RunLimits {
    return { maxTrials: this.config.maxTrials, maxApplications: this.config.maxApplications, maxRows: this.config.maxRows }
  }

  /** Re-queue runs left queued or running by a previous process, and clear half-written files. */
  async recover(): Promise<string[]> {
    await removeDebris(this.runsDir)
    const interrupted = this.store.withStatus(['queued', 'running'])
    for (const r of interrupted) {
      this.store.update(r.id, { status: 'queued', trials_done: 0, started_at: null })
      this.queue.push(r.id)
    }
    this.pump()
    return interrupted.map((r) => r.id)
  }

  /** Check a resolved scenario against the limits and queue it. */
  submit(resolved: ResolvedScenario, preset: string | null): RunRecord {
    if (!this.accepting) throw new ApiError('SHUTTING_DOWN', 'the server is shutting down and accepts no new runs', [], { 'Retry-After': '10' })
    checkRunSize(compilePlan(resolved), resolved.trials, this.limits)
    if (this.queue.length >= this.config.maxQueuedRuns)
      throw new ApiError('QUEUE_FULL', `${this.queue.length} runs are already waiting (limit ${this.config.maxQueuedRuns}); try again shortly`, [], {
        'Retry-After': String(this.retryAfterSeconds()),
      })
    const { extends: _, ...standalone } = resolved.document
    const record = this.store.insert({
      id: randomUUID(),
      status: 'queued',
      name: resolved.name,
      preset,
      scenario: standalone as Record<string, unknown>,
      lineage: resolved.lineage,
      trials: resolved.trials,
      seed: String(resolved.seed),
      scenario_hash: scenarioHash(resolved),
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
    })
    this.queue.push(record.id)
    this.emit('status', record)
    this.pump()
    return this.store.get(record.id)!
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
    this.emitter.on(event, listener as (...args: unknown[]) => void)
    return () => this.emitter.off(event, listener as (...args: unknown[]) => void)
  }

  private emit<K extends keyof ManagerEvents>(event: K, ...args: ManagerEvents[K]): void {
    this.emitter.emit(event, ...args)
  }

  /** Resolve when the run reaches a final status, or after `ms` (with its record at that time). */
  waitForFinal(id: string, ms: number): Promise<RunRecord | undefined> {
    const now = this.store.get(id)
    if (!now || FinalStatuses.includes(now.status) || ms <= 0) return Promise.resolve(now)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off()
        resolve(this.store.get(id))
      }, ms)
      const off = this.on('status', (r) => {
        if (r.id !== id || !FinalStatuses.includes(r.status)) return
        clearTimeout(timer)
        off()
        resolve(r)
      })
    })
  }

  /** Cancel a queued or running run; resolves once it has stopped. */
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
    }
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

  /** Stop accepting runs; stop running ones so the next start re-runs them. */
  async shutdown(): Promise<void> {
    this.accepting = false
    const stopping = [...this.active.values()].map((a) => {
      a.stopping = 'shutdown'
      a.controller.abort()
      return a.promise
    })
    await Promise.allSettled(stopping)
  }

  private retryAfterSeconds(): number {
    return Math.max(5, Math.min(300, 10 * (this.queue.length + this.active.size)))
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
    const active: Active = { controller, stopping: null, promise: Promise.resolve() }
    this.active.set(id, active)
    this.store.update(id, { status: 'running', started_at: new Date().toISOString(), attempts: record.attempts + 1, trials_done: 0 })
    this.setProgress(id, { trials_done: 0, trials: record.trials, phase: 'simulate' })
    this.emit('status', this.store.get(id)!)
    active.promise = this.execute(record, controller.signal, active).finally(() => {
      this.active.delete(id)
      this.progress.delete(id)
      this.pump()
    })
  }

  private async execute(record: RunRecord, signal: AbortSignal, active: Active): Promise<void> {
    const id = record.id
    let lastSaved = 0
    try {
      const scenario = resolveScenario(record.scenario)
      const run = await runScenario(scenario, {
        pool: this.pool,
        trials: record.trials,
        seed: record.seed,
        signal,
        limits: this.limits,
        onProgress: (p) => {
          this.setProgress(id, { trials_done: p.trialsDone, trials: p.trials, phase: p.phase })
          const now = Date.now()
          if (now - lastSaved > 1000) {
            lastSaved = now
            this.store.update(id, { trials_done: p.trialsDone })
          }
        },
      })
      if (signal.aborted) throw new BudgetSimError('RUN_CANCELLED', 'the run was cancelled')
      this.setProgress(id, { trials_done: record.trials, trials: record.trials, phase: 'write' })
      const t0 = performance.now()
      await writeRunDirectory(run, this.runDir(id))
      this.finish(id, {
        status: 'done',
        trials_done: record.trials,
        applications: run.applications,
        rows: run.trials * run.plan.rowsPerTrial,
        simulate_ms: run.timings.simulateMs,
        summarize_ms: run.timings.summarizeMs,
        write_ms: performance.now() - t0,
      })
    } catch (e) {
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
      this.log.error({ run: id, code, err: e }, 'run failed')
      this.finish(id, { status: 'failed', error_code: code, error_message: message })
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
