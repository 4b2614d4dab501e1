// Why: every process of a cluster (coordinator, worker) starts by reaching Redis; a wrong or dead
// address must give one clear message naming where the address came from (REDIS_URL, --redis),
// not a stream of reconnection errors. Once connected, connections retry forever (a worker
// outlives a Redis restart) and commands wait for the connection instead of failing
// (`maxRetriesPerRequest: null`, which BullMQ requires of workers' connections anyway).
import { Redis, type RedisOptions } from 'ioredis'
import { BudgetSimError } from '../../../engine/errors.js'
import { checkRedisUrl, redactRedisUrl } from './redisUrl.js'

export { checkRedisUrl, redactRedisUrl }

export interface ConnectOptions {
  /** where the URL came from, for messages: 'REDIS_URL', '--redis' */
  origin: string
  /** how long the first connection may take (default 5 s) */
  timeoutMs?: number
  /** CLIENT SETNAME (shown by CLIENT LIST) */
  connectionName?: string
}

/** ioredis options shared by every connection of the cluster. */
export function connectionOptions(extra: RedisOptions = {}): RedisOptions {
  return {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    // a socket that never opened emits no 'close' on end(): do not wait ioredis's default 2 s for it
    disconnectTimeout: 300,
    // reconnect forever, backing off to one attempt every 2 s
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
    ...extra,
  }
}

/**
 * Connect to Redis, or throw REDIS_UNAVAILABLE naming the address and its origin when it cannot
 * be reached within the timeout.
 */
export async function connectRedis(url: string, options: ConnectOptions): Promise<Redis> {
  checkRedisUrl(url, options.origin)
  const timeoutMs = options.timeoutMs ?? 5000
  const client = new Redis(url, connectionOptions({ lazyConnect: true, connectionName: options.connectionName }))
  let lastError: Error | null = null
  const onError = (e: Error) => (lastError = e)
  client.on('error', onError)
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(lastError ?? new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
      client.once('ready', () => {
        clearTimeout(timer)
        resolve()
      })
      client.connect().catch(() => undefined) // failures are retried; the timer decides
    })
    await client.ping()
  } catch (e) {
    client.disconnect()
    const reason = (e as Error)?.message ?? String(e)
    throw new BudgetSimError(
      'REDIS_UNAVAILABLE',
      `cannot reach Redis at ${redactRedisUrl(url)} (${options.origin}) within ${(timeoutMs / 1000).toFixed(0)} s: ${reason}; start redis-server there or correct ${options.origin}`,
      { cause: e },
    )
  } finally {
    client.off('error', onError)
  }
  return client
}
