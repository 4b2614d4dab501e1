// Why: every error the API can answer has a stable code, status and title, listed as data (and
// served at GET /problems). Engine errors keep their own codes; this adds the HTTP-only ones.
import { BudgetSimError, ErrorCodes, type Issue } from '../engine/errors.js'

export const ApiErrorCodes = {
  RUN_NOT_FOUND: { status: 404, title: 'No such run' },
  RUN_NOT_READY: { status: 409, title: 'The run has no results yet' },
  QUEUE_FULL: { status: 503, title: 'Too many runs are waiting' },
  STORAGE_FULL: { status: 507, title: 'The run store has no room for the run' },
  SHUTTING_DOWN: { status: 503, title: 'The server is shutting down' },
  REPORT_BUSY: { status: 503, title: 'Too many reports are being printed' },
  MALFORMED_BODY: { status: 400, title: 'The request body could not be parsed' },
  BODY_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported request media type' },
  NOT_ACCEPTABLE: { status: 406, title: 'No acceptable representation' },
  VALIDATION_ERROR: { status: 400, title: 'The request is invalid' },
  BODY_TOO_DEEP: { status: 400, title: 'The request body is nested too deeply' },
  UNAUTHORIZED: { status: 401, title: 'A valid bearer token is required' },
  RUN_FORBIDDEN: { status: 403, title: 'The run belongs to another token' },
  HOST_NOT_ALLOWED: { status: 421, title: 'This server does not answer for that Host' },
  RATE_LIMITED: { status: 429, title: 'Too many requests from this client' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  INTERNAL_ERROR: { status: 500, title: 'Internal error' },
} as const

export type ApiErrorCode = keyof typeof ApiErrorCodes

/** An error answered by the API, with its code and, for validation, the offending fields. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly issues: Issue[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: string
  instance?: string
  errors?: Issue[]
  [extra: string]: unknown
}

/** The table of every code the API may answer with (engine and HTTP), for GET /problems. */
export function problemCatalogue(): { code: string; status: number; title: string }[] {
  return [
    ...Object.entries(ErrorCodes).map(([code, v]) => ({ code, status: v.status, title: v.title })),
    ...Object.entries(ApiErrorCodes).map(([code, v]) => ({ code, status: v.status, title: v.title })),
  ]
}

/** RFC 9457 problem details for a coded error. */
export function problemOf(e: ApiError | BudgetSimError, instance?: string): Problem {
  const isApi = e instanceof ApiError
  const meta = isApi ? ApiErrorCodes[e.code] : ErrorCodes[e.code]
  const problem: Problem = {
    type: `/problems#${e.code}`,
    title: meta.title,
    status: meta.status,
    detail: e.message,
    code: e.code,
  }
  if (instance) problem.instance = instance
  if (e.issues.length > 0) problem.errors = e.issues
  return problem
}
