// Why: every query parameter of every API route is validated. offset=1e20 used to pass as an
// "integer" and reach SQLite (datatype mismatch: a 500), and a route without a query schema took
// any parameter silently. Registered before the routes, this onRoute hook gives each documented
// route without a query schema an empty, closed one (the event stream's allows access_token), and
// bounds every numeric query parameter that has no maximum by the largest safe integer.
import type { FastifyInstance } from 'fastify'
import { EVENTS_ROUTES } from './rateLimit.js'

type Schema = Record<string, any>

const ACCESS_TOKEN = { type: 'string', minLength: 1, maxLength: 600, description: 'bearer token, for clients that cannot send an Authorization header (EventSource)' }

export function registerStrictQuery(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as Schema | undefined
    if (!schema || schema.hide || !schema.tags) return // static files and Swagger UI's own routes
    if (!schema.querystring && !schema.query) {
      schema.querystring = {
        type: 'object',
        additionalProperties: false,
        properties: EVENTS_ROUTES.includes(route.url) ? { access_token: ACCESS_TOKEN } : {},
      }
      return
    }
    boundNumbers(schema.querystring ?? schema.query)
  })
}

/** Give every number or integer property without a maximum the largest safe integer as one. */
function boundNumbers(schema: Schema): void {
  for (const property of Object.values((schema.properties ?? {}) as Record<string, Schema>)) {
    const types = [property.type].flat()
    if ((types.includes('integer') || types.includes('number')) && property.maximum === undefined && property.exclusiveMaximum === undefined)
      property.maximum = Number.MAX_SAFE_INTEGER
    for (const branch of [...(property.anyOf ?? []), ...(property.oneOf ?? [])]) boundNumbers({ properties: { branch } })
  }
}
