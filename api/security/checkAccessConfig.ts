// Why: a wrong token file, a malformed allowed host, or "private reads" with no token to read with
// must stop the server at start with a message naming the variable, never surface as a 500 or an
// open door later.
import { allowedHostsOf } from './allowedHosts.js'
import { readTokens } from './tokens.js'

/** Throws an Error naming the variable when the access settings are unusable. */
export function checkAccessConfig(config: { host: string; allowedHosts: string; apiToken: string; apiTokensFile: string; publicReads: boolean }): void {
  const tokens = readTokens(config)
  allowedHostsOf(config)
  if (!config.publicReads && tokens.length === 0)
    throw new Error('PUBLIC_READS: false needs a token to read with: set API_TOKEN or API_TOKENS_FILE (or leave PUBLIC_READS unset)')
}
