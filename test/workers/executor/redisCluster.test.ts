// A real cluster on this machine: Debian's redis-server on a free loopback port and
// `budget-sim worker` processes (the compiled CLI), with the coordinator (RedisExecutor) in this
// process. No mock of Redis or BullMQ. Results must be byte-identical to the local pool's whatever
// the workers do: 1 or 2 of them, one killed with -9 mid-block, Redis restarted under them,
// completions arriving twice; cancellation stops running blocks within a block and removes waiting
// ones; a worker of another identity refuses blocks with ENGINE_MISMATCH.
import { cpSync, mkdtempSync, readFileSync, appendFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Queue, QueueEvents } from 'bullmq'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { packageRoot } from '../../../engine/paths.js'
import { compilePlan } from '../../../engine/plan/compilePlan.js'
import { createRunSpec, type RunSpec } from '../../../engine/run/RunSpec.js'
import { loadPresetData } from '../../../engine/scenario/presets.js'
import { resolveScenario } from '../../../engine/scenario/resolveScenario.js'
import { summaryLayout } from '../../../engine/summary/SummaryLayout.js'
import { HEADER_BYTES } from '../../../workers/executor/redis/blockResultCodec.js'
import { fleetIdentity } from '../../../workers/executor/redis/fleetIdentity.js'
import { RedisExecutor, type RedisExecutorOptions } from '../../../workers/executor/redis/RedisExecutor.js'
import { QUEUE_NAME } from '../../../workers/executor/redis/redisKeys.js'
import { TaskPool } from '../../../workers/pipeline/TaskPool.js'
import { runLocally, type RunLocallyOptions } from '../../../workers/runLocally.js'
import { freePort, runCli, startRedisServer, startWorkerProcess, type RedisServer, type WorkerProcess } from '../../../scripts/localCluster.js'

const dir = mkdtempSync(join(tmpdir(), 'budget-sim-redis-test-'))
/** Short locks so that a dead worker's block is taken again within ~2 s. */
const FAST = ['--lock-ms', '1500', '--stalled-ms', '500']
let redis: RedisServer
let pool: TaskPool
const workers: WorkerProcess[] = []
const executors: RedisExecutor[] = []

beforeAll(async () => {
  // fails (does not skip) without redis-server, with the install command in the message
  redis = await startRedisServer()
  pool = new TaskPool({ threads: 2 })
})
// every test starts its own workers and coordinator, and leaves none behind (even when it fails)
afterEach(async () => {
  await Promise.allSettled(executors.splice(0).map((e) => e.shutdown()))
  await Promise.allSettled(workers.splice(0).map((w) => w.stop('SIGKILL')))
})
afterAll(async () => {
  await pool?.destroy()
  await redis?.destroy()
})

const baseline = (trials: number, on_exhaustion = 'first_come'): RunSpec =>
  createRunSpec(resolveScenario({ ...(loadPresetData('guangzhou-2015-2017-baseline') as object), on_exhaustion }), { trials })

async function worker(args: string[] = [], env: Record<string, string> = {}): Promise<WorkerProcess> {
  const w = await startWorkerProcess(redis.url, { threads: 1, args, env })
  workers.push(w)
  return w
}

async function coordinator(options: Partial<RedisExecutorOptions> = {}): Promise<RedisExecutor> {
  const e = await RedisExecutor.connect({ url: redis.url, reconcileMs: 300, ...options })
  executors.push(e)
  return e
}

/** Job ids a worker's log says it simulated (a finished simulation, not a reused result). */
const simulatedBy = (w: WorkerProcess) => [...w.output().matchAll(/ simulated job=(\S+)/g)].map((m) => m[1])
const takenBy = (w: WorkerProcess) => [...w.output().matchAll(/ took job=(\S+)/g)].map((m) => m[1])

