// Why: the worker file is thin on purpose: it takes a plan and a trial range, runs the engine's
// Simulator, and transfers the result buffer back. All logic lives in engine/.
import { move, transferableSymbol, valueSymbol } from 'piscina'
import { BudgetSimError } from '../engine/errors.js'
import type { Plan } from '../engine/plan/compilePlan.js'
import { Simulator } from '../engine/simulate/Simulator.js'

export interface SimulateTask {
  /** identifies the run, so a worker reuses its Simulator across the run's blocks */
  runId: string
  plan: Plan
  trialStart: number
  trialCount: number
  /** Int32Array view: [0] cancel flag (1 = stop), [1] trials completed (progress) */
  control: SharedArrayBuffer
}

export type SimulateReply =
  | { ok: true; buffer: ArrayBuffer; applications: number; completed: number }
  | { ok: false; code: string; message: string }

let current: { runId: string; simulator: Simulator } | null = null

export default function simulateBlock(task: SimulateTask): unknown {
  const control = new Int32Array(task.control)
  try {
    if (current?.runId !== task.runId) current = { runId: task.runId, simulator: new Simulator(task.plan) }
    const block = current.simulator.simulate(task.trialStart, task.trialCount, {
      cancelled: () => Atomics.load(control, 0) !== 0,
      trialDone: () => Atomics.add(control, 1, 1),
    })
    const reply = { ok: true, buffer: block.columns.buffer, applications: block.applications, completed: block.completed }
    return move({
      get [transferableSymbol]() {
        return [reply.buffer]
      },
      get [valueSymbol]() {
        return reply
      },
    } as any)
  } catch (e) {
    if (e instanceof BudgetSimError) return { ok: false, code: e.code, message: e.message } satisfies SimulateReply
    throw e
  }
}
