// Why: the CLI, the benchmarks and tests run a specification on this machine's threads without a
// server: this sets up the thread pool, the local executor and a temporary work directory around
// the coordinator, and cleans them up.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultLimits, type RunLimits } from '../engine/limits.js'
import type { RunSpec } from '../engine/run/RunSpec.js'
import type { Executor } from './executor/Executor.js'
import { LocalExecutor } from './executor/LocalExecutor.js'
import { executeRun, type ExecuteOptions, type RunProgress, type RunResult } from './pipeline/executeRun.js'
import { TaskPool } from './pipeline/TaskPool.js'

export interface RunLocallyOptions {
  /** a pool to share; when omitted, one is made for the run and destroyed after */
  pool?: TaskPool
  threads?: number
  /** another executor (default: the local threads) */
  executor?: Executor
  /** write the trials table here (Arrow IPC file); omitted or null: no trials table */
  trialsPath?: string | null
  limits?: Partial<RunLimits>
  signal?: AbortSignal
  onProgress?: (p: RunProgress) => void
  progressInterval?: number
  blockTrials?: number
  /** see ExecuteOptions: per-trial values of summary groups, no summary, a precision run */
  extractSeries?: ExecuteOptions['extractSeries']
  summary?: boolean
  precision?: ExecuteOptions['precision']
}

/** Execute `spec` here and return its result (summary, metadata, timings). */
export async function runLocally(spec: RunSpec, options: RunLocallyOptions = {}): Promise<RunResult> {
  const pool = options.pool ?? new TaskPool({ threads: options.threads })
  const workDir = await mkdtemp(join(tmpdir(), 'budget-sim-run-'))
  try {
    return await executeRun(spec, {
      executor: options.executor ?? new LocalExecutor(pool),
      pool,
      limits: { ...defaultLimits, ...options.limits },
      trialsPath: options.trialsPath ?? null,
      workDir,
      signal: options.signal,
      onProgress: options.onProgress,
      progressInterval: options.progressInterval,
      blockTrials: options.blockTrials,
      extractSeries: options.extractSeries,
      summary: options.summary,
      precision: options.precision,
    })
  } finally {
    await rm(workDir, { recursive: true, force: true })
    if (!options.pool) await pool.destroy()
  }
}
