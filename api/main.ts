#!/usr/bin/env node
// Why: `npm start` runs this: build the API on embedded defaults, listen on PORT/HOST, and shut
// down gracefully on SIGTERM/SIGINT (stop accepting, end event streams, checkpoint runs).
import { loadConfig } from './config.js'
import { describeListenError, listenProblem } from './listenProblem.js'
import { checkExposure } from './security/checkExposure.js'
import { readTokens } from './security/tokens.js'
import { buildServer } from './server.js'

async function main(): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (e) {
    process.stderr.write(`budget-sim: invalid configuration: ${(e as Error).message}\n`)
    process.exit(2)
  }
  // an open server (no token) listens on loopback only, unless the operator accepts the risk
  const exposure = checkExposure(config, readTokens(config).length)
  if (exposure.verdict === 'refuse') {
    process.stderr.write(`budget-sim: ${exposure.message}\n`)
    process.exit(2)
  }
  if (exposure.verdict === 'warn') process.stderr.write(`budget-sim: WARNING: ${exposure.message}\n`)
  const problem = await listenProblem(config.host, config.port)
  if (problem) {
    process.stderr.write(`budget-sim: ${problem}\n`)
    process.exit(1)
  }
  const app = await buildServer()
  if (exposure.verdict === 'warn') app.log.warn(exposure.message)
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down: no new requests; running runs are checkpointed for the next start')
    // runs stop within a trial; if anything still holds on past the grace period, exit anyway
    const timer = setTimeout(() => {
      process.stderr.write(`budget-sim: shutdown took longer than ${config.shutdownGraceSeconds} s (SHUTDOWN_GRACE_SECONDS); exiting\n`)
      process.exit(1)
    }, config.shutdownGraceSeconds * 1000).unref()
    try {
      await app.close()
    } catch (e) {
      process.stderr.write(`budget-sim: shutdown: ${(e as Error).message}\n`)
      process.exitCode = 1
    } finally {
      clearTimeout(timer)
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
  let address: string
  try {
    address = await app.listen({ port: config.port, host: config.host })
  } catch (e) {
    // taken between the check above and now
    const message = describeListenError(e, config.host, config.port)
    if (!message) throw e
    process.stderr.write(`budget-sim: ${message}\n`)
    await app.close().catch(() => undefined)
    process.exit(1)
  }
  app.log.info(`budget-sim API at ${address} (docs: ${address}/docs); data in ${config.dataDir}; ${app.pool.threads} worker threads, executor ${app.executor.kind}`)
}

main().catch((e) => {
  // a coded error (REDIS_UNAVAILABLE naming REDIS_URL, ...) is a message, not a stack trace
  const coded = (e as { code?: string })?.code === 'REDIS_UNAVAILABLE'
  process.stderr.write(`budget-sim: cannot start: ${coded ? (e as Error).message : ((e as Error)?.stack ?? e)}\n`)
  process.exit(coded ? 3 : 1)
})
