// Why: one place decides how simulation threads are started: how many, which compiled worker
// file, and that idle threads stay warm between runs.
import { availableParallelism } from 'node:os'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'

export interface PoolOptions {
  /** worker threads (default: available cores) */
  threads?: number
  /** worker file (default: the compiled task-worker.js beside this module) */
  filename?: string
  /** ms an idle thread is kept (default 60 s) */
  idleTimeout?: number
}

/** The compiled worker file. Workers cannot load .ts, so sources fall back to dist/. */
export function workerFilename(): string {
  const here = fileURLToPath(import.meta.url)
  if (here.endsWith('.js')) return fileURLToPath(new URL('./task-worker.js', import.meta.url))
  const compiled = fileURLToPath(new URL('../dist/workers/task-worker.js', import.meta.url))
  if (!existsSync(compiled)) throw new Error(`budget-sim: ${compiled} is missing; run \`npm run build\` first`)
  return compiled
}

export function defaultThreads(): number {
  return Math.max(1, availableParallelism())
}

/**
 * Tasks a thread holds at once: the one it runs and the next, queued in the thread. Without the
 * queued one, a thread that finishes a block idles while the coordinator receives the result and
 * sends the next (measured: 2-3% of a single-thread run of 20 ms blocks).
 */
export const TASKS_PER_THREAD = 2

/** The young generation of each simulation thread (MB): three semi-spaces of 16 MB. */
export const YOUNG_GENERATION_MB = 48

/**
 * A Piscina pool of simulation workers.
 *
 * @example const pool = createPool({ threads: 2 }); ...; await pool.destroy()
 */
export function createPool(options: PoolOptions = {}): Piscina {
  const threads = Math.max(1, Math.floor(options.threads ?? defaultThreads()))
  const pool = new Piscina({
    filename: options.filename ?? workerFilename(),
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: TASKS_PER_THREAD,
    idleTimeout: options.idleTimeout ?? 60_000,
    // a simulation allocates many short-lived numbers; with V8's smallest young generation a
    // thread sometimes settles into hundreds of scavenges per second (measured: 220 instead of 10
    // for 20,000 benchmark trials, 5-20% slower). A young generation of 48 MB keeps it steady.
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  })
  // a crashed worker rejects its task (handled by the run); the event must not crash the process
  pool.on('error', () => {})
  return pool
}
