// Why: analyses (a tornado, a goal seek) are resources with a life, like runs: queued, running,
// done, failed or cancelled, with progress for event streams and prompt cancellation. Their runs
// go through the same pipeline and executor as runs (their blocks share the threads fairly with
// every run), one analysis at a time. The checked definition is stored at submission, so an
// analysis interrupted by a restart is re-queued and computes exactly what it was submitted with
// (or fails cleanly, with the reason, when its specification no longer fits this engine or it was
// interrupted too often).
import { randomUUID } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { BudgetSimError } from '../../engine/errors.js'
import { assertSameEngine, readRunSpec } from '../../engine/run/RunSpec.js'
import type { Executor } from '../../workers/executor/Executor.js'
import type { AnalysisProgress } from '../../workers/analysis/RunBatch.js'
import { goalSeekSize, runGoalSeek, type GoalSeekDefinition } from '../../workers/analysis/goalSeek.js'
import { runSensitivity, sensitivitySize, type SensitivityDefinition } from '../../workers/analysis/sensitivity.js'
import type { TaskPool } from '../../workers/pipeline/TaskPool.js'
import type { Config } from '../config.js'
import { ApiError } from '../errors.js'
import { JobEvents, waitForFinal } from '../runs/JobEvents.js'
import { AnalysisStore, type AnalysisRecord, type AnalysisStatus } from './AnalysisStore.js'

export type AnalysisDefinition = SensitivityDefinition | GoalSeekDefinition

export const FinalAnalysisStatuses: readonly AnalysisStatus[] = ['done', 'failed', 'cancelled']

export interface AnalysisEvents {
  progress: [id: string, progress: AnalysisProgress]
  status: [record: AnalysisRecord]
}

interface Active {
  controller: AbortController
  promise: Promise<void>
  stopping: 'cancel' | 'shutdown' | null
}

/** Analyses simulated at once (each keeps the executor busy with several runs). */
const CONCURRENT_ANALYSES = 1

export class AnalysisManager {
  private readonly queue: string[] = []
  private readonly active = new Map<string, Active>()
  private readonly progress = new Map<string, AnalysisProgress>()
  private readonly events = new JobEvents<AnalysisEvents>()
  private accepting = true
  readonly workRoot: string

  constructor(
    readonly store: AnalysisStore,
    private readonly pool: TaskPool,
    private readonly executor: Executor,
    private readonly config: Config,
    private readonly log: { info: (o: object, m?: string) => void; warn?: (o: object, m?: string) => void; error: (o: object, m?: string) => void } = console as any,
  ) {
    this.workRoot = join(config.dataDir, 'analyses')
  }

  /** Re-queue analyses a previous process left queued or running, failing those that cannot be. */
  async recover(): Promise<string[]> {
    await rm(this.workRoot, { recursive: true, force: true })
    await mkdir(this.workRoot, { recursive: true })
    const requeued: string[] = []
    for (const r of this.store.withStatus(['queued', 'running'])) {
      const fail = (code: string, message: string) =>
        this.store.update(r.id, { status: 'failed', error_code: code, error_message: message, finished_at: new Date().toISOString() })
      if (r.status === 'running' && r.attempts >= this.config.maxAttempts) {
        fail('RUN_GIVEN_UP', `the analysis was interrupted ${r.attempts} times (limit RUN_MAX_ATTEMPTS=${this.config.maxAttempts}); it is not restarted again`)
        continue
      }
      try {
        const spec = readRunSpec((r.definition as { spec?: unknown }).spec, `the specification of analysis ${r.id}`)
        assertSameEngine(spec, 'this server')
      } catch (e) {
        fail(e instanceof BudgetSimError ? e.code : 'SPEC_INVALID', `cannot be resumed: ${(e as Error).message}`)
        continue
      }
      this.store.update(r.id, { status: 'queued', runs_done: 0, started_at: null })
      this.queue.push(r.id)
      requeued.push(r.id)
    }
    this.pump()
    return requeued
  }

  /** The work of a definition, checked against the limits (LIMIT_EXCEEDED with the figures). */
  size(definition: AnalysisDefinition) {
    return definition.kind === 'sensitivity' ? sensitivitySize(definition, this.config.limits) : goalSeekSize(definition, this.config.limits)
  }

  /** Check the definition's size and the queue, store it and queue it. */
  submit(definition: AnalysisDefinition, request: Record<string, unknown>, owner: string | null): AnalysisRecord {
    if (!this.accepting) throw new ApiError('SHUTTING_DOWN', 'the server is shutting down and accepts no new analyses', [], { 'Retry-After': '10' })
    const size = this.size(definition)
    if (this.queue.length >= this.config.maxQueuedRuns)
      throw new ApiError('QUEUE_FULL', `${this.queue.length} analyses are already waiting (limit MAX_QUEUED_RUNS=${this.config.maxQueuedRuns}); try again shortly`, [], { 'Retry-After': '30' })
    const spec = definition.spec
    const record = this.store.insert({
      id: randomUUID(),
      kind: definition.kind,
      status: 'queued',
      name: spec.name,
      preset: spec.preset,
      request,
      definition: definition as unknown as Record<string, unknown>,
      runs: size.runs,
      runs_done: 0,
      trials: spec.trials,
      seed: String(spec.seed),
      created_at: new Date().toISOString(),
      started_at: null,
      finished_at: null,
      result: null,
      error_code: null,
      error_message: null,
      attempts: 0,
      draws: null,
      owner,
    })
    this.queue.push(record.id)
    this.emit('status', record)
    this.pump()
    return this.store.get(record.id)!
  }

