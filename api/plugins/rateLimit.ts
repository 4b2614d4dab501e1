// Why: one client must not be able to monopolise the server with requests. Each client address
// gets RATE_LIMIT_PER_MINUTE requests a minute (generous: the page sends a few a second at most);
// beyond it the answer is 429 with Retry-After. GET /health is exempt (probes), and the event
// streams have their own allowance of the same size, so following runs never eats into the rest.
import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import { ApiError } from '../errors.js'

export const EVENTS_ROUTE = '/runs/:id/events'
/** Every event-stream route (runs and analyses): their own allowance, and the token as ?access_token= */
export const EVENTS_ROUTES: readonly string[] = [EVENTS_ROUTE, '/analyses/:id/events']

export async function registerRateLimit(app: FastifyInstance, config: Config): Promise<void> {
  if (config.rateLimitPerMinute === 0) return
  const max = config.rateLimitPerMinute
  // before the plugin's own onRoute hook reads it: the event stream's separate allowance
  app.addHook('onRoute', (route) => {
    if (EVENTS_ROUTES.includes(route.url)) route.config = { ...(route.config ?? {}), rateLimit: { max, timeWindow: 60_000, groupId: 'events' } } as typeof route.config
  })
  await app.register(rateLimit, {
    global: true,
    max,
    timeWindow: 60_000,
    allowList: (request) => request.routeOptions.url === '/health',
    // the plugin's own key generator throws (a 500) when the client has already gone and the
    // socket no longer knows its address; such a request is answered to nobody, so any key will do
    keyGenerator: (request) => (request.ip ? normalizeIP(request.ip) : 'gone'),
    errorResponseBuilder: (_request, context) =>
      new ApiError('RATE_LIMITED', `more than ${context.max} requests a minute from this client (RATE_LIMIT_PER_MINUTE); retry in ${context.after}`, [], {
        'Retry-After': String(Math.max(1, Math.ceil(context.ttl / 1000))),
      }),
  })
}
