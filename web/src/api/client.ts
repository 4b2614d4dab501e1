// Why: every request the page makes goes through one function, so every failure (a problem+json
// answer, a network error, a non-JSON answer) becomes the same ApiProblem that the page shows to the
// planner with the server's own `detail` and `errors`, never a blank page.
import { askForToken, authorization } from './token'
import type { Issue, ProblemBody } from './types'

/** A failed request, carrying the server's problem details when it sent some. */
export class ApiProblem extends Error {
  readonly status: number
  readonly title: string
  readonly detail: string
  readonly code: string
  readonly errors: Issue[]

  constructor(status: number, body: ProblemBody, fallback: string) {
    super(body.detail ?? body.title ?? fallback)
    this.name = 'ApiProblem'
    this.status = status
    this.title = body.title ?? fallback
    this.detail = body.detail ?? fallback
    this.code = body.code ?? (status === 0 ? 'NETWORK_ERROR' : 'HTTP_ERROR')
    this.errors = Array.isArray(body.errors) ? body.errors : []
  }
}

/** The response of a request that answered: status, headers, parsed JSON (or null). */
export interface Answer<T> {
  status: number
  headers: Headers
  body: T
}

/** Send a request; resolve with the JSON answer for 2xx, reject with an ApiProblem otherwise. */
export async function request<T>(path: string, init: RequestInit = {}): Promise<Answer<T>> {
  let response: Response
  const auth = authorization()
  try {
    response = await fetch(path, { ...init, headers: { accept: 'application/json', ...auth, ...(init.headers ?? {}) } })
  } catch (e) {
    throw new ApiProblem(0, { title: 'The server cannot be reached', detail: `The server cannot be reached (${(e as Error).message}). Is it still running?` }, 'The server cannot be reached')
  }
  // a server with API tokens: ask the planner for one (see ./token) and send the request again, until
  // the server accepts the token or the planner cancels
  if (response.status === 401 && (await askForToken('authorization' in auth))) return request<T>(path, init)
  const text = await response.text()
  let body: unknown = null
  if (text.length > 0) {
    try {
      body = JSON.parse(text)
    } catch {
      if (response.ok) throw new ApiProblem(response.status, { detail: `The server answered ${path} with something that is not JSON.` }, 'Unexpected answer')
      body = { detail: text.slice(0, 300) }
    }
  }
  if (!response.ok) throw new ApiProblem(response.status, (body ?? {}) as ProblemBody, `${response.status} ${response.statusText}`.trim())
  return { status: response.status, headers: response.headers, body: body as T }
}

export async function getJson<T>(path: string): Promise<T> {
  return (await request<T>(path)).body
}

export async function postJson<T>(path: string, body: unknown): Promise<Answer<T>> {
  return request<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

export async function deleteResource<T>(path: string): Promise<Answer<T | null>> {
  return request<T | null>(path, { method: 'DELETE' })
}

/** Turn any thrown value into an ApiProblem (for display). */
export function asProblem(e: unknown): ApiProblem {
  if (e instanceof ApiProblem) return e
  const message = e instanceof Error ? e.message : String(e)
  return new ApiProblem(0, { title: 'Something went wrong', detail: message }, 'Something went wrong')
}
