// Why: who may do what (see the README's "Security and limits"). With no token configured the
// server is open, as before (and main.ts keeps it on loopback). With tokens:
// - every POST and DELETE needs a valid bearer token (401 otherwise), and so do reads of runs,
//   scenarios and programmes when PUBLIC_READS=false; the page, /docs, /openapi.json, /problems and
//   /health stay public;
// - a presented token is always checked, so a wrong one is 401 even where none is needed;
// - a run records the fingerprint of the token that created it; only that token or an admin token
//   may cancel or delete it (403 RUN_FORBIDDEN), and when PUBLIC_READS=false only they may read it
//   (others get 404, as for a run that does not exist) or find it in GET /runs;
// - the event stream also takes the token as ?access_token=, because EventSource cannot send an
//   Authorization header (the value is redacted from the logs).
// Tokens are verified by @fastify/bearer-auth, with a lookup that compares digests in constant time.
import { statSync } from 'node:fs'
import bearerAuth from '@fastify/bearer-auth'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { ApiError } from '../errors.js'
import type { RunFilter, RunStore } from '../store/RunStore.js'
import { readTokens, TokenTable, type Principal } from '../security/tokens.js'
import { EVENTS_ROUTES } from './rateLimit.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** the token's principal when the request presented a valid one */
    principal: Principal | null
  }
  interface FastifyInstance {
    access: AccessControl
  }
}

/** What routes ask of access control. */
export interface AccessControl {
  /** true when tokens are configured */
  enabled: boolean
  /** Record the requesting token as the owner of a run it has just created. */
  claim(runId: string, request: FastifyRequest): void
  /** The filter GET /runs adds: a non-admin token sees only its own runs when reads are private. */
  listScope(request: FastifyRequest): Pick<RunFilter, 'owner'>
  /** The requesting token's fingerprint, recorded as the owner of what it creates (null without one). */
  fingerprint(request: FastifyRequest): string | null
  /**
   * Guard other resources as runs are guarded: routes under `route` (e.g. '/analyses/:id') may be
   * cancelled or deleted only by their owner or an admin, and read only by them when reads are private.
   */
  guard(route: string, owner: (id: string) => { owner: string | null } | undefined): void
}

/** Route prefixes whose reads need a token when PUBLIC_READS=false. */
const PRIVATE_READS = ['/runs', '/scenarios', '/programmes', '/analyses']

const REALM = 'Bearer realm="budget-sim"'

export async function registerAccessControl(app: FastifyInstance, config: Config, store: RunStore): Promise<void> {
  const table = new TokenTable(readTokens(config))
  app.decorateRequest('principal', null)
  const guarded = new Map<string, (id: string) => { owner: string | null } | undefined>()

  const access: AccessControl = {
    enabled: table.enabled,
    claim(runId, request) {
      if (request.principal) store.update(runId, { owner: request.principal.fingerprint })
    },
    listScope(request) {
      if (!table.enabled || config.publicReads || request.principal?.admin) return {}
      return { owner: request.principal?.fingerprint ?? '-' }
    },
    fingerprint(request) {
      return request.principal?.fingerprint ?? null
    },
    guard(route, owner) {
      guarded.set(route, owner)
    },
  }
  app.decorate('access', access)
  if (!table.enabled) return
  if (config.apiTokensFile && (statSync(config.apiTokensFile).mode & 0o077) !== 0)
    app.log.warn(`API_TOKENS_FILE ${config.apiTokensFile} can be read by other users of this machine; chmod 600 it`)

  await app.register(bearerAuth, {
    addHook: false,
    keys: [],
    specCompliance: 'rfc6749', // the scheme name is case-insensitive (RFC 7235)
    verifyErrorLogLevel: 'info',
    auth: (key: string, request: FastifyRequest) => {
      const principal = table.lookup(key)
      request.principal = principal
      return principal !== null
    },
  })
  const verify = (request: FastifyRequest, reply: FastifyReply) =>
    new Promise<void>((resolve, reject) =>
      app.verifyBearerAuth!(request, reply, (err?: Error) =>
        err
          ? reject(
              new ApiError('UNAUTHORIZED', 'the bearer token is not valid (send Authorization: Bearer <token> with a token this server knows)', [], {
                'WWW-Authenticate': `${REALM}, error="invalid_token"`,
              }),
            )
          : resolve(),
      ),
    )

  // after rate limiting (onRequest), before any body is read
  app.addHook('preParsing', async (request, reply, payload) => {
    const route = request.routeOptions.url
    if (!route) return payload // unknown routes answer 404 whoever asks
    const token = (request.query as { access_token?: unknown } | undefined)?.access_token
    if (EVENTS_ROUTES.includes(route) && typeof token === 'string' && request.headers.authorization === undefined) request.raw.headers.authorization = `Bearer ${token}`
    const reads = request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS'
    const needed = !reads || (!config.publicReads && PRIVATE_READS.some((p) => route === p || route.startsWith(`${p}/`)))
    if (request.headers.authorization === undefined) {
      if (needed)
        throw new ApiError('UNAUTHORIZED', `${request.method} ${route} needs a bearer token: send Authorization: Bearer <token>`, [], { 'WWW-Authenticate': REALM })
      return payload
    }
    await verify(request, reply)
    return payload
  })

  // after the id is validated: runs of other tokens
  app.addHook('preHandler', async (request) => {
    const route = request.routeOptions.url
    for (const [prefix, owner] of guarded) {
      if (!route?.startsWith(prefix)) continue
      const id = (request.params as { id: string }).id
      const found = owner(id)
      const p = request.principal
      const own = !found || Boolean(p && (p.admin || found.owner === p.fingerprint))
      if (request.method === 'DELETE' && !own)
        throw new ApiError('RUN_FORBIDDEN', `${id} was created by another token; only that token or an admin token may cancel or delete it`)
      if (!config.publicReads && !own) throw new ApiError('RUN_NOT_FOUND', `no resource with id ${id}`)
      return
    }
    if (!route?.startsWith('/runs/:id')) return
    const mayTouch = (id: string) => {
      const record = store.get(id)
      if (!record) return { record, own: true } // the route answers 404
      const p = request.principal
      return { record, own: Boolean(p && (p.admin || record.owner === p.fingerprint)) }
    }
    const id = (request.params as { id: string }).id
    const { own } = mayTouch(id)
    if (request.method === 'DELETE' && !own)
      throw new ApiError('RUN_FORBIDDEN', `run ${id} was created by another token; only that token or an admin token may cancel or delete it`)
    if (!config.publicReads && !own) throw new ApiError('RUN_NOT_FOUND', `no run with id ${id}`)
    const against = (request.query as { against?: unknown } | undefined)?.against
    if (!config.publicReads && typeof against === 'string' && !mayTouch(against).own) throw new ApiError('RUN_NOT_FOUND', `no run with id ${against}`)
  })
}
