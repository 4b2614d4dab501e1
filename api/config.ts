// Why: the server runs on embedded defaults, and every limit can be changed from the environment.
// A bad value stops the server at start with a message naming the variable, never later.
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { limitsFromEnv, type RunLimits } from '../engine/limits.js'
import { checkAccessConfig } from './security/checkAccessConfig.js'
import type { RedisExecutorOptions } from '../workers/executor/redis/RedisExecutor.js'
import { redisSettingsFromEnv } from '../workers/executor/redis/redisSettings.js'

export interface Config {
  port: number
  host: string
  /** where the SQLite run store and result files live */
  dataDir: string
  /** simulation worker threads shared by all runs */
  poolThreads: number
  /** runs simulated at the same time (their blocks share the pool fairly) */
  maxConcurrentRuns: number
  /** runs waiting to start; beyond it POST /runs answers 503 with Retry-After */
  maxQueuedRuns: number
  /** limits on one run (trials, random draws, rows): engine/limits.ts, overridable by MAX_TRIALS, MAX_DRAWS, MAX_ROWS */
  limits: RunLimits
  /** times a run may be started (re-queued after a restart, retried after a crashed worker) before it is given up */
  maxAttempts: number
  /** bytes the run store's result files may take, stored plus reserved for queued and running runs */
  maxDataBytes: number
  /** what to do when a new run would exceed maxDataBytes: refuse it (507) or evict the oldest finished runs */
  dataPolicy: 'refuse' | 'evict'
  /** seconds a shutdown may take before the process exits anyway */
  shutdownGraceSeconds: number
  /** request body limit in bytes */
  bodyLimit: number
  /** longest `Prefer: wait=N` honoured, in seconds */
  maxWaitSeconds: number
  /** log level (fatal, error, warn, info, debug, trace, silent) */
  logLevel: string
  /** a bearer token allowed everything (an admin token); empty for none */
  apiToken: string
  /** a file of bearer tokens, one a line: `admin:<token>`, `user:<token>` or `<token>` (see api/security/tokens.ts) */
  apiTokensFile: string
  /** with tokens: false makes reads need a token too, and a non-admin token see only its own runs */
  publicReads: boolean
  /** listen on a non-loopback HOST without any token (insecure: anyone who reaches it may do anything) */
  allowInsecurePublic: boolean
  /** Host header values accepted (comma-separated host or host:port, or *); empty for the defaults */
  allowedHosts: string
  /** requests a minute per client address (0 turns the limit off) */
  rateLimitPerMinute: number
  /** largest YAML body in bytes; a larger body must be JSON text */
  yamlBodyLimit: number
  /** Redis executor (REDIS_URL and its knobs, see workers/executor/redis/redisSettings.ts); null: local threads */
  redis: RedisExecutorOptions | null
  /** the Chromium that prints reports to PDF (GET /runs/:id/report.pdf) */
  chromiumPath: string
  /** PDF reports printed at once; beyond it GET /runs/:id/report.pdf answers 503 with Retry-After */
  reportConcurrency: number
  /** seconds Chromium may take to print one report before it is stopped (504) */
  reportTimeoutSeconds: number
}

