// The API server on a cluster (REDIS_URL set), as a real process with real `budget-sim worker`
// processes and Debian's redis-server: /health shows the Redis executor and the live workers,
// progress reaches event-stream clients, a server killed with -9 mid-run resumes from the blocks
// already done without recomputing them and ends byte-identical to the local pool, and a Redis
// that cannot be reached stops the server at start with the variable named.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, runCli, startRedisServer, startWorkerProcess, type RedisServer, type WorkerProcess } from '../../scripts/localCluster.js'
import { pollUntil, postJson, startServer, type ServerProcess } from '../helpers/serverProcess.js'

const dir = mkdtempSync(join(tmpdir(), 'budget-sim-api-redis-'))
let redis: RedisServer
const workers: WorkerProcess[] = []
const servers: ServerProcess[] = []

beforeAll(async () => {
  redis = await startRedisServer()
  for (let i = 0; i < 2; i++) workers.push(await startWorkerProcess(redis.url, { threads: 1, args: ['--lock-ms', '1500', '--stalled-ms', '500'] }))
})
afterAll(async () => {
  await Promise.allSettled(servers.map((s) => s.stop('SIGKILL')))
  await Promise.allSettled(workers.map((w) => w.stop('SIGKILL')))
  await redis?.destroy()
})

async function start(data: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const s = await startServer(data, { REDIS_URL: redis.url, ...env })
  servers.push(s)
  return s
}

async function bytes(url: string): Promise<Buffer> {
  const res = await fetch(url)
  expect(res.status).toBe(200)
  return Buffer.from(await res.arrayBuffer())
}

/** The first `progress` event of a run's event stream with trials done, as the server sends it. */
async function firstProgress(base: string, id: string): Promise<{ trials_done: number; trials: number; phase: string }> {
  const res = await fetch(`${base}/runs/${id}/events`)
  const reader = res.body!.getReader()
  let text = ''
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) throw new Error(`the event stream ended without progress:\n${text}`)
      text += new TextDecoder().decode(value)
      for (const m of text.matchAll(/event: progress\ndata: (.*)\n/g)) {
        const p = JSON.parse(m[1])
        if (p.trials_done > 0) return p
      }
    }
  } finally {
    await reader.cancel()
  }
}

const references = new Map<number, Promise<{ trials: Buffer; summary: Buffer }>>()
/** The trials and summary files of the baseline on the local pool (the CLI, which writes what the server writes). */
function localReference(trials: number): Promise<{ trials: Buffer; summary: Buffer }> {
  if (!references.has(trials))
    references.set(
      trials,
      (async () => {
        const out = join(dir, `local-${trials}.arrow`)
        const r = await runCli(['run', 'guangzhou-2015-2017-baseline', '--trials', String(trials), '--out', out, '--quiet'])
        expect(r.status, r.stderr).toBe(0)
        return { trials: readFileSync(out), summary: readFileSync(join(dir, `local-${trials}.summary.arrow`)) }
      })(),
    )
  return references.get(trials)!
}

describe('the API server on a Redis cluster', () => {
  it('reports the Redis executor, its connection and the live workers in /health', async () => {
    const server = await start(join(dir, 'health'))
    const health = await (await fetch(`${server.base}/health`)).json()
    expect(health.status).toBe('ok')
    expect(health.executor).toMatchObject({ kind: 'redis', slots: 2, url: redis.url, queue: 'bsim:blocks', live_workers: 2, worker_threads: 2, redis: { status: 'ready' } })
    expect(health.executor.workers.map((w: { pid: number }) => w.pid).sort()).toEqual(workers.map((w) => w.proc.pid).sort())
    expect(health.executor.workers[0]).toMatchObject({ threads: 1, engine_version: health.engine_version })
    // summaries and reads still run on the server's own threads
    expect(health.pool.threads).toBe(2)
    await server.stop('SIGTERM')
  })

  for (const signal of ['SIGKILL', 'SIGTERM'] as const)
    it(`resumes a run after the server is stopped with ${signal} mid-run, without recomputing its finished blocks, and ends byte-identical to the local pool`, async () => {
      const data = join(dir, `resume-${signal}`)
      const trials = 6000
      let server = await start(data)
      const { id } = await (await postJson(`${server.base}/runs`, { preset: 'guangzhou-2015-2017-baseline', trials })).json()
      // progress reaches event-stream clients from the workers
      const progress = await firstProgress(server.base, id)
      expect(progress).toMatchObject({ trials, phase: 'simulate' })
      // some blocks are done, others not: stop the coordinator
      const simulated = () => workers.flatMap((w) => [...w.output().matchAll(new RegExp(` simulated job=(${id}\\S+)`, 'g'))].map((m) => m[1]))
      await pollUntil(async () => (simulated().length >= 3 ? true : undefined), 60_000, 20)
      const code = await server.stop(signal)
      if (signal === 'SIGTERM') expect(code).toBe(0)
      const before = simulated().length
      server = await start(data)
      const run = await pollUntil(async () => {
        const r = await (await fetch(`${server.base}/runs/${id}`)).json()
        if (r.status === 'failed') throw new Error(JSON.stringify(r.error))
        return r.status === 'done' ? r : undefined
      }, 120_000)
      expect(run.progress.trials_done).toBe(trials)
      // every block was simulated exactly once across both workers and both server lifetimes
      const ids = simulated()
      expect(new Set(ids).size).toBe(ids.length)
      expect(before).toBeLessThan(ids.length)
      const ranges = ids.map((j) => /\.t(\d+)-(\d+)$/.exec(j)!.slice(1).map(Number)).sort((a, b) => a[0] - b[0])
      ranges.forEach(([from, to], i) => expect(from).toBe(i === 0 ? 0 : ranges[i - 1][1] + 1))
      expect(ranges.at(-1)![1]).toBe(trials - 1)
      // the second server found blocks already done in Redis rather than queueing them again
      const health = await (await fetch(`${server.base}/health`)).json()
      expect(health.executor.blocks.stored).toBeGreaterThan(0)
      // and the result is the local pool's, byte for byte
      const local = await localReference(trials)
      expect((await bytes(`${server.base}/runs/${id}/trials.arrow`)).equals(local.trials)).toBe(true)
      expect((await bytes(`${server.base}/runs/${id}/summary.arrow`)).equals(local.summary)).toBe(true)
      await server.stop('SIGTERM')
    })

  it('refuses to start when REDIS_URL cannot be reached or is not a Redis URL, naming the variable', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`
    const unreachable = await start(join(dir, 'unreachable'), { REDIS_URL: url }).catch((e: Error) => e)
    expect(unreachable).toBeInstanceOf(Error)
    expect((unreachable as Error).message).toContain(`budget-sim: cannot start: cannot reach Redis at ${url} (REDIS_URL)`)
    const invalid = await start(join(dir, 'invalid'), { REDIS_URL: 'http://127.0.0.1:6379' }).catch((e: Error) => e)
    expect((invalid as Error).message).toContain('invalid configuration: REDIS_URL: must start with redis:// or rediss://')
  })
})
