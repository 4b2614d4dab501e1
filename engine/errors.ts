// Why: every failure a user can cause or meet has a stable code, an HTTP status and a title, kept
// here as data. The CLI maps codes to exit codes, the API maps them to RFC 9457 problem+json.

/** One offending field: a dotted path (`programmes.x.approval_rate`) and what is wrong with it. */
export interface Issue {
  path: string
  message: string
}

export const ErrorCodes = {
  SCENARIO_PARSE_ERROR: { status: 400, exit: 2, title: 'The scenario could not be parsed' },
  SCENARIO_INVALID: { status: 422, exit: 2, title: 'The scenario is invalid' },
  PRESET_NOT_FOUND: { status: 404, exit: 2, title: 'No such preset scenario' },
  SCENARIO_FILE_NOT_FOUND: { status: 404, exit: 2, title: 'The scenario file does not exist' },
  INVALID_ARGUMENT: { status: 400, exit: 2, title: 'Invalid argument' },
  LIMIT_EXCEEDED: { status: 413, exit: 2, title: 'The run exceeds a configured limit' },
  SEED_INVALID: { status: 500, exit: 1, title: 'A policy seed file is invalid' },
  RUN_CANCELLED: { status: 409, exit: 1, title: 'The run was cancelled' },
  WORKER_CRASHED: { status: 500, exit: 1, title: 'A simulation worker failed' },
  SIMULATION_FAILED: { status: 500, exit: 1, title: 'The simulation failed' },
  OUTPUT_FAILED: { status: 500, exit: 1, title: 'Results could not be written' },
  SPEC_INVALID: { status: 500, exit: 1, title: 'A stored run specification is invalid' },
  ANALYSIS_INVALID: { status: 422, exit: 2, title: 'The analysis does not fit the scenario' },
  NO_APPROPRIATION: { status: 422, exit: 2, title: 'The figure has no appropriation to exceed' },
  GOAL_NOT_MET: { status: 422, exit: 1, title: 'The target cannot be met in the interval' },
  GOAL_NOT_BRACKETED: { status: 422, exit: 1, title: 'The target is met over the whole interval' },
  GOAL_NOT_MONOTONE: { status: 422, exit: 1, title: 'The statistic is not monotone in the parameter over the interval' },
  ENGINE_MISMATCH: { status: 409, exit: 1, title: 'The run was specified for another engine version' },
  RUN_GIVEN_UP: { status: 500, exit: 1, title: 'The run was given up after repeated interruptions or failures' },
  STATISTIC_UNDEFINED: { status: 422, exit: 2, title: 'A statistic cannot be computed from the simulated values' },
  REDIS_UNAVAILABLE: { status: 503, exit: 3, title: 'Redis cannot be reached' },
  CHROMIUM_MISSING: { status: 503, exit: 1, title: 'Chromium, which prints reports to PDF, is not installed' },
  REPORT_TIMEOUT: { status: 504, exit: 1, title: 'Printing the report took too long' },
  REPORT_FAILED: { status: 500, exit: 1, title: 'The report could not be printed' },
} as const

export type ErrorCode = keyof typeof ErrorCodes

/** A typed, coded error. `issues` lists offending fields for validation errors. */
export class BudgetSimError extends Error {
  readonly code: ErrorCode
  readonly issues: Issue[]
  readonly detail?: Record<string, unknown>

  constructor(code: ErrorCode, message: string, options: { issues?: Issue[]; detail?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'BudgetSimError'
    this.code = code
    this.issues = options.issues ?? []
    this.detail = options.detail
  }

  get status(): number {
    return ErrorCodes[this.code].status
  }

  get title(): string {
    return ErrorCodes[this.code].title
  }

  /** The message followed by one `path: problem` line per issue. */
  describe(): string {
    if (this.issues.length === 0) return this.message
    return [this.message, ...this.issues.map((i) => `  ${i.path}: ${i.message}`)].join('\n')
  }
}

/** A scenario validation failure with the offending fields. */
export function invalidScenario(issues: Issue[], message = 'The scenario is invalid'): BudgetSimError {
  const n = issues.length
  return new BudgetSimError('SCENARIO_INVALID', `${message} (${n} problem${n === 1 ? '' : 's'})`, { issues })
}