const variables: Record<Exclude<keyof Config, 'limits' | 'redis'>, { env: string; kind: 'int' | 'string' | 'bool'; min?: number; max?: number; fallback: () => number | string | boolean }> = {
  port: { env: 'PORT', kind: 'int', min: 0, max: 65535, fallback: () => 3000 },
  host: { env: 'HOST', kind: 'string', fallback: () => '127.0.0.1' },
  dataDir: { env: 'DATA_DIR', kind: 'string', fallback: () => './data' },
  poolThreads: { env: 'POOL_THREADS', kind: 'int', min: 1, max: 256, fallback: () => Math.max(1, availableParallelism()) },
  maxConcurrentRuns: { env: 'MAX_CONCURRENT_RUNS', kind: 'int', min: 1, max: 64, fallback: () => 4 },
  maxQueuedRuns: { env: 'MAX_QUEUED_RUNS', kind: 'int', min: 0, max: 100_000, fallback: () => 20 },
  maxAttempts: { env: 'RUN_MAX_ATTEMPTS', kind: 'int', min: 1, max: 100, fallback: () => 3 },
  maxDataBytes: { env: 'MAX_DATA_BYTES', kind: 'int', min: 1_000_000, max: Number.MAX_SAFE_INTEGER, fallback: () => 20 * 1024 ** 3 },
  dataPolicy: { env: 'DATA_POLICY', kind: 'string', fallback: () => 'refuse' },
  shutdownGraceSeconds: { env: 'SHUTDOWN_GRACE_SECONDS', kind: 'int', min: 1, max: 3600, fallback: () => 10 },
  bodyLimit: { env: 'BODY_LIMIT', kind: 'int', min: 1024, max: 100 * 1024 * 1024, fallback: () => 1024 * 1024 },
  maxWaitSeconds: { env: 'MAX_WAIT_SECONDS', kind: 'int', min: 0, max: 3600, fallback: () => 60 },
  logLevel: { env: 'LOG_LEVEL', kind: 'string', fallback: () => 'info' },
  apiToken: { env: 'API_TOKEN', kind: 'string', fallback: () => '' },
  apiTokensFile: { env: 'API_TOKENS_FILE', kind: 'string', fallback: () => '' },
  publicReads: { env: 'PUBLIC_READS', kind: 'bool', fallback: () => true },
  allowInsecurePublic: { env: 'ALLOW_INSECURE_PUBLIC', kind: 'bool', fallback: () => false },
  allowedHosts: { env: 'ALLOWED_HOSTS', kind: 'string', fallback: () => '' },
  rateLimitPerMinute: { env: 'RATE_LIMIT_PER_MINUTE', kind: 'int', min: 0, max: 10_000_000, fallback: () => 1200 },
  yamlBodyLimit: { env: 'YAML_BODY_LIMIT', kind: 'int', min: 1024, max: 100 * 1024 * 1024, fallback: () => 64 * 1024 },
  chromiumPath: { env: 'CHROMIUM_PATH', kind: 'string', fallback: () => '/usr/bin/chromium' },
  reportConcurrency: { env: 'REPORT_CONCURRENCY', kind: 'int', min: 1, max: 8, fallback: () => 2 },
  reportTimeoutSeconds: { env: 'REPORT_TIMEOUT_SECONDS', kind: 'int', min: 1, max: 600, fallback: () => 60 },
}

const booleans: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false }

/**
 * Read the configuration from environment variables, with defaults. Throws an Error naming the
 * variable and the problem for a bad value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const out: Record<string, number | string | boolean> = {}
  for (const [key, v] of Object.entries(variables)) {
    const raw = env[v.env]
    if (raw === undefined || raw === '') {
      out[key] = v.fallback()
      continue
    }
    if (v.kind === 'string') {
      out[key] = raw
      continue
    }
    if (v.kind === 'bool') {
      const b = booleans[raw.trim().toLowerCase()]
      if (b === undefined) throw new Error(`${v.env}: must be true or false, got "${raw}"`)
      out[key] = b
      continue
    }
    const n = Number(raw)
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < (v.min ?? 0) || n > (v.max ?? Infinity))
      throw new Error(`${v.env}: must be a whole number between ${v.min} and ${v.max}, got "${raw}"`)
    out[key] = n
  }
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
  if (!levels.includes(String(out.logLevel))) throw new Error(`LOG_LEVEL: must be one of ${levels.join(', ')}, got "${out.logLevel}"`)
  if (!['refuse', 'evict'].includes(String(out.dataPolicy))) throw new Error(`DATA_POLICY: must be refuse or evict, got "${out.dataPolicy}"`)
  const limits = { ...limitsFromEnv(env), ...overrides.limits }
  const config = { ...(out as unknown as Config), redis: redisSettingsFromEnv(env), ...overrides, limits }
  config.dataDir = resolve(config.dataDir)
  // tokens, allowed hosts and their combination are checked now, so a bad value stops the start
  checkAccessConfig(config)
  return config
}
