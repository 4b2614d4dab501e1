// Why: the worker's side of a cluster, run by `budget-sim worker` on any machine. A BullMQ worker
// takes blocks of any run from the queue and simulates each on this process's own thread pool
// (the `simulate` task the local executor uses), so its event loop stays free to renew locks and
// poll. While a block runs it reports trials done (job progress) and polls the run's cancel flag,
// stopping the thread within a trial. It refuses blocks from a coordinator of another identity,
// reuses a block's stored result instead of recomputing it, writes results as bytes under their
// own key, and on shutdown finishes its blocks or, past a grace period, hands them back.
import { hostname } from 'node:os'
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import { BudgetSimError } from '../../../engine/errors.js'
import { compilePlan, type Plan } from '../../../engine/plan/compilePlan.js'
import type { BlockOutput } from '../../../engine/pipeline/simulateBlock.js'
import { assertSameEngine, readRunSpec } from '../../../engine/run/RunSpec.js'
import { engineVersion } from '../../../engine/version.js'
import { TaskPool } from '../../pipeline/TaskPool.js'
import { BLOCK_JOB_VERSION, encodeFailure, type BlockJobData } from './BlockJobData.js'
import { encodeBlockResult } from './blockResultCodec.js'
import { connectRedis, redactRedisUrl } from './connectRedis.js'
import { assertSameFleet, fleetIdentity } from './fleetIdentity.js'
import { DEFAULT_PREFIX, QUEUE_NAME, RedisKeys, trialRange } from './redisKeys.js'
import { workerName } from './workerName.js'

export interface BlockWorkerOptions {
  url: string
  /** where the URL came from, for messages (--redis, REDIS_URL) */
  origin?: string
  prefix?: string
  /** simulation threads (blocks simulated at once) */
  threads: number
  /** blocks taken beyond the threads, so a thread never waits for the next fetch (default 1) */
  prefetch?: number
  /** ms a block's lock lasts without renewal (renewed every half); a dead worker's block is taken again after it */
  lockMs?: number
  /** ms between checks for blocks whose worker died (stalled) */
  stalledMs?: number
  /** times a block may be recovered from a dead worker before it fails */
  maxStalled?: number
  /** ms between progress reports and cancel-flag polls while a block runs (default 150) */
  pollMs?: number
  connectTimeoutMs?: number
  /** one line per event */
  log?: (line: string) => void
}

export const WorkerDefaults = { prefetch: 1, lockMs: 15_000, stalledMs: 10_000, maxStalled: 2, pollMs: 150 }

interface Running {
  job: Job<BlockJobData>
  flags: Int32Array
}

export class BlockWorker {
  readonly name: string
  readonly keys: RedisKeys
  /** what this worker did, also added to the fleet's counters in Redis */
  readonly counters = { simulated: 0, reused: 0, refused: 0, cancelled: 0, failed: 0, abandoned: 0 }
  private readonly running = new Map<string, Running>()
  private readonly specs = new Map<string, Plan>()
  private worker!: Worker<BlockJobData>
  private abandoning = false
  private stopping: Promise<void> | null = null
  private lostAt: number | null = null

  static async start(options: BlockWorkerOptions): Promise<BlockWorker> {
    const conn = await connectRedis(options.url, { origin: options.origin ?? '--redis', timeoutMs: options.connectTimeoutMs })
    const w = new BlockWorker(options, conn, new TaskPool({ threads: options.threads }))
    try {
      await w.run()
    } catch (e) {
      await w.worker?.close(true).catch(() => undefined)
      await w.pool.destroy()
      conn.disconnect()
      throw e
    }
    return w
  }

  private constructor(
    private readonly options: BlockWorkerOptions,
    private readonly conn: Redis,
    private readonly pool: TaskPool,
  ) {
    this.keys = new RedisKeys(options.prefix ?? DEFAULT_PREFIX)
    this.name = workerName(hostname(), process.pid, options.threads, engineVersion)
  }

