// Why: the DNS-rebinding defence (see api/security/allowedHosts.ts): a request whose Host header
// names a host this server does not serve is answered 421 before anything else happens.
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import { ApiError } from '../errors.js'
import { allowedHostsOf, hostAllowed } from '../security/allowedHosts.js'

export function registerHostGuard(app: FastifyInstance, config: Config): void {
  const allowed = allowedHostsOf(config)
  if (allowed === 'any') return
  app.addHook('onRequest', async (request) => {
    const host = request.headers.host
    if (!hostAllowed(host, allowed))
      throw new ApiError(
        'HOST_NOT_ALLOWED',
        `this server does not answer for Host ${host === undefined ? '(none)' : JSON.stringify(host.slice(0, 100))}: it answers for localhost, its loopback and listening addresses, and the names in ALLOWED_HOSTS`,
      )
  })
}
