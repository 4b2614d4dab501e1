// Why: the pipeline (blocks, ordering, files, summary) must not care where blocks are simulated:
// in this process's threads or on a cluster of machines. This is the seam: open a run once, submit
// its blocks, hear their progress, cancel, close. Implementations own their transport; the
// coordinator shares no memory with them, so cancellation and progress work across machines too.
import type { BlockOutput } from '../../engine/pipeline/simulateBlock.js'
import type { Plan } from '../../engine/plan/compilePlan.js'
import type { RunSpec } from '../../engine/run/RunSpec.js'

/** What an executor needs to know about a run before its blocks arrive. */
export interface ExecutorRun {
  /** unique per execution of a run (a run re-executed after a restart may reuse it) */
  runId: string
  spec: RunSpec
  /** the spec compiled (executors in this process use it directly; remote ones compile the spec) */
  plan: Plan
}

/** One block of a run. Idempotent: the same block always gives the same bytes. */
export interface BlockTask {
  runId: string
  index: number
  trialStart: number
  trialCount: number
  /** return the block's rows (false when the run keeps no trials table) */
  rows: boolean
  /** most random draws the block may make (see engine/limits.ts) */
  drawBudget: number
}

export interface ExecutorHealth {
  kind: 'local' | 'redis'
  /** blocks that can be simulated at once */
  slots: number
  /** blocks simulating now, and waiting */
  running: number
  waiting: number
  [detail: string]: unknown
}

export interface Executor {
  readonly kind: 'local' | 'redis'
  /** blocks that can be simulated at once (the coordinator keeps about twice as many in flight per run) */
  slots(): number
  /**
   * Trials per block this executor prefers for a run (executors with a per-block cost, such as a
   * network round trip, want larger blocks); undefined: the pipeline's choice. Optional.
   */
  blockTrials?(plan: Plan, trials: number): number | undefined
  /** announce a run; executors that need it store the specification once, not per block */
  open(run: ExecutorRun): Promise<void>
  /**
   * Simulate one block. Rejects with a BudgetSimError: RUN_CANCELLED after cancel(), the engine's
   * own code (LIMIT_EXCEEDED, ...), WORKER_CRASHED, ENGINE_MISMATCH.
   */
  submit(task: BlockTask): Promise<BlockOutput>
  /**
   * Trials of the run simulated so far, counting those inside blocks not yet returned, when the
   * executor can tell (for progress between block completions); undefined otherwise.
   */
  trialsSimulated(runId: string): number | undefined
  /** stop the run's running blocks (within a trial) and drop its waiting ones */
  cancel(runId: string): Promise<void>
  /** the run is over: release what open() kept */
  close(runId: string): Promise<void>
  health(): Promise<ExecutorHealth>
  /**
   * The process is stopping and will resume its runs on the next start: executors that keep
   * blocks outside the process (Redis) keep them rather than cancel them. Optional.
   */
  suspend?(): void
  /** stop everything (process shutdown) */
  shutdown(): Promise<void>
}
