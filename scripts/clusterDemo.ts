// Why: `npm run cluster:demo` shows the cluster path end to end on one machine with one command:
// a temporary redis-server, two `budget-sim worker` processes, the baseline run through them with
// `budget-sim run --redis`, its summary, and the check that its trials and summary files are byte
// for byte those of the same run on the local pool. It cleans up after itself, whatever happens.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, startRedisServer, startWorkerProcess, type RedisServer, type WorkerProcess } from './localCluster.js'

const PRESET = 'guangzhou-2015-2017-baseline'
const say = (m: string) => process.stderr.write(`[cluster:demo] ${m}\n`)

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'budget-sim-cluster-demo-'))
  let redis: RedisServer | null = null
  const workers: WorkerProcess[] = []
  try {
    redis = await startRedisServer()
    say(`redis-server on ${redis.url} (temporary directory, nothing saved)`)
    for (let i = 0; i < 2; i++) workers.push(await startWorkerProcess(redis.url, { threads: 1 }))
    say(`2 workers: ${workers.map((w) => `budget-sim worker --redis ${redis!.url} --concurrency 1 (pid ${w.proc.pid})`).join(', ')}`)

    say(`budget-sim run ${PRESET} --redis ${redis.url} --out cluster.arrow`)
    const cluster = await runCli(['run', PRESET, '--redis', redis.url, '--out', join(dir, 'cluster.arrow'), '--quiet'])
    if (cluster.status !== 0) throw new Error(`the run through Redis failed (exit ${cluster.status}): ${cluster.stderr}`)
    process.stdout.write(cluster.stdout.replaceAll(`${dir}/`, ''))
    const blocks = workers.map((w) => [...w.output().matchAll(/ simulated job=/g)].length)
    say(`the workers simulated ${blocks.join(' and ')} blocks`)

    say(`budget-sim run ${PRESET} --out local.arrow (the local pool, for comparison)`)
    const local = await runCli(['run', PRESET, '--out', join(dir, 'local.arrow'), '--quiet'])
    if (local.status !== 0) throw new Error(`the local run failed (exit ${local.status}): ${local.stderr}`)
    let same = true
    for (const [a, b, what] of [
      ['cluster.arrow', 'local.arrow', 'trials file'],
      ['cluster.summary.arrow', 'local.summary.arrow', 'summary file'],
    ]) {
      const x = readFileSync(join(dir, a))
      const y = readFileSync(join(dir, b))
      const equal = x.equals(y)
      same &&= equal
      say(`${what}: ${equal ? `identical to the local run's (${x.length.toLocaleString('en-US')} bytes)` : `DIFFERS from the local run's (${x.length} vs ${y.length} bytes)`}`)
    }
    say(same ? 'ok: the cluster gives the local result, byte for byte' : 'FAILED: the cluster and the local pool disagree')
    return same ? 0 : 1
  } finally {
    await Promise.allSettled(workers.map((w) => w.stop('SIGTERM')))
    await redis?.destroy()
    rmSync(dir, { recursive: true, force: true })
    say('cleaned up: workers stopped, redis-server stopped, temporary files removed')
  }
}

main().then(
  (code) => (process.exitCode = code),
  (e) => {
    say(`error: ${(e as Error)?.message ?? e}`)
    process.exitCode = 1
  },
)
