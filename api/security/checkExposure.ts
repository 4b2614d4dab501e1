// Why: without a token the API lets anyone who reaches it run, list and delete everything, which
// is acceptable only when nobody else can reach it. So an open server listens on loopback only;
// on any other address it needs a token, or an explicit, loudly logged ALLOW_INSECURE_PUBLIC=true.

/** Whether a HOST value is a loopback address or name (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '')
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

export type Exposure = { verdict: 'ok' } | { verdict: 'refuse'; message: string } | { verdict: 'warn'; message: string }

/** Whether the server may listen where it is configured to, given the tokens it has. */
export function checkExposure(config: { host: string; allowInsecurePublic: boolean }, tokenCount: number): Exposure {
  if (tokenCount > 0 || isLoopback(config.host)) return { verdict: 'ok' }
  const where = `HOST=${config.host} is not a loopback address`
  if (!config.allowInsecurePublic)
    return {
      verdict: 'refuse',
      message: `refusing to start: ${where} and no API_TOKEN or API_TOKENS_FILE is set, so anyone who can reach the server could submit, list and delete runs. Set API_TOKEN (e.g. API_TOKEN=$(openssl rand -hex 32)), or listen on HOST=127.0.0.1, or set ALLOW_INSECURE_PUBLIC=true to accept the risk.`,
    }
  return {
    verdict: 'warn',
    message: `INSECURE: ${where} and no token is set (ALLOW_INSECURE_PUBLIC=true): anyone who can reach this server can submit, list, cancel and delete every run.`,
  }
}
