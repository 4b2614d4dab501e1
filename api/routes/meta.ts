// Why: operators and clients need to know the server is alive and busy or not (GET /health), what
// each error code means (GET /problems), and the machine-readable contract (GET /openapi.json).
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { engineVersion } from '../../engine/version.js'
import { problemCatalogue } from '../errors.js'

export async function metaRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/health',
    {
      schema: {
        tags: ['meta'],
        summary: 'Liveness and load',
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            engine_version: Type.String(),
            node_version: Type.String(),
            pool: Type.Object({ threads: Type.Integer(), running: Type.Integer(), waiting: Type.Integer(), utilization: Type.Number() }),
            executor: Type.Object({ kind: Type.String(), slots: Type.Integer(), running: Type.Integer(), waiting: Type.Integer() }, { additionalProperties: true }),
            runs: Type.Object({ queued: Type.Integer(), running: Type.Integer() }),
          }),
        },
      },
    },
    async () => ({
      status: 'ok' as const,
      engine_version: engineVersion,
      node_version: process.versions.node,
      pool: { threads: app.pool.threads, running: app.pool.scheduler.active, waiting: app.pool.scheduler.waiting(), utilization: app.pool.utilization },
      executor: await app.executor.health(),
      runs: app.manager.counts(),
    }),
  )

  app.get(
    '/problems',
    {
      schema: {
        tags: ['meta'],
        summary: 'Every error code the API answers with',
        response: { 200: Type.Array(Type.Object({ code: Type.String(), status: Type.Integer(), title: Type.String() })) },
      },
    },
    async () => problemCatalogue(),
  )

  app.get('/openapi.json', { schema: { tags: ['meta'], summary: 'The OpenAPI 3.1 document of this API' } }, async () => app.swagger())
}
