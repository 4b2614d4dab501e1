// Why: the planner's web page is served from the same server at /. Files are looked up on each
// request (a rebuilt page is served without a restart); hashed assets are cached for good, the
// page itself is revalidated. Until the page is built (npm run build:web), / answers a short page
// pointing at the API documentation.
import { existsSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import fastifyStatic from '@fastify/static'

export async function webRoutes(app: FastifyInstance, options: { root: string }): Promise<void> {
  if (existsSync(options.root)) {
    await app.register(fastifyStatic, {
      root: options.root,
      prefix: '/',
      index: ['index.html'],
      wildcard: true,
      // the file's own max-age handling is off, so these headers are the ones sent
      cacheControl: false,
      setHeaders: (reply, path) => {
        reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
      },
    })
    return
  }
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send('<!doctype html><title>budget-sim</title><h1>budget-sim</h1><p>The API is running. See <a href="/docs">/docs</a> and <a href="/openapi.json">/openapi.json</a>.</p>'),
  )
}
