// Why: the coordinator and every worker must agree on where things live in Redis and on the id
// of each block's job, or a resumed run cannot find the blocks it already has. One module names
// them all: the BullMQ queue, the run specification (once per spec_hash), each block's binary
// result (by run and trial range), each run's cancel flag and the fleet's counters.

/** Default key prefix (BullMQ's keys are `<prefix>:blocks:...`; ours `<prefix>:spec:...`, ...). */
export const DEFAULT_PREFIX = 'bsim'
/** The one BullMQ queue every coordinator adds blocks to and every worker takes them from. */
export const QUEUE_NAME = 'blocks'
/** BullMQ job name of a block. */
export const BLOCK_JOB_NAME = 'block'

/** The trial range of a block, as used in its job id and result key: `<first>-<last>` (inclusive). */
export function trialRange(trialStart: number, trialCount: number): string {
  return `${trialStart}-${trialStart + trialCount - 1}`
}

/**
 * A block's BullMQ job id: `<runId>.b<index>.t<first>-<last>`. BullMQ 5 rejects custom ids that
 * parse as integers or contain `:` (unless split in exactly three parts); this never does. The
 * same run, block and trial range always give the same id, so adding it twice is a no-op.
 */
export function blockJobId(runId: string, index: number, trialStart: number, trialCount: number): string {
  if (runId.includes(':') || /\s/.test(runId)) throw new Error(`a run id for Redis may not contain ':' or spaces, got "${runId}"`)
  return `${runId}.b${index}.t${trialRange(trialStart, trialCount)}`
}

export class RedisKeys {
  constructor(readonly prefix: string = DEFAULT_PREFIX) {
    if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) throw new Error(`a Redis key prefix is letters, digits, '_', '.', '-'; got "${prefix}"`)
  }

  /** A run specification (JSON), shared by every run with the same spec_hash. */
  spec(specHash: string): string {
    return `${this.prefix}:spec:${specHash}`
  }

  /** A block's result (binary, see blockResultCodec.ts): keyed by run and trial range, not by who computed it. */
  result(runId: string, trialStart: number, trialCount: number): string {
    return `${this.prefix}:result:${runId}:${trialRange(trialStart, trialCount)}`
  }

  /** Pattern of every result key of a run (for cleanup). */
  resultPattern(runId: string): string {
    return `${this.prefix}:result:${runId}:*`
  }

  /** Present while a run is cancelled: workers poll it while a block runs. */
  cancel(runId: string): string {
    return `${this.prefix}:cancel:${runId}`
  }

  /** Hash of fleet counters (blocks simulated, reused, refused, cancelled), by worker and in total. */
  stats(): string {
    return `${this.prefix}:stats`
  }
}
