// Why: the coordinator's side of a cluster. The pipeline hands it blocks; it queues each as an
// idempotent BullMQ job (id from run, block index and trial range) whose data names the run
// specification stored once in Redis, hears completions, failures and progress through BullMQ's
// event stream, and reads each block's result back as bytes from its own key. Delivery is at
// least once, so a block resolves once however many completions arrive; a block whose result is
// already stored (a coordinator restarted mid-run) is read, not recomputed; a job or
// specification that Redis lost (restarted without persistence) is queued or stored again by a
// periodic reconciliation that does not rely on events.
import { hostname } from 'node:os'
import { Queue, QueueEvents } from 'bullmq'
import type { Redis } from 'ioredis'
import { BudgetSimError } from '../../../engine/errors.js'
import type { BlockOutput } from '../../../engine/pipeline/simulateBlock.js'
import type { Plan } from '../../../engine/plan/compilePlan.js'
import { MAX_BLOCK_ROWS, TARGET_DRAWS_PER_BLOCK } from '../../pipeline/planBlocks.js'
import type { BlockTask, Executor, ExecutorHealth, ExecutorRun } from '../Executor.js'
import { BLOCK_JOB_VERSION, decodeFailure, type BlockJobData } from './BlockJobData.js'
import { decodeBlockResult } from './blockResultCodec.js'
import { connectRedis, redactRedisUrl } from './connectRedis.js'
import { fleetIdentity, type FleetIdentity } from './fleetIdentity.js'
import { parseWorkerName, type LiveWorker } from './workerName.js'
import { BLOCK_JOB_NAME, blockJobId, DEFAULT_PREFIX, QUEUE_NAME, RedisKeys, trialRange } from './redisKeys.js'

export interface RedisExecutorOptions {
  url: string
  /** where the URL came from, for messages (REDIS_URL, --redis) */
  origin?: string
  /** key prefix shared by the coordinator and its workers (default bsim) */
  prefix?: string
  /** blocks simulated at once, fixing the block plan; default: the live workers' threads when the run starts */
  slots?: number
  /** seconds a block result and a run specification are kept in Redis at most (default one day) */
  resultTtlSeconds?: number
  /**
   * how long block results stay: 'run' (default) until the run ends, so a coordinator restarted
   * mid-run resumes from them (Redis holds a whole run's results); 'consumed' until the
   * coordinator has read them (Redis holds about a window of blocks; nothing to resume from)
   */
  keepResults?: 'run' | 'consumed'
  /** tries of a block whose worker failed (a crashed thread, a lost specification) before the run fails */
  attempts?: number
  /** seconds without Redis before running blocks fail with REDIS_UNAVAILABLE (default 120) */
  outageSeconds?: number
  /** ms between reconciliations (lost jobs, lost specification, missed events; default 1000) */
  reconcileMs?: number
  connectTimeoutMs?: number
  /** the identity stamped on blocks (default: this process's; tests play another coordinator) */
  identity?: FleetIdentity
  log?: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void }
}

interface RunState {
  run: ExecutorRun
  specKey: string
  specJson: string
  cancelled: boolean
  pending: Map<string, Pending>
  /** every job id and result key the run used (for cleanup) */
  jobIds: Set<string>
  resultKeys: Set<string>
  /** jobs that completed and were counted */
  finished: Set<string>
  trialsDone: number
}

interface Pending {
  jobId: string
  key: string
  task: BlockTask
  run: RunState
  resolve: (out: BlockOutput) => void
  reject: (e: unknown) => void
  /** trials done inside the block, from the worker's progress reports (never decreases) */
  progress: number
  settled: boolean
  busy: boolean
  /** when it was last queued (ms), for the reconciliation */
  queuedAt: number
}

/** Counters of what this coordinator saw, for /health and tests. */
export interface RedisExecutorCounters {
  /** blocks queued as jobs (again after a loss included) */
  queued: number
  /** blocks whose results came back from workers */
  completed: number
  /** blocks found already stored (a resumed run) without queueing them */
  stored: number
  /** completions that arrived for a block already counted, ignored */
  duplicates_ignored: number
  /** jobs queued again because Redis had lost them, or their result */
  requeued: number
}

const DAY = 24 * 3600
/** Redis blocks aim at this many times the local pool's draws per block. */
export const BLOCK_DRAWS_FACTOR = 4

