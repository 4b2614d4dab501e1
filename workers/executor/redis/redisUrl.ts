// Why: a Redis URL is checked where it is configured (the server's REDIS_URL at start, --redis)
// and shown without its password in logs and /health; this needs no Redis client, so the server's
// configuration can check it without loading one.
import { BudgetSimError } from '../../../engine/errors.js'

/** Check a Redis URL's form: redis://[user:password@]host[:port][/db] or rediss://. */
export function checkRedisUrl(url: string, origin: string): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new BudgetSimError('INVALID_ARGUMENT', `${origin}: not a URL: "${url}" (expected redis://HOST:PORT)`)
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new BudgetSimError('INVALID_ARGUMENT', `${origin}: must start with redis:// or rediss://, got "${url}"`)
  if (!parsed.hostname) throw new BudgetSimError('INVALID_ARGUMENT', `${origin}: no host in "${url}" (expected redis://HOST:PORT)`)
  return parsed
}

/** The URL without its password, for logs and /health. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString().replace(/\/$/, '')
  } catch {
    return '(invalid URL)'
  }
}
