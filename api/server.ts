// Why: one function builds the whole HTTP API on embedded defaults: the run store, the shared
// worker pool, the run manager, and the routes as encapsulated plugins. Tests build it and use
// inject(); main.ts builds it and listens.
import { join } from 'node:path'
import Fastify, { type FastifyInstance, type FastifyError } from 'fastify'
import compress from '@fastify/compress'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { Piscina } from 'piscina'
import { BudgetSimError } from '../engine/errors.js'
import { packageRoot } from '../engine/paths.js'
import { engineVersion } from '../engine/version.js'
import { createValidator } from '../engine/validation/createValidator.js'
import type { Executor } from '../workers/executor/Executor.js'
import { LocalExecutor } from '../workers/executor/LocalExecutor.js'
import { TaskPool } from '../workers/pipeline/TaskPool.js'
import { loadConfig, type Config } from './config.js'
import { ApiError, problemOf } from './errors.js'
import { YAML_MEDIA_TYPES } from './plugins/bodyParsers.js'
import { installSecurity } from './plugins/installSecurity.js'
import { redactedRequest, redactUrl } from './security/redactUrl.js'
import { analysesRoutes } from './routes/analyses.js'
import { analysisRoutes } from './routes/analysis.js'
import { metaRoutes } from './routes/meta.js'
import { programmeRoutes } from './routes/programmes.js'
import { reportRoutes } from './routes/report.js'
import { resultRoutes } from './routes/results.js'
import { runRoutes } from './routes/runs.js'
import { scenarioRoutes } from './routes/scenarios.js'
import { webRoutes } from './routes/web.js'
import { ReportPrinter } from './reports/ReportPrinter.js'
import { RunComparisons } from './analyses/RunComparisons.js'
import { RunManager } from './runs/RunManager.js'
import { RunStore } from './store/RunStore.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    manager: RunManager
    /** this process's worker threads: simulation (local executor), summaries, reads */
    pool: TaskPool
    executor: Executor
    /** open server-sent event responses, ended on shutdown */
    eventStreams: Set<import('node:http').ServerResponse>
  }
}

export const YAML_TYPES = YAML_MEDIA_TYPES

export interface ServerOptions {
  config?: Partial<Config>
  /** pass a pool to share (tests); otherwise one is created and destroyed with the server */
  pool?: Piscina | TaskPool
  /** simulate on another executor (default: this process's threads) */
  executor?: Executor
  logger?: boolean
}

