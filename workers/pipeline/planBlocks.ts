// Why: a run is cut into blocks of consecutive trials. Blocks must be large enough that per-block
// costs (messages, scheduling, ~40 µs a task) vanish, small enough that every thread stays busy to
// the end, that a small run is not stuck behind a long block of a big one, and that a block's rows
// fit comfortably in memory. Results never depend on the cut.
import type { Plan } from '../../engine/plan/compilePlan.js'

/** Random draws per block to aim for: tens of milliseconds of work on one thread. */
export const TARGET_DRAWS_PER_BLOCK = 1_000_000
/** Most rows a block may hold (its rows travel to the coordinator in one buffer). */
export const MAX_BLOCK_ROWS = 65_536

export interface BlockRange {
  trialStart: number
  trialCount: number
}

/** Trials per block: ~1M draws, at most MAX_BLOCK_ROWS rows, and at least 4 blocks per slot when trials allow. */
export function chooseBlockTrials(plan: Plan, trials: number, slots: number): number {
  const bySize = Math.ceil(TARGET_DRAWS_PER_BLOCK / Math.max(1, plan.expectedDrawsPerTrial))
  const byRows = Math.floor(MAX_BLOCK_ROWS / Math.max(1, plan.rowsPerTrial))
  const byBalance = Math.ceil(trials / (Math.max(1, slots) * 4))
  return Math.max(1, Math.min(bySize, byRows, byBalance, 100_000))
}

/** The blocks of a run of `trials` trials. */
export function planBlocks(plan: Plan, trials: number, slots: number, blockTrials?: number): BlockRange[] {
  const size = Math.max(1, Math.floor(blockTrials ?? chooseBlockTrials(plan, trials, slots)))
  const out: BlockRange[] = []
  for (let start = 0; start < trials; start += size) out.push({ trialStart: start, trialCount: Math.min(size, trials - start) })
  return out
}