export class RedisExecutor implements Executor {
  readonly kind = 'redis' as const
  readonly keys: RedisKeys
  readonly counters: RedisExecutorCounters = { queued: 0, completed: 0, stored: 0, duplicates_ignored: 0, requeued: 0 }
  private readonly runs = new Map<string, RunState>()
  private readonly byJob = new Map<string, Pending>()
  private readonly queue: Queue
  private readonly events: QueueEvents
  private readonly identity: FleetIdentity
  private readonly ttl: number
  private liveThreads = 0
  private liveWorkers: LiveWorker[] = []
  private timer: NodeJS.Timeout | null = null
  private reconciling = false
  private lastWorkersRefresh = 0
  private downSince: number | null = null
  private suspended = false
  private closed = false

  /** Connect (REDIS_UNAVAILABLE when Redis cannot be reached), start listening, learn the live workers. */
  static async connect(options: RedisExecutorOptions): Promise<RedisExecutor> {
    const prefix = options.prefix ?? DEFAULT_PREFIX
    const conn = await connectRedis(options.url, {
      origin: options.origin ?? 'REDIS_URL',
      timeoutMs: options.connectTimeoutMs,
      connectionName: `${prefix}:coordinator:${hostname()}:${process.pid}`,
    })
    const executor = new RedisExecutor(conn, options)
    try {
      await executor.start()
    } catch (e) {
      await executor.shutdown().catch(() => undefined)
      throw e
    }
    return executor
  }

  private constructor(
    private readonly conn: Redis,
    private readonly options: RedisExecutorOptions,
  ) {
    this.keys = new RedisKeys(options.prefix ?? DEFAULT_PREFIX)
    this.identity = options.identity ?? fleetIdentity()
    this.ttl = Math.max(60, Math.floor(options.resultTtlSeconds ?? DAY))
    const bull = { connection: conn, prefix: this.keys.prefix }
    this.queue = new Queue(QUEUE_NAME, bull)
    this.events = new QueueEvents(QUEUE_NAME, { ...bull, autorun: false })
    // errors of the queue and event connections are reconnected by ioredis; the reconciliation reports outages
    this.queue.on('error', () => undefined)
    this.events.on('error', () => undefined)
    this.conn.on('error', () => undefined)
    this.events.on('completed', ({ jobId }) => this.onCompleted(jobId))
    this.events.on('failed', ({ jobId, failedReason }) => this.onFailed(jobId, failedReason))
    this.events.on('progress', ({ jobId, data }) => this.onProgress(jobId, data))
  }

  private async start(): Promise<void> {
    await this.queue.waitUntilReady()
    void this.events.run().catch(() => undefined)
    await this.events.waitUntilReady()
    await this.refreshWorkers()
    this.timer = setInterval(() => void this.reconcile(), this.options.reconcileMs ?? 1000)
    this.timer.unref?.()
  }

  /** The URL without its password. */
  get url(): string {
    return redactRedisUrl(this.options.url)
  }

  slots(): number {
    return this.options.slots ?? Math.max(1, this.liveThreads)
  }

  /**
   * Blocks of about BLOCK_DRAWS_FACTOR (4) times the local target of random draws (~0.1-0.2 s
   * of a thread), so that a block's round trips through Redis (~1 ms) cost under 1% of it; still
   * at most MAX_BLOCK_ROWS rows and at least 4 blocks per slot.
   */
  blockTrials(plan: Plan, trials: number): number {
    const bySize = Math.ceil((BLOCK_DRAWS_FACTOR * TARGET_DRAWS_PER_BLOCK) / Math.max(1, plan.expectedDrawsPerTrial))
    const byRows = Math.floor(MAX_BLOCK_ROWS / Math.max(1, plan.rowsPerTrial))
    const byBalance = Math.ceil(trials / (this.slots() * 4))
    return Math.max(1, Math.min(bySize, byRows, byBalance, 100_000))
  }

  /** The live workers, as last listed (refreshed every few seconds). */
  workers(): LiveWorker[] {
    return this.liveWorkers
  }

