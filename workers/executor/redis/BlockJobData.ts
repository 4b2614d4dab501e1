// Why: BullMQ stores job data as JSON, so a block's job carries only what names the work: ids,
// the trial range, the keys of the run specification and of the result, and the identity of the
// coordinator that queued it. The specification itself is stored once per run, the result as
// bytes under its own key. Failures travel back as the job's failedReason: `CODE: message`, so
// the coordinator can raise the same coded error the worker met.
import { BudgetSimError, ErrorCodes, type ErrorCode } from '../../../engine/errors.js'
import type { FleetIdentity } from './fleetIdentity.js'

/** Version of this job data's shape. */
export const BLOCK_JOB_VERSION = 1

export interface BlockJobData {
  v: number
  runId: string
  index: number
  trialStart: number
  trialCount: number
  /** return the block's rows (false for summary-only runs: only the series travel) */
  rows: boolean
  drawBudget: number
  /** Redis key of the run specification (JSON) and its spec_hash */
  specKey: string
  specHash: string
  /** where the worker writes the result, and for how long it is kept (seconds) */
  resultKey: string
  resultTtl: number
  /** present while the run is cancelled */
  cancelKey: string
  /** the coordinator's identity: a worker of another refuses the block */
  identity: FleetIdentity
}

/** A block's failure as a job's failedReason. */
export function encodeFailure(code: ErrorCode, message: string): string {
  return `${code}: ${message}`
}

/** The coded error behind a failedReason (WORKER_CRASHED when it carries no known code). */
export function decodeFailure(reason: string | undefined, what: string): BudgetSimError {
  const m = /^([A-Z_]+): ([\s\S]*)$/.exec(reason ?? '')
  if (m && m[1] in ErrorCodes) return new BudgetSimError(m[1] as ErrorCode, m[2])
  return new BudgetSimError('WORKER_CRASHED', `a Redis worker failed on ${what}: ${reason || 'no reason given'}`)
}
