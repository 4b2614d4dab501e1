// Why: the worker file is thin on purpose: it takes plain numbers, ids and paths, calls one engine
// function per task kind, and transfers result buffers back. All logic lives in engine/. Modules a
// kind needs are loaded when that kind first arrives, so a simulation thread never loads Arrow.
import type { MessagePort } from 'node:worker_threads'
import { move, transferableSymbol, valueSymbol } from 'piscina'
import { BudgetSimError } from '../engine/errors.js'
import type { Plan } from '../engine/plan/compilePlan.js'
import type { BlockRequest, PreparedPlan } from '../engine/pipeline/simulateBlock.js'
import type { DescribeSeriesTask } from '../engine/summary/describeSeriesFile.js'
import type { ReadTask } from '../engine/results/readTasks.js'

export type Task =
  | {
      kind: 'simulate'
      /** identifies the plan, so a thread reuses its simulator across a run's blocks */
      planKey: string
      plan: Plan
      request: BlockRequest
      /** Int32Array view: [0] cancel flag (1 = stop), [1] trials completed (progress) */
      control: SharedArrayBuffer
    }
  | { kind: 'describe'; task: DescribeSeriesTask }
  | { kind: 'read'; task: ReadTask; port?: MessagePort }

export type Reply = { ok: true; value: any } | { ok: false; code: string; message: string; detail?: Record<string, unknown> }

let prepared: { key: string; value: PreparedPlan } | null = null

export default async function runTask(task: Task): Promise<unknown> {
  try {
    switch (task.kind) {
      case 'simulate': {
        const { preparePlan, simulateBlock } = await import('../engine/pipeline/simulateBlock.js')
        if (prepared?.key !== task.planKey) {
          // mechanisms registered at run time come with the plan as module URLs: load them here too
          for (const url of task.plan.mechanismUrls) await import(url)
          prepared = { key: task.planKey, value: preparePlan(task.plan) }
        }
        const control = new Int32Array(task.control)
        const out = simulateBlock(prepared.value, task.request, {
          cancelled: () => Atomics.load(control, 0) !== 0,
          trialDone: () => Atomics.add(control, 1, 1),
        })
        const transfer = [out.series, ...(out.rows ? [out.rows] : [])]
        const reply = { ok: true, value: out }
        return move({
          get [transferableSymbol]() {
            return transfer
          },
          get [valueSymbol]() {
            return reply
          },
        } as any)
      }
      case 'describe': {
        const { describeSeriesFile } = await import('../engine/summary/describeSeriesFile.js')
        return { ok: true, value: describeSeriesFile(task.task) } satisfies Reply
      }
      case 'read': {
        const { runReadTask } = await import('../engine/results/readTasks.js')
        return { ok: true, value: await runReadTask(task.task, task.port) } satisfies Reply
      }
    }
  } catch (e) {
    if (e instanceof BudgetSimError) return { ok: false, code: e.code, message: e.message, detail: e.detail } satisfies Reply
    throw e
  }
}