  async open(run: ExecutorRun): Promise<void> {
    const specKey = this.keys.spec(run.spec.spec_hash)
    const specJson = JSON.stringify(run.spec)
    const state: RunState = {
      run,
      specKey,
      specJson,
      cancelled: false,
      pending: new Map(),
      jobIds: new Set(),
      resultKeys: new Set(),
      finished: new Set(),
      trialsDone: 0,
    }
    this.runs.set(run.runId, state)
    // the specification once per run (shared by runs of the same spec_hash); a run opened again
    // after a restart or a retry is no longer cancelled
    await this.conn.multi().set(specKey, specJson, 'EX', this.ttl).del(this.keys.cancel(run.runId)).exec()
  }

  submit(task: BlockTask): Promise<BlockOutput> {
    const run = this.runs.get(task.runId)
    if (!run) return Promise.reject(new Error(`RedisExecutor: run ${task.runId} is not open`))
    if (run.cancelled) return Promise.reject(new BudgetSimError('RUN_CANCELLED', 'the run was cancelled'))
    const jobId = blockJobId(task.runId, task.index, task.trialStart, task.trialCount)
    const key = this.keys.result(task.runId, task.trialStart, task.trialCount)
    run.jobIds.add(jobId)
    run.resultKeys.add(key)
    return new Promise<BlockOutput>((resolve, reject) => {
      const p: Pending = { jobId, key, task, run, resolve, reject, progress: 0, settled: false, busy: false, queuedAt: Date.now() }
      run.pending.set(jobId, p)
      this.byJob.set(jobId, p)
      void this.dispatch(p, false)
    })
  }

  /** Read the block's stored result if there is one, else queue its job (again). */
  private async dispatch(p: Pending, again: boolean): Promise<void> {
    if (p.settled || p.busy || p.run.cancelled || this.suspended) return
    p.busy = true
    try {
      const jobKey = this.queue.toKey(p.jobId)
      const [[, stored], [, jobExists], [, finishedOn]] = (await this.conn.pipeline().getBuffer(p.key).exists(jobKey).hget(jobKey, 'finishedOn').exec()) as [
        [unknown, Buffer | null],
        [unknown, number],
        [unknown, string | null],
      ]
      if (p.settled) return
      if (stored) {
        if (this.accept(p, stored)) this.counters.stored++
        if (p.settled) return
      }
      // a finished job of an earlier attempt of this run id (failed, or completed with its result gone) blocks the id
      if (jobExists && finishedOn) await this.queue.remove(p.jobId)
      else if (jobExists) return // waiting or active: its events will come
      const data: BlockJobData = {
        v: BLOCK_JOB_VERSION,
        runId: p.task.runId,
        index: p.task.index,
        trialStart: p.task.trialStart,
        trialCount: p.task.trialCount,
        rows: p.task.rows,
        drawBudget: p.task.drawBudget,
        specKey: p.run.specKey,
        specHash: p.run.run.spec.spec_hash,
        resultKey: p.key,
        resultTtl: this.ttl,
        cancelKey: this.keys.cancel(p.task.runId),
        identity: this.identity,
      }
      await this.queue.add(BLOCK_JOB_NAME, data, {
        jobId: p.jobId,
        attempts: this.options.attempts ?? 3,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: true,
        // failed jobs are kept a day for diagnosis (close() removes a finished run's)
        removeOnFail: { age: DAY, count: 10_000 },
      })
      p.queuedAt = Date.now()
      this.counters.queued++
      if (again) this.counters.requeued++
    } catch {
      // Redis unreachable: the reconciliation tries again, and fails the run after outageSeconds
    } finally {
      p.busy = false
    }
  }

  /** Take a stored result for a pending block; false (and the key dropped) when it is not the block's. */
  private accept(p: Pending, stored: Buffer): boolean {
    let out: BlockOutput
    try {
      out = decodeBlockResult(stored, { trialStart: p.task.trialStart, trialCount: p.task.trialCount, rows: p.task.rows })
    } catch (e) {
      this.options.log?.warn({ key: p.key, err: (e as Error).message }, 'a stored block result is unreadable; the block is computed again')
      void this.conn.del(p.key).catch(() => undefined)
      return false
    }
    if (out.completed < out.trialCount) return false
    this.settle(p, null, out)
    return true
  }

  private settle(p: Pending, error: unknown, out?: BlockOutput): void {
    if (p.settled) return
    p.settled = true
    p.run.pending.delete(p.jobId)
    this.byJob.delete(p.jobId)
    if (error) return p.reject(error)
    p.run.finished.add(p.jobId)
    p.run.trialsDone += p.task.trialCount
    if (this.options.keepResults === 'consumed') void this.conn.unlink(p.key).catch(() => undefined)
    p.resolve(out!)
  }

