// Why: the embedded default executor: blocks run on this process's worker threads (the shared
// TaskPool), with cancellation and progress through a small shared-memory control word per run
// that only this executor and its threads see.
import { BudgetSimError } from '../../engine/errors.js'
import type { BlockOutput } from '../../engine/pipeline/simulateBlock.js'
import type { TaskPool } from '../pipeline/TaskPool.js'
import type { BlockTask, Executor, ExecutorHealth, ExecutorRun } from './Executor.js'

interface LocalRun {
  run: ExecutorRun
  control: SharedArrayBuffer
  flags: Int32Array
  cancelled: boolean
}

export class LocalExecutor implements Executor {
  readonly kind = 'local' as const
  private readonly runs = new Map<string, LocalRun>()

  constructor(private readonly pool: TaskPool) {}

  slots(): number {
    return this.pool.threads
  }

  async open(run: ExecutorRun): Promise<void> {
    const control = new SharedArrayBuffer(8)
    this.runs.set(run.runId, { run, control, flags: new Int32Array(control), cancelled: false })
  }

  async submit(task: BlockTask): Promise<BlockOutput> {
    const local = this.runs.get(task.runId)
    if (!local) throw new Error(`LocalExecutor: run ${task.runId} is not open`)
    if (local.cancelled) throw new BudgetSimError('RUN_CANCELLED', 'the run was cancelled')
    const what = `trials ${task.trialStart}-${task.trialStart + task.trialCount - 1}`
    const out = await this.pool.run<BlockOutput>(
      task.runId,
      {
        kind: 'simulate',
        planKey: `${task.runId}:${local.run.spec.spec_hash}`,
        plan: local.run.plan,
        request: { trialStart: task.trialStart, trialCount: task.trialCount, rows: task.rows, drawBudget: task.drawBudget },
        control: local.control,
      },
      what,
    )
    if (local.cancelled || out.completed < task.trialCount) throw new BudgetSimError('RUN_CANCELLED', 'the run was cancelled')
    return out
  }

  trialsSimulated(runId: string): number | undefined {
    const local = this.runs.get(runId)
    return local ? Atomics.load(local.flags, 1) : undefined
  }

  async cancel(runId: string): Promise<void> {
    const local = this.runs.get(runId)
    if (!local) return
    local.cancelled = true
    Atomics.store(local.flags, 0, 1)
    this.pool.drop(runId)
  }

  async close(runId: string): Promise<void> {
    this.runs.delete(runId)
  }

  async health(): Promise<ExecutorHealth> {
    return { kind: 'local', slots: this.pool.threads, running: this.pool.scheduler.active, waiting: this.pool.scheduler.waiting(), threads: this.pool.threads }
  }

  async shutdown(): Promise<void> {
    for (const id of this.runs.keys()) await this.cancel(id)
  }
}
