#!/usr/bin/env node
// Why: `npm start` runs this: build the API on embedded defaults, listen on PORT/HOST, and shut
// down gracefully on SIGTERM/SIGINT (stop accepting, end event streams, checkpoint runs).
import { loadConfig } from './config.js'
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
  const app = await buildServer()
  if (exposure.verdict === 'warn') app.log.warn(exposure.message)
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down: no new requests; running runs are checkpointed for the next start')
    const timer = setTimeout(() => process.exit(1), 30_000).unref()
    try {
      await app.close()
    } finally {
      clearTimeout(timer)
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
  const address = await app.listen({ port: config.port, host: config.host })
  app.log.info(`budget-sim API at ${address} (docs: ${address}/docs); data in ${config.dataDir}; ${app.pool.threads.length} worker threads`)
}

main().catch((e) => {
  process.stderr.write(`budget-sim: cannot start: ${(e as Error)?.stack ?? e}\n`)
  process.exit(1)
})