  private log(event: string, fields: Record<string, unknown> = {}): void {
    const parts = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : v}`)
    ;(this.options.log ?? ((l: string) => process.stdout.write(`${l}\n`)))(`${new Date().toISOString()} ${event}${parts.length ? ' ' + parts.join(' ') : ''}`)
  }

  private async run(): Promise<void> {
    const o = { ...WorkerDefaults, ...Object.fromEntries(Object.entries(this.options).filter(([, v]) => v !== undefined)) } as typeof WorkerDefaults & BlockWorkerOptions
    const id = fleetIdentity()
    this.conn.on('error', (e: Error) => {
      if (this.lostAt === null) {
        this.lostAt = Date.now()
        this.log('redis-lost', { error: e.message, note: 'reconnecting; blocks in flight finish and are written when Redis is back' })
      }
    })
    this.conn.on('ready', () => {
      if (this.lostAt === null) return
      this.log('redis-reconnected', { after_ms: Date.now() - this.lostAt })
      this.lostAt = null
    })
    this.worker = new Worker<BlockJobData>(QUEUE_NAME, (job, token) => this.process(job, token), {
      connection: this.conn,
      prefix: this.keys.prefix,
      name: this.name,
      concurrency: this.options.threads + o.prefetch,
      lockDuration: o.lockMs,
      stalledInterval: o.stalledMs,
      maxStalledCount: o.maxStalled,
      autorun: true,
    })
    // connection errors are reported once per outage above; BullMQ retries by itself
    this.worker.on('error', (e) => {
      if (this.lostAt === null && !/ECONNREFUSED|ECONNRESET|Connection is closed|ETIMEDOUT|EPIPE/.test(e.message)) this.log('error', { error: e.message })
    })
    this.worker.on('stalled', (jobId) => this.log('stalled', { job: jobId, note: 'its worker stopped renewing its lock; the block is queued again' }))
    await this.worker.waitUntilReady()
    this.log('ready', {
      worker: this.name,
      threads: this.options.threads,
      prefetch: o.prefetch,
      redis: redactRedisUrl(this.options.url),
      queue: `${this.keys.prefix}:${QUEUE_NAME}`,
      engine: id.engineVersion,
      seeds: id.seedsHash.slice(0, 12),
      build: id.build,
      node: id.node,
      lock_ms: o.lockMs,
      stalled_ms: o.stalledMs,
    })
  }

  private async process(job: Job<BlockJobData>, token?: string): Promise<{ key: string; bytes: number; reused: boolean }> {
    const d = job.data
    const fields = { job: job.id, run: d.runId, block: d.index, trials: trialRange(d.trialStart, d.trialCount) }
    if (d.v !== BLOCK_JOB_VERSION || !d.identity)
      return this.refuse(fields, new BudgetSimError('ENGINE_MISMATCH', `worker ${this.name} reads block jobs of version ${BLOCK_JOB_VERSION}, got ${d.v ?? 'none'}`))
    try {
      assertSameFleet(d.identity, fleetIdentity(), this.name)
    } catch (e) {
      return this.refuse(fields, e as BudgetSimError)
    }
    const [[, cancelled], [, stored]] = (await this.conn.pipeline().exists(d.cancelKey).exists(d.resultKey).exec()) as [[unknown, number], [unknown, number]]
    if (cancelled) {
      this.count('cancelled')
      this.log('skipped', { ...fields, reason: 'the run is cancelled' })
      throw new UnrecoverableError(encodeFailure('RUN_CANCELLED', 'the run was cancelled'))
    }
    if (stored) {
      // a job added again for a block already done (a coordinator restarted): its result stands
      this.count('reused')
      this.log('reused', { ...fields, key: d.resultKey })
      return { key: d.resultKey, bytes: 0, reused: true }
    }
    const plan = await this.plan(d, fields)
    const control = new SharedArrayBuffer(8)
    const flags = new Int32Array(control)
    this.running.set(job.id!, { job, flags })
    if (this.abandoning) Atomics.store(flags, 0, 1)
    const t0 = performance.now()
    this.log('took', { ...fields, attempt: job.attemptsStarted, worker: this.name })
    let reported = 0
    let polling = false
    const ticker = setInterval(() => {
      if (polling) return
      polling = true
      const done = Atomics.load(flags, 1)
      const progress = done !== reported ? job.updateProgress((reported = done)).catch(() => undefined) : Promise.resolve()
      Promise.all([progress, this.conn.exists(d.cancelKey)])
        .then(([, flag]) => {
          if (flag) Atomics.store(flags, 0, 1)
        })
        .catch(() => undefined)
        .finally(() => (polling = false))
    }, this.options.pollMs ?? WorkerDefaults.pollMs)
    let out: BlockOutput
    try {
      out = await this.pool.run<BlockOutput>(
        d.runId,
        {
          kind: 'simulate',
          planKey: `spec:${d.specHash}`,
          plan,
          request: { trialStart: d.trialStart, trialCount: d.trialCount, rows: d.rows, drawBudget: d.drawBudget },
          control,
        },
        `trials ${trialRange(d.trialStart, d.trialCount)} of run ${d.runId}`,
      )
    } catch (e) {
      this.count('failed')
      const code = e instanceof BudgetSimError ? e.code : 'WORKER_CRASHED'
      const message = (e as Error)?.message ?? String(e)
      this.log('failed', { ...fields, code, error: message })
      // a crashed thread may be this machine's trouble: another attempt; an engine error is final
      if (code === 'WORKER_CRASHED') throw new Error(encodeFailure(code, message))
      throw new UnrecoverableError(encodeFailure(code, message))
    } finally {
      clearInterval(ticker)
      this.running.delete(job.id!)
    }
    if (out.completed < d.trialCount) {
      if (this.abandoning && token) {
        // shutting down past the grace period: hand the block back at once, not after the lock expires
        await job.moveToWait(token)
        this.count('abandoned')
        this.log('abandoned', { ...fields, done: out.completed })
        throw new WaitingError()
      }
      this.count('cancelled')
      this.log('cancelled', { ...fields, done: out.completed, ms: Math.round(performance.now() - t0) })
      throw new UnrecoverableError(encodeFailure('RUN_CANCELLED', 'the run was cancelled'))
    }
    const buf = encodeBlockResult(out)
    await this.conn.set(d.resultKey, buf, 'EX', d.resultTtl)
    this.count('simulated')
    const ms = performance.now() - t0
    this.log('simulated', { ...fields, ms: Math.round(ms), applications: out.applications, bytes: buf.length })
    return { key: d.resultKey, bytes: buf.length, reused: false }
  }

  private refuse(fields: Record<string, unknown>, e: BudgetSimError): never {
    this.count('refused')
    this.log('refused', { ...fields, code: e.code, error: e.message })
    throw new UnrecoverableError(encodeFailure(e.code, e.message))
  }

  /** The block's run specification from Redis, checked and compiled once per spec_hash. */
  private async plan(d: BlockJobData, fields: Record<string, unknown>): Promise<Plan> {
    const cached = this.specs.get(d.specHash)
    if (cached) return cached
    const json = await this.conn.get(d.specKey)
    // lost (Redis restarted) or expired: retried; the coordinator stores it again within a second
    if (json === null) throw new Error(encodeFailure('SPEC_INVALID', `the run specification ${d.specKey} is not in Redis (expired or lost)`))
    let plan: Plan
    try {
      const spec = readRunSpec(JSON.parse(json), `the run specification ${d.specKey}`)
      if (spec.spec_hash !== d.specHash) throw new BudgetSimError('SPEC_INVALID', `${d.specKey} holds specification ${spec.spec_hash}, not ${d.specHash}`)
      assertSameEngine(spec, `worker ${this.name}`)
      plan = compilePlan(spec, spec.seed)
    } catch (e) {
      const error = e instanceof BudgetSimError ? e : new BudgetSimError('SPEC_INVALID', `${d.specKey}: ${(e as Error).message}`)
      return this.refuse(fields, error)
    }
    if (this.specs.size >= 8) this.specs.delete(this.specs.keys().next().value!)
    this.specs.set(d.specHash, plan)
    return plan
  }

  private count(what: keyof BlockWorker['counters']): void {
    this.counters[what]++
    void this.conn
      .pipeline()
      .hincrby(this.keys.stats(), `total:${what}`, 1)
      .hincrby(this.keys.stats(), `${this.name}:${what}`, 1)
      // counters of workers long gone do not accumulate forever
      .expire(this.keys.stats(), 7 * 86_400)
      .exec()
      .catch(() => undefined)
  }

  /** Blocks being simulated now. */
  get active(): number {
    return this.running.size
  }

  /**
   * Stop taking blocks and finish the running ones; after `graceMs` (or at once with
   * `abandon`), stop them within a trial and hand them back to the queue for another worker.
   */
  stop(options: { graceMs?: number; abandon?: boolean } = {}): Promise<void> {
    if (options.abandon) this.abandon()
    if (this.stopping) return this.stopping
    this.log('stopping', { active: this.running.size, grace_ms: options.graceMs ?? 30_000 })
    const timer = setTimeout(() => this.abandon(), options.graceMs ?? 30_000)
    this.stopping = (async () => {
      try {
        await this.worker.close()
      } finally {
        clearTimeout(timer)
        await this.pool.destroy()
        await this.conn.quit().catch(() => this.conn.disconnect())
        this.log('stopped', { ...this.counters })
      }
    })()
    return this.stopping
  }

  private abandon(): void {
    if (this.abandoning) return
    this.abandoning = true
    if (this.running.size > 0) this.log('abandoning', { active: this.running.size })
    for (const r of this.running.values()) Atomics.store(r.flags, 0, 1)
  }
}