  private onCompleted(jobId: string): void {
    const p = this.byJob.get(jobId)
    if (!p) {
      for (const run of this.runs.values()) if (run.finished.has(jobId)) this.counters.duplicates_ignored++
      return
    }
    void this.collect(p)
  }

  /** A completed job's result, read from its key (queued again when Redis lost it). */
  private async collect(p: Pending): Promise<void> {
    if (p.settled || p.busy) return
    p.busy = true
    let stored: Buffer | null = null
    try {
      stored = await this.conn.getBuffer(p.key)
    } catch {
      return
    } finally {
      p.busy = false
    }
    if (p.settled) return
    if (stored && this.accept(p, stored)) {
      this.counters.completed++
      return
    }
    // completed, but its result is gone (expired or lost): compute it again
    void this.dispatch(p, true)
  }

  private onFailed(jobId: string, reason: string): void {
    const p = this.byJob.get(jobId)
    if (!p) return
    const what = `block ${p.task.index} (trials ${trialRange(p.task.trialStart, p.task.trialCount)})`
    this.settle(p, decodeFailure(reason, what))
  }

  private onProgress(jobId: string, data: unknown): void {
    const p = this.byJob.get(jobId)
    if (p && typeof data === 'number' && Number.isFinite(data)) p.progress = Math.max(p.progress, Math.min(data, p.task.trialCount))
  }

  trialsSimulated(runId: string): number | undefined {
    const run = this.runs.get(runId)
    if (!run) return undefined
    let n = run.trialsDone
    for (const p of run.pending.values()) n += p.progress
    return n
  }

  async cancel(runId: string): Promise<void> {
    const run = this.runs.get(runId)
    if (!run) return
    const ids = [...run.pending.keys()]
    const stopping = new BudgetSimError('RUN_CANCELLED', this.suspended ? 'the coordinator is shutting down' : 'the run was cancelled')
    if (this.suspended) {
      // shutting down: blocks go on and their results stay for the next start to resume from
      for (const p of [...run.pending.values()]) this.settle(p, stopping)
      return
    }
    run.cancelled = true
    for (const p of [...run.pending.values()]) this.settle(p, stopping)
    try {
      // running blocks see the flag within ~150 ms; waiting ones are removed (a locked, active job is not)
      await this.conn.set(this.keys.cancel(runId), '1', 'EX', this.ttl)
      await Promise.all(ids.map((id) => this.queue.remove(id).catch(() => 0)))
    } catch {
      /* Redis unreachable: the cancel flag cannot be set; blocks finish and expire */
    }
  }

  async close(runId: string): Promise<void> {
    const run = this.runs.get(runId)
    if (!run) return
    this.runs.delete(runId)
    for (const p of [...run.pending.values()]) this.settle(p, new BudgetSimError('RUN_CANCELLED', 'the run was closed'))
    if (this.suspended || this.closed) return
    try {
      // the run is over: its leftover jobs (failed, or waiting after a failure) and its results go
      const unfinished = [...run.jobIds].filter((id) => !run.finished.has(id))
      await Promise.all(unfinished.map((id) => this.queue.remove(id).catch(() => 0)))
      const keys = [...run.resultKeys]
      for (let i = 0; i < keys.length; i += 500) await this.conn.unlink(...keys.slice(i, i + 500))
    } catch {
      /* Redis unreachable: the results expire after resultTtlSeconds */
    }
  }

