// Why: `budget-sim worker --redis redis://HOST:PORT` is the long-running process a machine of a
// cluster runs: it serves blocks of any run from the queue on its own threads until SIGTERM or
// SIGINT, then finishes its blocks (or, past the grace period or on a second signal, hands them
// back) and exits 0. Its log is one line per event on stdout.
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { BudgetSimError } from '../engine/errors.js'

export const WORKER_USAGE = `budget-sim worker --redis redis://HOST:PORT [--concurrency N] [options]

Serve blocks of runs queued in Redis (by \`budget-sim run --redis\` or a server with REDIS_URL)
until SIGTERM/SIGINT. Run one per machine; every machine must run the same build and seeds.

  --redis URL          Redis to serve (default: $REDIS_URL)
  --concurrency N      simulation threads (default: available cores, ${Math.max(1, availableParallelism())} here)
  --prefetch N         blocks taken beyond the threads so none waits for a fetch (default 1)
  --lock-ms MS         lock of a block; a dead worker's block is taken again after it (default 15000)
  --stalled-ms MS      how often dead workers' blocks are looked for (default 10000)
  --max-stalled N      times a block may be recovered from a dead worker (default 2)
  --grace-seconds S    on SIGTERM, time to finish running blocks before handing them back (default 30)
  --prefix P           Redis key prefix shared with the coordinator (default bsim)`

function integer(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new BudgetSimError('INVALID_ARGUMENT', `${flag}: must be a whole number between ${min} and ${max}, got "${value}"`)
  return n
}

export async function workerCommand(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: {
        redis: { type: 'string' },
        concurrency: { type: 'string' },
        prefetch: { type: 'string' },
        'lock-ms': { type: 'string' },
        'stalled-ms': { type: 'string' },
        'max-stalled': { type: 'string' },
        'grace-seconds': { type: 'string' },
        prefix: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (e) {
    throw new BudgetSimError('INVALID_ARGUMENT', `${(e as Error).message} (see budget-sim worker --help)`)
  }
  const v = parsed.values
  if (v.help) {
    process.stdout.write(`${WORKER_USAGE}\n`)
    return 0
  }
  const url = v.redis ?? process.env.REDIS_URL
  if (!url) throw new BudgetSimError('INVALID_ARGUMENT', 'worker needs --redis redis://HOST:PORT (or REDIS_URL)')
  const origin = v.redis ? '--redis' : 'REDIS_URL'
  const threads = integer('--concurrency', v.concurrency, 1, 256) ?? Math.max(1, availableParallelism())
  const graceMs = (integer('--grace-seconds', v['grace-seconds'], 0, 86_400) ?? 30) * 1000
  const { BlockWorker } = await import('../workers/executor/redis/BlockWorker.js')
  const worker = await BlockWorker.start({
    url,
    origin,
    prefix: v.prefix,
    threads,
    prefetch: integer('--prefetch', v.prefetch, 0, 64),
    lockMs: integer('--lock-ms', v['lock-ms'], 500, 3_600_000),
    stalledMs: integer('--stalled-ms', v['stalled-ms'], 100, 3_600_000),
    maxStalled: integer('--max-stalled', v['max-stalled'], 0, 100),
  })
  await new Promise<void>((resolve) => {
    let signals = 0
    const onSignal = (signal: NodeJS.Signals) => {
      signals++
      // a second signal hands running blocks back at once; past the grace period the process exits anyway
      if (signals === 1) setTimeout(() => process.exit(1), graceMs + 10_000).unref()
      process.stdout.write(`${new Date().toISOString()} signal signal=${signal}${signals > 1 ? ' note="handing running blocks back"' : ''}\n`)
      worker.stop({ graceMs, abandon: signals > 1 }).then(resolve, resolve)
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
  })
  return 0
}
