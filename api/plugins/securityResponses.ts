// Why: the OpenAPI document (and Swagger UI) should say which answers the defences may give, on every
// documented route: 421 for a foreign Host, 429 beyond the rate limit, 401 when the server has tokens
// and the route needs one (or a wrong one is sent), and 403 on DELETE /runs/:id (and /analyses/:id)
// for another token's run (or analysis). Added by an onRoute hook, so no route module has to repeat them.
import type { FastifyInstance } from 'fastify'
import { ProblemSchema } from '../schemas.js'

const DESCRIPTIONS: Record<number, string> = {
  401: 'A bearer token is required (POST and DELETE, and reads with PUBLIC_READS=false, when the server has tokens), or the one sent is not valid',
  403: 'The run (or analysis) belongs to another token (only it or an admin token may cancel or delete it)',
  421: 'The Host header names a host this server does not answer for (ALLOWED_HOSTS)',
  429: 'Too many requests from this client (RATE_LIMIT_PER_MINUTE); see Retry-After',
}

export function registerSecurityResponses(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as Record<string, any> | undefined
    if (!schema || schema.hide || !schema.tags) return
    const statuses = [401, 421, 429]
    if ((route.url === '/runs/:id' || route.url === '/analyses/:id') && [route.method].flat().includes('DELETE')) statuses.push(403)
    schema.response = { ...(schema.response ?? {}) }
    for (const status of statuses) schema.response[status] ??= { ...ProblemSchema, description: DESCRIPTIONS[status] }
  })
}