/** Wait until the workers' logs hold `n` lines matching `pattern` between them. */
async function waitForLines(list: WorkerProcess[], pattern: RegExp, n: number, timeoutMs = 5000): Promise<void> {
  const global = new RegExp(pattern.source, 'g')
  const until = Date.now() + timeoutMs
  while (list.reduce((k, w) => k + [...w.output().matchAll(global)].length, 0) < n) {
    if (Date.now() > until) throw new Error(`fewer than ${n} lines ${pattern} in the workers' logs`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** The local pool's trials file and result for `spec`, as the reference. */
async function reference(spec: RunSpec, name: string, options: RunLocallyOptions = {}) {
  const path = join(dir, `${name}-local.arrow`)
  const run = await runLocally(spec, { pool, trialsPath: path, ...options })
  return { run, bytes: readFileSync(path) }
}

describe('runs on a cluster of worker processes through Redis', () => {
  it('writes a trials file and summary byte-identical to the local pool, through 1 and then 2 worker processes', async () => {
    const spec = baseline(700)
    const local = await reference(spec, 'identical')
    const a = await worker()
    for (const count of [1, 2]) {
      if (count === 2) await worker()
      const executor = await coordinator()
      expect(executor.slots()).toBe(count)
      const path = join(dir, `identical-${count}.arrow`)
      const run = await runLocally(spec, { pool, executor, trialsPath: path })
      expect(readFileSync(path).equals(local.bytes), `${count} worker(s)`).toBe(true)
      expect(run.summary).toEqual(local.run.summary)
      expect(run.applications).toBe(local.run.applications)
      expect(run.draws).toBe(local.run.draws)
      expect(executor.counters.completed).toBe(run.blocks)
      expect(executor.counters.duplicates_ignored).toBe(0)
    }
    expect(simulatedBy(a).length).toBeGreaterThan(0)
    expect(simulatedBy(workers[1]).length).toBeGreaterThan(0)
    // SIGTERM with nothing running: a clean exit
    expect(await Promise.all(workers.map((w) => w.stop('SIGTERM')))).toEqual([0, 0])
    expect(a.output()).toMatch(/ stopped simulated=\d+ /)
  })

  it('writes byte-identical trials and summary files from the command line with --redis', async () => {
    const pair = [await worker(), await worker()]
    const common = ['run', 'guangzhou-2015-2017-baseline', '--trials', '500', '--quiet']
    const viaRedis = await runCli([...common, '--redis', redis.url, '--out', join(dir, 'cli-redis.arrow')])
    const local = await runCli([...common, '--workers', '2', '--out', join(dir, 'cli-local.arrow')])
    expect(viaRedis.status, viaRedis.stderr).toBe(0)
    expect(local.status, local.stderr).toBe(0)
    for (const file of ['.arrow', '.summary.arrow']) expect(readFileSync(join(dir, `cli-redis${file}`)).equals(readFileSync(join(dir, `cli-local${file}`))), file).toBe(true)
    // everything after the timing line is the same summary (but the names of the files written)
    const body = (s: string) => s.split('\n').slice(2).filter((l) => !l.startsWith('Wrote ')).join('\n')
    expect(body(viaRedis.stdout)).toBe(body(local.stdout))
  })

  it('moves only the summary series, no rows, for a run without a trials table', async () => {
    const spec = baseline(400)
    const local = await runLocally(spec, { pool })
    const pair = [await worker(), await worker()]
    const executor = await coordinator()
    const run = await runLocally(spec, { pool, executor, trialsPath: null, blockTrials: 100 })
    expect(run.summary).toEqual(local.summary)
    const series = summaryLayout(compilePlan(spec, spec.seed)).series.length
    await waitForLines(pair, / simulated /, 4)
    const sizes = pair.flatMap((w) => [...w.output().matchAll(/ simulated .* bytes=(\d+)/g)].map((m) => Number(m[1])))
    expect(sizes).toEqual(Array(4).fill(HEADER_BYTES + series * 8 * 100))
  })

  it('keeps block results until the run ends (to resume from) and deletes them then; with keepResults consumed, only until each is read', async () => {
    const { Redis } = await import('ioredis')
    const admin = new Redis(redis.url)
    await worker()
    const spec = baseline(1500)
    try {
      for (const keepResults of ['run', 'consumed'] as const) {
        const executor = await coordinator({ keepResults })
        let most = 0
        const counting = setInterval(async () => (most = Math.max(most, (await admin.keys('bsim:result:*')).length)), 25)
        await runLocally(spec, { pool, executor, blockTrials: 100 }).finally(() => clearInterval(counting))
        // 15 blocks; a window of 2 x 1 + 2 = 4 in flight
        if (keepResults === 'run') expect(most).toBeGreaterThan(8)
        else expect(most).toBeLessThanOrEqual(4)
        expect(await admin.keys('bsim:result:*')).toEqual([])
      }
    } finally {
      await admin.quit()
    }
  })

  it('reports the trials done inside a running block from the worker\'s progress, before the block returns', async () => {
    await worker()
    const executor = await coordinator()
    const seen: number[] = []
    const run = await runLocally(baseline(2500), {
      pool,
      executor,
      blockTrials: 2500,
      progressInterval: 20,
      onProgress: (p) => p.phase === 'simulate' && seen.push(p.trialsDone),
    })
    expect(run.blocks).toBe(1)
    // one block of 2500 trials: anything strictly between 0 and 2500 came from job.updateProgress
    expect(seen.some((n) => n > 0 && n < 2500)).toBe(true)
    expect([...seen].sort((a, b) => a - b)).toEqual(seen)
  })

  it('gives a killed worker\'s block to another worker (kill -9 mid-block) and still writes identical bytes, counting every block once', async () => {
    const spec = baseline(3000)
    const local = await reference(spec, 'kill', { blockTrials: 250 })
    const survivor = await worker(FAST)
    const victim = await worker(FAST)
    const executor = await coordinator()
    const path = join(dir, 'kill.arrow')
    const running = runLocally(spec, { pool, executor, trialsPath: path, blockTrials: 250 })
    await victim.waitFor(/ took /)
    await new Promise((r) => setTimeout(r, 50))
    await victim.stop('SIGKILL')
    const run = await running
    expect(readFileSync(path).equals(local.bytes)).toBe(true)
    expect(run.summary).toEqual(local.run.summary)
    expect(run.applications).toBe(local.run.applications)
    // the blocks the victim held when it died were simulated by the survivor
    // (or found its result stored, when the victim died between writing it and completing the job)
    const orphans = takenBy(victim).filter((id) => !simulatedBy(victim).includes(id))
    expect(orphans.length).toBeGreaterThan(0)
    for (const id of orphans) await survivor.waitFor(new RegExp(` (simulated|reused) job=${id.replace(/\./g, '\\.')} `), 5000)
    expect(survivor.output()).toMatch(/ stalled job=/)
    // 12 blocks, each counted exactly once
    expect(run.blocks).toBe(12)
    expect(executor.counters.completed + executor.counters.stored).toBe(12)
  })

  it('counts a block once when its completion arrives twice, and the second worker reuses the stored result', async () => {
    const spec = baseline(1600)
    const local = await reference(spec, 'dup', { blockTrials: 200 })
    const w = await worker()
    const executor = await coordinator()
    // play a second coordinator re-adding every block as soon as it is taken: the same job id is
    // added again when the first one completes, and its worker must find the stored result
    const queue = new Queue(QUEUE_NAME, { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix: 'bsim' })
    const events = new QueueEvents(QUEUE_NAME, { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix: 'bsim' })
    await events.waitUntilReady()
    const data = new Map<string, unknown>()
    events.on('active', async ({ jobId }) => {
      const job = await queue.getJob(jobId)
      if (job) data.set(jobId, job.data)
    })
    events.on('completed', async ({ jobId }) => {
      const d = data.get(jobId) as { index: number } | undefined
      data.delete(jobId)
      // the first three blocks only: their copies are taken before the run's last blocks are queued
      if (d && d.index < 3) await queue.add('block', d, { jobId, removeOnComplete: true })
    })
    try {
      const path = join(dir, 'dup.arrow')
      const run = await runLocally(spec, { pool, executor, trialsPath: path, blockTrials: 200 })
      expect(readFileSync(path).equals(local.bytes)).toBe(true)
      expect(run.applications).toBe(local.run.applications)
      expect(executor.counters.completed).toBe(8)
      expect(executor.counters.duplicates_ignored).toBeGreaterThan(0)
      expect(w.output()).toMatch(/ reused job=/)
      // every block was simulated once, however often it completed
      const simulated = simulatedBy(w)
      expect(new Set(simulated).size).toBe(simulated.length)
    } finally {
      await events.close()
      await queue.close()
    }
  })

  it('completes with identical bytes when Redis is restarted (empty) under a running run, the workers reconnecting', async () => {
    const spec = baseline(3000)
    const local = await reference(spec, 'restart', { blockTrials: 250 })
    const a = await worker(FAST)
    const b = await worker(FAST)
    const executor = await coordinator()
    const path = join(dir, 'restart.arrow')
    const running = runLocally(spec, { pool, executor, trialsPath: path, blockTrials: 250 })
    await a.waitFor(/ simulated /)
    await redis.stop()
    await new Promise((r) => setTimeout(r, 1000))
    await redis.start()
    const run = await running
    expect(readFileSync(path).equals(local.bytes)).toBe(true)
    expect(run.applications).toBe(local.run.applications)
    for (const w of [a, b]) {
      expect(w.output()).toMatch(/ redis-lost /)
      await w.waitFor(/ redis-reconnected /, 5000)
    }
    // and after a CLIENT KILL of every connection, the workers serve the next run
    const { Redis } = await import('ioredis')
    const admin = new Redis(redis.url)
    await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes')
    await admin.quit()
    const again = await runLocally(baseline(700), { pool, executor, trialsPath: null })
    expect(again.summary).toEqual((await runLocally(baseline(700), { pool })).summary)
  })

  it('hands its running blocks back on SIGTERM past the grace period and exits 0; another worker takes them at once, not after the lock expires', async () => {
    const spec = baseline(4000)
    const local = await reference(spec, 'handback', { blockTrials: 1000 })
    const staying = await worker() // default lock: 15 s
    const leaving = await worker(['--grace-seconds', '0'])
    const executor = await coordinator()
    const path = join(dir, 'handback.arrow')
    const running = runLocally(spec, { pool, executor, trialsPath: path, blockTrials: 1000 })
    const taken = await leaving.waitFor(/ took job=(\S+)/)
    const signalled = performance.now()
    expect(await leaving.stop('SIGTERM')).toBe(0)
    expect(leaving.output()).toMatch(/ abandoned job=/)
    await running
    expect(performance.now() - signalled).toBeLessThan(10_000)
    expect(readFileSync(path).equals(local.bytes)).toBe(true)
    await staying.waitFor(new RegExp(` simulated job=${taken[1].replace(/\./g, '\\.')} `), 5000)
  })

  it('removes waiting blocks and stops running ones within a block when the run is cancelled', async () => {
    // a trial of 10^9 draws: a block would run for minutes
    const hog = createRunSpec(
      resolveScenario({
        name: 'hog',
        years: [2015],
        trials: 8,
        seed: 1,
        programmes: { 'tech-transaction-subsidy': { years: [2015], applicants: { fixed: { value: 10 } }, contracts_per_applicant: { fixed: { value: 100_000_000 } } } },
      }),
    )
    const a = await worker()
    const b = await worker()
    const executor = await coordinator()
    const controller = new AbortController()
    const running = runLocally(hog, { pool, executor, signal: controller.signal, limits: { draws: 1e12 }, blockTrials: 1 })
    await Promise.all([a.waitFor(/ took /), b.waitFor(/ took /)])
    await new Promise((r) => setTimeout(r, 300))
    const queue = new Queue(QUEUE_NAME, { connection: { url: redis.url }, prefix: 'bsim' })
    try {
      expect((await queue.getJobCounts('waiting')).waiting).toBeGreaterThan(0)
      const aborted = performance.now()
      controller.abort()
      await expect(running).rejects.toMatchObject({ code: 'RUN_CANCELLED' })
      // every worker stops its running blocks within a block (here: within a trial), the waiting ones are gone
      await Promise.all([a.waitFor(/ cancelled job=/), b.waitFor(/ cancelled job=/)])
      for (let i = 0; i < 50; i++) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed')
        if (counts.waiting + counts.active + counts.delayed === 0) break
        await new Promise((r) => setTimeout(r, 100))
      }
      expect(await queue.getJobCounts('waiting', 'active', 'delayed')).toMatchObject({ waiting: 0, active: 0, delayed: 0 })
      expect(performance.now() - aborted).toBeLessThan(3000)
      for (const w of [a, b]) expect(simulatedBy(w)).toEqual([])
    } finally {
      await queue.close()
    }
    // the workers serve the next run
    const next = await runLocally(baseline(200), { pool, executor })
    expect(next.summary.length).toBeGreaterThan(0)
  })

  it('fails the run with ENGINE_MISMATCH when its worker runs other policy seeds, naming the difference', async () => {
    const seeds = join(dir, 'amended-seeds')
    cpSync(join(packageRoot, 'seeds'), seeds, { recursive: true })
    appendFileSync(join(seeds, 'tech-transaction-subsidy.yaml'), '\n# amended on one machine only\n')
    const other = await worker([], { BUDGET_SIM_SEEDS_DIR: seeds })
    const executor = await coordinator()
    const error = await runLocally(baseline(100), { pool, executor }).catch((e) => e)
    expect(error.code).toBe('ENGINE_MISMATCH')
    expect(error.message).toMatch(/refuses the block: policy seeds [0-9a-f]{12} \(coordinator\) vs [0-9a-f]{12} \(this worker\)/)
    expect(other.output()).toMatch(/ refused job=\S+ .*code=ENGINE_MISMATCH/)
  })

  it('fails the run with ENGINE_MISMATCH when blocks come from a coordinator of another engine version', async () => {
    const w = await worker()
    const executor = await coordinator({ identity: { ...fleetIdentity(), engineVersion: '0.0.1-old' } })
    const error = await runLocally(baseline(100), { pool, executor }).catch((e) => e)
    expect(error.code).toBe('ENGINE_MISMATCH')
    expect(error.message).toContain('engine version 0.0.1-old (coordinator) vs')
    expect(simulatedBy(w)).toEqual([])
  })

  it('says which Redis cannot be reached: REDIS_UNAVAILABLE for the coordinator, exit 3 for the command line', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`
    await expect(RedisExecutor.connect({ url, origin: 'REDIS_URL', connectTimeoutMs: 500 })).rejects.toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      message: expect.stringContaining(`cannot reach Redis at ${url} (REDIS_URL)`),
    })
    const commands = [['run', 'guangzhou-2015-2017-baseline', '--trials', '10', '--redis', url], ['worker', '--redis', url]]
    const results = await Promise.all(commands.map((args) => runCli(args)))
    results.forEach((r, i) => {
      expect(r.status, commands[i][0]).toBe(3)
      expect(r.stderr).toContain(`budget-sim: cannot reach Redis at ${url} (--redis)`)
    })
    const bad = await runCli(['worker', '--redis', 'http://127.0.0.1:6379'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('--redis: must start with redis:// or rediss://')
  })
})