/** Build the API server (not yet listening). Recovers interrupted runs before it returns. */
export async function buildServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  const config = loadConfig(process.env, options.config)
  const app = Fastify({
    logger: options.logger === false || config.logLevel === 'silent' ? false : { level: config.logLevel, serializers: { req: redactedRequest } },
    bodyLimit: config.bodyLimit,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  })

  // request validation: bodies strictly (no coercion, unknown keys are errors), query strings and
  // params with coercion; messages in the engine's `path: problem, got value` form
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const part = httpPart === 'body' ? '' : httpPart === 'querystring' ? 'query' : (httpPart ?? '')
    const validate = createValidator(schema as object, { coerce: httpPart !== 'body' })
    return (data: unknown) => {
      const issues = validate(data, part)
      if (issues.length === 0) return true
      return { error: new ApiError('VALIDATION_ERROR', `the request ${part || 'body'} is invalid`, issues) } as any
    }
  })

  // body parsers, security headers, Host check, query limits, rate limit, tokens (before the routes)
  const store = new RunStore(config.dataDir)
  await installSecurity(app, config, store)

  app.setErrorHandler((error: FastifyError | ApiError | BudgetSimError, request, reply) => {
    const problem = toProblem(error, redactUrl(request.url))
    if (problem.status >= 500 && !['QUEUE_FULL', 'SHUTTING_DOWN', 'STORAGE_FULL', 'REPORT_BUSY', 'CHROMIUM_MISSING'].includes(problem.code)) request.log.error({ err: error }, 'request failed')
    if (error instanceof ApiError) for (const [k, v] of Object.entries(error.headers)) reply.header(k, v)
    reply.code(problem.status).type('application/problem+json').send(problem)
  })
  app.setNotFoundHandler(config.rateLimitPerMinute > 0 ? { preHandler: app.rateLimit() } : {}, (request, reply) => {
    const problem = problemOf(new ApiError('ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`), redactUrl(request.url))
    reply.code(404).type('application/problem+json').send(problem)
  })

  // REDIS_URL: blocks go to the cluster's workers (refusing to start when Redis cannot be reached); this process's threads summarise and read
  const remote = options.executor ? null : config.redis ? await (await import('../workers/executor/redis/RedisExecutor.js')).RedisExecutor.connect({ ...config.redis, log: app.log }) : null
  const pool = options.pool instanceof TaskPool ? options.pool : new TaskPool(options.pool instanceof Piscina ? { pool: options.pool } : { threads: config.poolThreads })
  const executor: Executor = options.executor ?? remote ?? new LocalExecutor(pool)
  const manager = new RunManager(store, pool, executor, config, app.log)
  app.decorate('config', config)
  app.decorate('pool', pool)
  app.decorate('executor', executor)
  app.decorate('manager', manager)
  app.decorate('eventStreams', new Set<import('node:http').ServerResponse>())
  app.decorate('reports', new ReportPrinter(config))
  app.decorate('comparisons', new RunComparisons(pool, manager))

  app.addHook('preClose', async () => {
    // runs stopped by shutdown are resumed by the next start: a remote executor keeps their blocks
    executor.suspend?.()
    for (const res of app.eventStreams) {
      res.write('event: shutdown\ndata: {"reason":"the server is shutting down"}\n\n')
      res.end()
    }
    app.eventStreams.clear()
    await manager.shutdown()
  })
  app.addHook('onClose', async () => {
    if (!options.executor) await executor.shutdown()
    if (!(options.pool instanceof TaskPool)) await pool.destroy()
    store.close()
  })

  await app.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ['gzip', 'deflate'],
    customTypes: /^(text\/(csv|plain|html|css|javascript)|application\/(json|problem\+json|javascript|vnd\.apache\.arrow\.(file|stream)))/,
  })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'budget-sim API',
        version: engineVersion,
        description:
          'Monte Carlo fiscal exposure of S&T subsidy programmes. Runs are resources: POST a scenario, follow its progress, read its results as JSON, Arrow or CSV. Errors are RFC 9457 problem details with a stable `code` (see GET /problems).',
      },
      tags: [
        { name: 'runs', description: 'submit, follow, cancel and read runs' },
        { name: 'analyses', description: 'decision analysis: tornado and contribution to variance, goal seek (batches of runs on the same draws)' },
        { name: 'scenarios', description: 'preset scenarios and validation' },
        { name: 'policy', description: 'the seeded programmes and their citations' },
        { name: 'meta', description: 'health, errors, documentation' },
      ],
      // optional: required for POST and DELETE (and reads when PUBLIC_READS=false) when the server has tokens
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'an API token (API_TOKEN or API_TOKENS_FILE)' } } },
      security: [{ bearerAuth: [] }, {}],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  await app.register(metaRoutes)
  await app.register(programmeRoutes)
  await app.register(scenarioRoutes)
  await app.register(runRoutes)
  await app.register(resultRoutes)
  await app.register(analysesRoutes)
  await app.register(analysisRoutes)
  await app.register(reportRoutes)
  await app.register(webRoutes, { root: join(packageRoot, 'web', 'dist') })

  await manager.recover()
  return app
}

/** Map any error to problem details: coded errors by their table, Fastify's by their code. */
function toProblem(error: FastifyError | ApiError | BudgetSimError, instance: string) {
  if (error instanceof ApiError || error instanceof BudgetSimError) return problemOf(error, instance)
  const e = error as FastifyError
  const map: Record<string, ApiError> = {
    FST_ERR_CTP_INVALID_JSON_BODY: new ApiError('MALFORMED_BODY', `the body is not valid JSON: ${e.message}`),
    FST_ERR_CTP_EMPTY_JSON_BODY: new ApiError('MALFORMED_BODY', 'the body is empty; send a JSON object'),
    FST_ERR_CTP_BODY_TOO_LARGE: new ApiError('BODY_TOO_LARGE', `the body exceeds the limit of ${e.message.match(/\d+/)?.[0] ?? 'the configured'} bytes (BODY_LIMIT)`),
    FST_ERR_CTP_INVALID_MEDIA_TYPE: new ApiError('UNSUPPORTED_MEDIA_TYPE', `${e.message}; send application/json or application/yaml`),
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: new ApiError('MALFORMED_BODY', e.message),
  }
  if (e.code && map[e.code]) return problemOf(map[e.code], instance)
  if (e instanceof SyntaxError || (e.statusCode === 400 && !e.code)) return problemOf(new ApiError('MALFORMED_BODY', e.message), instance)
  if (e.validation) return problemOf(new ApiError('VALIDATION_ERROR', e.message), instance)
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    const code = e.statusCode === 404 ? 'ROUTE_NOT_FOUND' : e.statusCode === 405 ? 'METHOD_NOT_ALLOWED' : e.statusCode === 413 ? 'BODY_TOO_LARGE' : e.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION_ERROR'
    const p = problemOf(new ApiError(code, e.message), instance)
    p.status = e.statusCode
    return p
  }
  return problemOf(new ApiError('INTERNAL_ERROR', 'an internal error occurred; it has been logged'), instance)
}
