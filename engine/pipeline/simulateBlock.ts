// Why: a block of trials is the unit of work any executor runs (a local thread, a remote worker).
// It simulates the trials and returns, as plain buffers, the block's rows (when the run keeps a
// trials table) and its per-trial summary series (the partial statistics the coordinator merges),
// with the work it did. Everything else about the run stays with the coordinator.
import type { Plan } from '../plan/compilePlan.js'
import { Simulator, type SimulationControl } from '../simulate/Simulator.js'
import { seriesTotals, summaryLayout, type SummaryLayout } from '../summary/SummaryLayout.js'

export interface BlockRequest {
  trialStart: number
  trialCount: number
  /** return the rows of the trials table */
  rows: boolean
  /** most random draws the block may make */
  drawBudget: number
}

export interface BlockOutput {
  trialStart: number
  trialCount: number
  /** TrialColumns layout (see TrialColumns.ts), or null when rows were not asked for */
  rows: ArrayBuffer | null
  /** Float64, series-major: series s of trial t at [s * trialCount + t] */
  series: ArrayBuffer
  applications: number
  draws: number
  /** trials completed: less than trialCount only when cancelled */
  completed: number
}

/** A plan prepared for blocks: its simulator and summary layout, reused across a run's blocks. */
export interface PreparedPlan {
  plan: Plan
  simulator: Simulator
  layout: SummaryLayout
}

export function preparePlan(plan: Plan): PreparedPlan {
  return { plan, simulator: new Simulator(plan), layout: summaryLayout(plan) }
}

/**
 * Simulate one block. Results depend only on the plan and the trial indices, never on block
 * boundaries or on which process runs the block.
 */
export function simulateBlock(prepared: PreparedPlan, request: BlockRequest, control: Omit<SimulationControl, 'drawBudget'> = {}): BlockOutput {
  const { simulator, layout } = prepared
  const block = simulator.simulate(request.trialStart, request.trialCount, { ...control, drawBudget: request.drawBudget })
  const n = request.trialCount
  const series = new Float64Array(layout.series.length * n)
  if (block.completed === n) seriesTotals(layout, block.columns, n, series)
  return {
    trialStart: request.trialStart,
    trialCount: n,
    rows: request.rows ? block.columns.buffer : null,
    series: series.buffer,
    applications: block.applications,
    draws: block.draws,
    completed: block.completed,
  }
}
