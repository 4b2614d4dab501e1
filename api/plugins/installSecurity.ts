// Why: the API's defences, in the order a request meets them: body parsers that refuse hostile
// bodies, security headers on every answer, the Host check (DNS rebinding), closed and bounded
// query strings, the per-client rate limit, then bearer tokens and run ownership. One call from
// buildServer, before the routes are registered (the onRoute hooks must see them).
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import type { RunStore } from '../store/RunStore.js'
import { registerAccessControl } from './accessControl.js'
import { registerBodyParsers } from './bodyParsers.js'
import { registerHostGuard } from './hostGuard.js'
import { registerRateLimit } from './rateLimit.js'
import { registerSecurityHeaders } from './securityHeaders.js'
import { registerSecurityResponses } from './securityResponses.js'
import { registerStrictQuery } from './strictQuery.js'

export async function installSecurity(app: FastifyInstance, config: Config, store: RunStore): Promise<void> {
  registerBodyParsers(app, config)
  await registerSecurityHeaders(app)
  registerHostGuard(app, config)
  registerStrictQuery(app)
  registerSecurityResponses(app)
  await registerRateLimit(app, config)
  await registerAccessControl(app, config, store)
}
