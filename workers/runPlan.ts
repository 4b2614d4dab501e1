// Why: a run is many blocks of trials spread over a worker pool. This cuts the trials into
// blocks, reports progress, stops cooperatively on cancellation, turns a failed worker into a
// clear error (never a hang), and assembles the blocks in trial order, so results are identical
// for any number of workers and any block size.
import { randomUUID } from 'node:crypto'
import type { Piscina } from 'piscina'
import { BudgetSimError, ErrorCodes, type ErrorCode } from '../engine/errors.js'
import type { Plan } from '../engine/plan/compilePlan.js'
import { copyColumns, viewColumns, type TrialColumns } from '../engine/simulate/TrialColumns.js'
import type { SimulateReply, SimulateTask } from './simulate-worker.js'

/** Applications per block to aim for: per-task overhead (~40 µs) stays negligible. */
export const TARGET_APPLICATIONS_PER_BLOCK = 200_000

export interface Progress {
  trialsDone: number
  trials: number
}

export interface RunPlanOptions {
  pool: Piscina
  trials: number
  /** trials per block (default: chosen from the expected applications per trial) */
  blockTrials?: number
  signal?: AbortSignal
  onProgress?: (p: Progress) => void
  /** ms between progress reports (default 100) */
  progressInterval?: number
}

export interface PlanOutput {
  columns: TrialColumns
  applications: number
  blocks: number
}

/** Trials per block: ~200k applications, but at least 4 blocks per thread when trials allow. */
export function chooseBlockTrials(plan: Plan, trials: number, threads: number): number {
  const perTrial = Math.max(1, plan.expectedApplicationsPerTrial)
  const bySize = Math.ceil(TARGET_APPLICATIONS_PER_BLOCK / perTrial)
  const byBalance = Math.ceil(trials / (threads * 4))
  return Math.max(1, Math.min(bySize, byBalance, 100_000))
}

/**
 * Simulate `trials` trials of `plan` on `pool`. Rejects with RUN_CANCELLED when `signal` aborts,
 * WORKER_CRASHED when a worker fails, or the engine's own error (e.g. LIMIT_EXCEEDED).
 */
export async function runPlan(plan: Plan, options: RunPlanOptions): Promise<PlanOutput> {
  const { pool, trials, signal, onProgress } = options
  if (signal?.aborted) throw new BudgetSimError('RUN_CANCELLED', 'the run was cancelled before it started')
  const blockTrials = options.blockTrials ?? chooseBlockTrials(plan, trials, pool.threads.length || 1)
  const rowsPerTrial = plan.rowsPerTrial
  const columns = viewColumns(trials * rowsPerTrial)
  const control = new SharedArrayBuffer(8)
  const flags = new Int32Array(control)
  const runId = randomUUID()
  let failure: BudgetSimError | null = null
  const stop = (error: BudgetSimError) => {
    if (!failure) failure = error
    Atomics.store(flags, 0, 1)
  }
  const onAbort = () => stop(new BudgetSimError('RUN_CANCELLED', 'the run was cancelled'))
  signal?.addEventListener('abort', onAbort, { once: true })
  const timer = onProgress
    ? setInterval(() => onProgress({ trialsDone: Atomics.load(flags, 1), trials }), options.progressInterval ?? 100)
    : null

  let applications = 0
  const tasks: Promise<void>[] = []
  for (let start = 0; start < trials; start += blockTrials) {
    const count = Math.min(blockTrials, trials - start)
    const task: SimulateTask = { runId, plan, trialStart: start, trialCount: count, control }
    tasks.push(
      (pool.run(task) as Promise<SimulateReply>).then(
        (reply) => {
          if (failure) return
          if (reply?.ok !== true) {
            const known = reply && reply.ok === false && reply.code in ErrorCodes
            return stop(
              known
                ? new BudgetSimError(reply.code as ErrorCode, reply.message)
                : new BudgetSimError('WORKER_CRASHED', `a simulation worker returned an unexpected reply for trials ${start}-${start + count - 1}`),
            )
          }
          if (reply.completed < count) return
          applications += reply.applications
          copyColumns(viewColumns(count * rowsPerTrial, reply.buffer), columns, start * rowsPerTrial)
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error)
          stop(new BudgetSimError('WORKER_CRASHED', `a simulation worker failed on trials ${start}-${start + count - 1}: ${message}`, { cause: error }))
        },
      ),
    )
  }
  try {
    await Promise.all(tasks)
  } finally {
    if (timer) clearInterval(timer)
    signal?.removeEventListener('abort', onAbort)
  }
  if (failure) throw failure
  onProgress?.({ trialsDone: trials, trials })
  return { columns, applications, blocks: tasks.length }
}
