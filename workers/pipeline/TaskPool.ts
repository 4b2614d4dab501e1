// Why: every piece of heavy work in this process (simulating blocks, describing summary series,
// reading stored runs) runs on one Piscina pool of worker threads, handed out fairly among owners
// (runs, reads) by a FairScheduler. This wraps both, turns a worker's coded failure into the same
// BudgetSimError and a crashed thread into WORKER_CRASHED, never a hang. An inline pool runs the
// same tasks on this thread instead: for runs so small that starting threads would cost more than
// the work (the CLI decides), with identical results.
import type { TransferListItem } from 'node:worker_threads'
import { valueSymbol, type Piscina } from 'piscina'
import { BudgetSimError, ErrorCodes, type ErrorCode } from '../../engine/errors.js'
import { createPool, type PoolOptions } from '../createPool.js'
import type { Reply, Task } from '../task-worker.js'
import { FairScheduler } from './FairScheduler.js'

export class TaskPool {
  /** the threads; null for an inline pool */
  readonly piscina: Piscina | null
  readonly scheduler: FairScheduler
  private readonly owned: boolean

  /** `inline: true` runs every task on this thread, one at a time, yielding between tasks. */
  constructor(options: PoolOptions & { pool?: Piscina; inline?: boolean } = {}) {
    this.owned = !options.pool
    this.piscina = options.inline ? null : (options.pool ?? createPool(options))
    // a thread holds a running task and a queued one (see TASKS_PER_THREAD): the scheduler fills both
    this.scheduler = new FairScheduler(this.piscina ? this.threads * Math.max(1, this.piscina.options.concurrentTasksPerWorker) : 1)
  }

  get threads(): number {
    return this.piscina ? Math.max(1, this.piscina.options.maxThreads) : 1
  }

  /** the share of the threads' time spent on tasks (0 for an inline pool) */
  get utilization(): number {
    return this.piscina?.utilization ?? 0
  }

  /** Run a task for `owner` when it is its turn; `what` names the work in errors. */
  run<T>(owner: string, task: Task, what: string, transferList?: TransferListItem[]): Promise<T> {
    return this.scheduler.schedule(owner, async () => {
      let reply: Reply
      try {
        reply = this.piscina
          ? ((await this.piscina.run(task, transferList ? { transferList: transferList as any } : undefined)) as Reply)
          : await runInline(task)
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e)
        throw new BudgetSimError('WORKER_CRASHED', `a worker thread failed on ${what}: ${message}`, { cause: e })
      }
      if (reply?.ok === true) return reply.value as T
      if (reply && reply.ok === false && reply.code in ErrorCodes) throw new BudgetSimError(reply.code as ErrorCode, reply.message, { detail: reply.detail })
      throw new BudgetSimError('WORKER_CRASHED', `a worker thread returned an unexpected reply for ${what}`)
    })
  }

  /** Drop `owner`'s waiting tasks (they reject with RUN_CANCELLED). */
  drop(owner: string, message = 'the run was cancelled'): void {
    this.scheduler.drop(owner, () => new BudgetSimError('RUN_CANCELLED', message))
  }

  async destroy(): Promise<void> {
    if (this.owned) await this.piscina?.destroy()
  }
}

/** Run a task on this thread as a worker would, after letting timers and I/O run. */
async function runInline(task: Task): Promise<Reply> {
  await new Promise<void>((resolve) => setImmediate(resolve))
  const { default: runTask } = await import('../task-worker.js')
  const reply = (await runTask(task)) as any
  // a worker's reply may be wrapped for transfer (piscina's move): unwrap it
  return (reply && typeof reply === 'object' && valueSymbol in reply ? reply[valueSymbol] : reply) as Reply
}
