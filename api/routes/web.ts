// Why: the planner's web page is served from the same server at /. Until the page is built
// (npm run build:web), / answers a short page pointing at the API documentation.
import { existsSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import fastifyStatic from '@fastify/static'

export async function webRoutes(app: FastifyInstance, options: { root: string }): Promise<void> {
  if (existsSync(options.root)) {
    await app.register(fastifyStatic, { root: options.root, prefix: '/', index: ['index.html'], wildcard: false })
    return
  }
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send('<!doctype html><title>budget-sim</title><h1>budget-sim</h1><p>The API is running. See <a href="/docs">/docs</a> and <a href="/openapi.json">/openapi.json</a>.</p>'),
  )
}
