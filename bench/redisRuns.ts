// Why: the cluster path must not cost much where it is not needed, and its limits must be known
// before a bureau sizes one. On this machine, in the same run: simulation throughput of 2 worker
// processes (1 thread each) through a real redis-server against the local pool with 2 threads,
// timed in turns; the cost of one block through Redis and locally (a run of many tiny blocks);
// and the bytes Redis moves per trial (its own network counters), with and without a trials table.
import { Redis } from 'ioredis'
import { createRunSpec, type RunSpec } from '../engine/run/RunSpec.js'
import { loadPresetData } from '../engine/scenario/presets.js'
import { resolveScenario } from '../engine/scenario/resolveScenario.js'
import { RedisExecutor } from '../workers/executor/redis/RedisExecutor.js'
import { TaskPool } from '../workers/pipeline/TaskPool.js'
import { runLocally } from '../workers/runLocally.js'
import { startRedisServer, startWorkerProcess } from '../scripts/localCluster.js'
import { join } from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { timeInTurns, type Measured } from './measure.js'

export interface RedisBench {
  trials: number
  applications: number
  /** applications per second, simulate phase, 2 workers through Redis and the local pool with 2 threads */
  redis: Measured
  local: Measured
  blocks: { count: number; redis_ms: Measured; local_ms: Measured }
  /** bytes through Redis's sockets (in + out) per trial */
  bytes_per_trial: { summary_only: number; with_rows: number; summary_only_payload: number; with_rows_payload: number }
}

export async function measureRedis(
  benchSpec: (trials: number) => RunSpec,
  settings: { trials: number; repeat: number; tinyBlocks: number },
  log: (m: string) => void,
): Promise<RedisBench> {
  log(`cluster: redis-server and 2 worker processes (1 thread each) vs the local pool with 2 threads, ${settings.trials} trials, in turns`)
  const redis = await startRedisServer()
  const workers = await Promise.all([0, 1].map(() => startWorkerProcess(redis.url, { threads: 1 })))
  const pool = new TaskPool({ threads: 2 })
  const executor = await RedisExecutor.connect({ url: redis.url, origin: 'bench' })
  const admin = new Redis(redis.url)
  const dir = mkdtempSync(join(tmpdir(), 'budget-sim-bench-redis-'))
  try {
    const spec = benchSpec(settings.trials)
    let applications = 0
    const simulate = (viaRedis: boolean) => async () => {
      const out = await runLocally(spec, { pool, executor: viaRedis ? executor : undefined })
      applications = out.applications
      return out.timings.simulateMs / 1000
    }
    const [redisSeconds, localSeconds] = await timeInTurns([simulate(true), simulate(false)], settings.repeat)
    const perSecond = (m: Measured) => ({ median: applications / m.median, min: applications / m.max, max: applications / m.min, samples: m.samples.map((s) => applications / s) })

    // many blocks of one trial each: what a block costs beyond its simulation (ms per block, as returned)
    log(`cluster: ${settings.tinyBlocks} blocks of 1 trial, through Redis and locally`)
    const tiny = benchSpec(settings.tinyBlocks)
    const perBlock = (viaRedis: boolean) => async () => (await runLocally(tiny, { pool, executor: viaRedis ? executor : undefined, blockTrials: 1 })).timings.simulateMs / settings.tinyBlocks
    const [redisBlock, localBlock] = await timeInTurns([perBlock(true), perBlock(false)], Math.max(3, Math.ceil(settings.repeat / 2)))

    // bytes through Redis per trial, from its own counters (jobs, events, results in and out)
    log('cluster: bytes through Redis per trial, baseline with and without a trials table')
    const baseline = createRunSpec(resolveScenario(loadPresetData('guangzhou-2015-2017-baseline')), { trials: 2000 })
    const traffic = async (withRows: boolean) => {
      const counters = async () => {
        const info = await admin.info('stats')
        const n = (k: string) => Number(new RegExp(`${k}:(\\d+)`).exec(info)?.[1] ?? 0)
        return n('total_net_input_bytes') + n('total_net_output_bytes')
      }
      const before = await counters()
      const payloadBefore = workerBytes(workers.map((w) => w.output()))
      await runLocally(baseline, { pool, executor, trialsPath: withRows ? join(dir, 'trials.arrow') : null })
      // the workers' logs arrive on their own pipes: let them catch up
      await new Promise((r) => setTimeout(r, 300))
      return { total: ((await counters()) - before) / baseline.trials, payload: (workerBytes(workers.map((w) => w.output())) - payloadBefore) / baseline.trials }
    }
    const summaryOnly = await traffic(false)
    const withRows = await traffic(true)
    return {
      trials: settings.trials,
      applications,
      redis: perSecond(redisSeconds),
      local: perSecond(localSeconds),
      blocks: { count: settings.tinyBlocks, redis_ms: redisBlock, local_ms: localBlock },
      bytes_per_trial: { summary_only: summaryOnly.total, with_rows: withRows.total, summary_only_payload: summaryOnly.payload, with_rows_payload: withRows.payload },
    }
  } finally {
    await admin.quit().catch(() => undefined)
    await executor.shutdown()
    await Promise.all(workers.map((w) => w.stop()))
    await pool.destroy()
    await redis.destroy()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Result bytes the workers wrote, from their `simulated ... bytes=N` log lines. */
function workerBytes(logs: string[]): number {
  return logs.reduce((sum, l) => sum + [...l.matchAll(/ simulated .* bytes=(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0), 0)
}