  /** Fail every pending block when Redis has been gone too long; queue lost jobs again; keep specs alive. */
  private async reconcile(): Promise<void> {
    if (this.closed) return
    const outageMs = (this.options.outageSeconds ?? 120) * 1000
    if (this.conn.status !== 'ready') {
      this.downSince ??= Date.now()
      if (Date.now() - this.downSince > outageMs) {
        const error = new BudgetSimError(
          'REDIS_UNAVAILABLE',
          `lost Redis at ${this.url} for more than ${outageMs / 1000} s; the run stops (its finished blocks stay in Redis for ${this.ttl} s if it comes back)`,
        )
        for (const p of [...this.byJob.values()]) this.settle(p, error)
      }
      return
    }
    if (this.downSince !== null) this.options.log?.info({ redis: this.url, seconds: (Date.now() - this.downSince) / 1000 }, 'Redis is back')
    this.downSince = null
    if (this.reconciling) return
    this.reconciling = true
    try {
      if (Date.now() - this.lastWorkersRefresh > 5000) await this.refreshWorkers()
      const quiet = this.options.reconcileMs ?? 1000
      for (const run of this.runs.values()) {
        if (run.cancelled) continue
        // keep the specification while the run lives; store it again if Redis lost it
        if ((await this.conn.expire(run.specKey, this.ttl)) === 0) {
          await this.conn.set(run.specKey, run.specJson, 'EX', this.ttl)
          this.options.log?.warn({ run: run.run.runId, key: run.specKey }, 'Redis had lost the run specification; stored it again')
        }
        const quietOnes = [...run.pending.values()].filter((p) => !p.settled && !p.busy && Date.now() - p.queuedAt > quiet)
        if (quietOnes.length === 0) continue
        const pipeline = this.conn.pipeline()
        for (const p of quietOnes) pipeline.exists(p.key).exists(this.queue.toKey(p.jobId)).hget(this.queue.toKey(p.jobId), 'finishedOn').hget(this.queue.toKey(p.jobId), 'failedReason')
        const replies = (await pipeline.exec()) ?? []
        quietOnes.forEach((p, i) => {
          const [stored, exists, finishedOn, failedReason] = replies.slice(4 * i, 4 * i + 4).map((r) => r[1]) as [number, number, string | null, string | null]
          if (p.settled) return
          if (stored) void this.collect(p)
          else if (!exists) {
            this.options.log?.warn({ job: p.jobId }, 'a block job was lost by Redis; queued again')
            void this.dispatch(p, true)
          } else if (finishedOn && failedReason) this.onFailed(p.jobId, failedReason)
          else if (finishedOn) void this.collect(p)
        })
      }
    } catch {
      /* Redis went away during the pass: next time */
    } finally {
      this.reconciling = false
    }
  }

  private async refreshWorkers(): Promise<void> {
    const clients = (await this.queue.getWorkers()) as { rawname?: string; addr?: string; age?: string; idle?: string }[]
    this.liveWorkers = clients.map((c) => parseWorkerName(c.rawname ?? '', c))
    this.liveThreads = this.liveWorkers.reduce((n, w) => n + w.threads, 0)
    this.lastWorkersRefresh = Date.now()
  }

  async health(): Promise<ExecutorHealth> {
    const base = { kind: 'redis' as const, slots: this.slots(), url: this.url, queue: `${this.keys.prefix}:${QUEUE_NAME}`, blocks: { ...this.counters } }
    try {
      const answer = await withTimeout(
        (async () => {
          await this.refreshWorkers()
          const counts = await this.queue.getJobCounts('active', 'waiting', 'prioritized', 'delayed')
          const info = await this.conn.info('server')
          return { counts, version: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown' }
        })(),
        1000,
      )
      return {
        ...base,
        slots: this.slots(),
        running: answer.counts.active ?? 0,
        waiting: (answer.counts.waiting ?? 0) + (answer.counts.prioritized ?? 0) + (answer.counts.delayed ?? 0),
        redis: { status: this.conn.status, version: answer.version },
        live_workers: this.liveWorkers.length,
        worker_threads: this.liveThreads,
        workers: this.liveWorkers,
      }
    } catch (e) {
      return {
        ...base,
        running: 0,
        waiting: 0,
        redis: { status: this.conn.status === 'ready' ? 'unresponsive' : this.conn.status, error: (e as Error).message },
        live_workers: 0,
        worker_threads: 0,
        workers: [],
      }
    }
  }

  /**
   * The process is stopping and its runs will be resumed by the next start: from now on cancel()
   * and close() leave Redis alone (queued blocks go on, results stay until resultTtlSeconds).
   */
  suspend(): void {
    this.suspended = true
  }

  async shutdown(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    for (const p of [...this.byJob.values()]) this.settle(p, new BudgetSimError('RUN_CANCELLED', 'the coordinator shut down'))
    await Promise.allSettled([this.events.close(), this.queue.close()])
    this.conn.disconnect()
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms)
    promise.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e) => {
        clearTimeout(timer)
        reject(e)
      },
    )
  })
}