  get(id: string): AnalysisRecord | undefined {
    return this.store.get(id)
  }

  list(limit: number, offset: number, filter: Parameters<AnalysisStore['list']>[2] = {}) {
    return this.store.list(limit, offset, filter)
  }

  liveProgress(id: string): AnalysisProgress | undefined {
    return this.progress.get(id)
  }

  counts(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.active.size }
  }

  on<K extends keyof AnalysisEvents>(event: K, listener: (...args: AnalysisEvents[K]) => void): () => void {
    return this.events.on(event, listener)
  }

  private emit<K extends keyof AnalysisEvents>(event: K, ...args: AnalysisEvents[K]): void {
    this.events.emit(event, ...args)
  }

  /** Resolve when the analysis reaches a final status, or after `ms`. */
  waitForFinal(id: string, ms: number): Promise<AnalysisRecord | undefined> {
    return waitForFinal<AnalysisStatus, AnalysisRecord>((id) => this.store.get(id), this, FinalAnalysisStatuses, id, ms)
  }

  /** Cancel a queued or running analysis; resolves once its runs have stopped. */
  async cancel(id: string): Promise<AnalysisRecord | undefined> {
    const record = this.store.get(id)
    if (!record || FinalAnalysisStatuses.includes(record.status)) return record
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

  delete(id: string): void {
    this.store.delete(id)
  }

  /** Stop accepting analyses; stop running ones so the next start runs them again. */
  async shutdown(): Promise<void> {
    this.accepting = false
    const stopping = [...this.active.values()].map((a) => {
      a.stopping = 'shutdown'
      a.controller.abort()
      return a.promise
    })
    await Promise.allSettled(stopping)
  }

  private pump(): void {
    while (this.accepting && this.active.size < CONCURRENT_ANALYSES && this.queue.length > 0) this.start(this.queue.shift()!)
  }

  private start(id: string): void {
    const record = this.store.get(id)
    if (!record) return
    const controller = new AbortController()
    const active: Active = { controller, stopping: null, promise: Promise.resolve() }
    this.active.set(id, active)
    this.store.update(id, { status: 'running', started_at: new Date().toISOString(), attempts: record.attempts + 1, runs_done: 0 })
    this.setProgress(id, { runs_done: 0, runs: record.runs, fraction: 0 })
    this.emit('status', this.store.get(id)!)
    active.promise = this.execute(this.store.get(id)!, controller.signal, active).finally(() => {
      this.active.delete(id)
      this.progress.delete(id)
      this.pump()
    })
  }

  private async execute(record: AnalysisRecord, signal: AbortSignal, active: Active): Promise<void> {
    const id = record.id
    const workDir = join(this.workRoot, id)
    let lastSaved = 0
    try {
      await mkdir(workDir, { recursive: true })
      const definition = record.definition as unknown as AnalysisDefinition
      const spec = readRunSpec(definition.spec, `the specification of analysis ${id}`)
      const ctx = {
        executor: this.executor,
        pool: this.pool,
        limits: this.config.limits,
        workDir,
        id,
        signal,
        onProgress: (p: AnalysisProgress) => {
          this.setProgress(id, p)
          const now = Date.now()
          if (now - lastSaved > 1000) {
            lastSaved = now
            this.store.update(id, { runs_done: p.runs_done })
          }
        },
      }
      const result =
        definition.kind === 'sensitivity' ? await runSensitivity({ ...definition, spec }, ctx) : await runGoalSeek({ ...definition, spec }, ctx)
      const { draws, ...body } = result
      const runs = this.progress.get(id)?.runs_done ?? record.runs
      this.finish(id, { status: 'done', result: body as unknown as Record<string, unknown>, draws, runs_done: runs, runs })
    } catch (e) {
      if (active.stopping === 'shutdown') {
        this.store.update(id, { status: 'queued', runs_done: 0, started_at: null })
        return
      }
      if (active.stopping === 'cancel') {
        this.finish(id, { status: 'cancelled', error_code: 'RUN_CANCELLED', error_message: 'cancelled while running' })
        return
      }
      const code = e instanceof BudgetSimError ? e.code : 'SIMULATION_FAILED'
      const message = e instanceof Error ? e.message : String(e)
      if (!(e instanceof BudgetSimError)) this.log.error({ analysis: id, err: e }, 'analysis failed')
      this.finish(id, { status: 'failed', error_code: code, error_message: message, ...(e instanceof BudgetSimError && e.detail ? { result: { detail: e.detail } } : {}) })
    } finally {
      await rm(workDir, { recursive: true, force: true }).catch(() => undefined)
    }
  }

  private setProgress(id: string, p: AnalysisProgress): void {
    this.progress.set(id, p)
    this.emit('progress', id, p)
  }

  private finish(id: string, fields: Parameters<AnalysisStore['update']>[1] & { status: AnalysisStatus }): void {
    this.store.update(id, { ...fields, finished_at: new Date().toISOString() })
    this.progress.delete(id)
    this.emit('status', this.store.get(id)!)
  }
}
