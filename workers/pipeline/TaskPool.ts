// Why: every piece of heavy work in this process (simulating blocks, describing summary series,
// reading stored runs) runs on one Piscina pool of worker threads, handed out fairly among owners
// (runs, reads) by a FairScheduler. This wraps both, turns a worker's coded failure into the same
// BudgetSimError and a crashed thread into WORKER_CRASHED, never a hang.
import type { TransferListItem } from 'node:worker_threads'
import type { Piscina } from 'piscina'
import { BudgetSimError, ErrorCodes, type ErrorCode } from '../../engine/errors.js'
import { createPool, type PoolOptions } from '../createPool.js'
import type { Reply, Task } from '../task-worker.js'
import { FairScheduler } from './FairScheduler.js'

export class TaskPool {
  readonly piscina: Piscina
  readonly scheduler: FairScheduler
  private readonly owned: boolean

  constructor(options: PoolOptions & { pool?: Piscina } = {}) {
    this.owned = !options.pool
    this.piscina = options.pool ?? createPool(options)
    this.scheduler = new FairScheduler(Math.max(1, this.piscina.options.maxThreads))
  }

  get threads(): number {
    return Math.max(1, this.piscina.options.maxThreads)
  }

  /** Run a task for `owner` when it is its turn; `what` names the work in errors. */
  run<T>(owner: string, task: Task, what: string, transferList?: TransferListItem[]): Promise<T> {
    return this.scheduler.schedule(owner, async () => {
      let reply: Reply
      try {
        reply = (await this.piscina.run(task, transferList ? { transferList: transferList as any } : undefined)) as Reply
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
    if (this.owned) await this.piscina.destroy()
  }
}
