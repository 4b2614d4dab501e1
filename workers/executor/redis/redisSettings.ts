// Why: the API server runs on the cluster when REDIS_URL is set; the few knobs of the Redis
// executor come from the environment too, checked at start with the variable named, like the
// rest of the server's configuration (api/config.ts).
import { checkRedisUrl } from './redisUrl.js'
import type { RedisExecutorOptions } from './RedisExecutor.js'

export const RedisVariables = {
  REDIS_URL: 'Redis of the cluster (redis://HOST:PORT); unset: simulate on this process\'s threads',
  REDIS_PREFIX: 'key prefix shared with the workers (default bsim)',
  REDIS_SLOTS: 'blocks simulated at once, fixing the block plan (default: the live workers\' threads when a run starts)',
  REDIS_RESULT_TTL_SECONDS: 'longest a block result and a run specification stay in Redis (default 86400)',
  REDIS_OUTAGE_SECONDS: 'seconds without Redis before running runs fail with REDIS_UNAVAILABLE (default 120)',
  REDIS_KEEP_RESULTS: 'run (default): block results stay until the run ends, so a restarted server resumes from them; consumed: until read, so Redis holds only the blocks in flight',
} as const

function whole(env: NodeJS.ProcessEnv, name: keyof typeof RedisVariables, min: number, max: number): number | undefined {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return undefined
  const n = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${name}: must be a whole number between ${min} and ${max}, got "${raw}"`)
  return n
}

/** The Redis executor's options from the environment, or null when REDIS_URL is unset. Throws naming the variable. */
export function redisSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RedisExecutorOptions | null {
  const url = env.REDIS_URL?.trim()
  if (!url) return null
  try {
    checkRedisUrl(url, 'REDIS_URL')
  } catch (e) {
    throw new Error((e as Error).message)
  }
  const prefix = env.REDIS_PREFIX?.trim() || undefined
  if (prefix !== undefined && !/^[A-Za-z0-9_.-]+$/.test(prefix)) throw new Error(`REDIS_PREFIX: letters, digits, '_', '.', '-' only, got "${prefix}"`)
  const slots = whole(env, 'REDIS_SLOTS', 0, 100_000)
  const keep = env.REDIS_KEEP_RESULTS?.trim() || 'run'
  if (keep !== 'run' && keep !== 'consumed') throw new Error(`REDIS_KEEP_RESULTS: must be run or consumed, got "${keep}"`)
  return {
    url,
    origin: 'REDIS_URL',
    prefix,
    slots: slots === 0 ? undefined : slots,
    resultTtlSeconds: whole(env, 'REDIS_RESULT_TTL_SECONDS', 60, 30 * 86_400),
    outageSeconds: whole(env, 'REDIS_OUTAGE_SECONDS', 1, 86_400),
    keepResults: keep,
  }
}
