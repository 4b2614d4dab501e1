// Why: who may do what is decided by bearer tokens. An operator gives one admin token
// (API_TOKEN) or a file of tokens (API_TOKENS_FILE), each an admin or an ordinary token. The
// server keeps only their SHA-256 digests, compares a presented token with every digest in
// constant time, and records runs by a short fingerprint of the token, never the token.
//
// The file format, one token a line:
//
//   # comments and blank lines are ignored
//   admin:3f1c0a...   an admin token: may cancel or delete any run, and see every run
//   user:9b77e2...    an ordinary token (the `user:` prefix may be left out)
//   9b77e2...
//
// A token is 16 to 512 characters of A-Z a-z 0-9 . _ ~ + / - (optionally ending in =), the
// RFC 6750 token characters; `openssl rand -hex 32` makes a good one. Tokens must differ.
import { createHash, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'

export const TOKEN_PATTERN = /^[A-Za-z0-9._~+/-]{16,512}=*$/

/** Who made a request: the fingerprint of their token, and whether it is an admin token. */
export interface Principal {
  fingerprint: string
  admin: boolean
}

interface Entry extends Principal {
  digest: Buffer
}

/** The short, stable identifier of a token stored with the runs it creates: 16 hex digits of its SHA-256. */
export function fingerprintOf(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16)
}

/** The configured tokens, held as digests. Empty when the server is open (no token configured). */
export class TokenTable {
  private readonly entries: Entry[]

  constructor(tokens: { token: string; admin: boolean }[]) {
    this.entries = tokens.map(({ token, admin }) => ({ digest: createHash('sha256').update(token).digest(), fingerprint: fingerprintOf(token), admin }))
  }

  /** true when at least one token is configured: mutations need one */
  get enabled(): boolean {
    return this.entries.length > 0
  }

  get size(): number {
    return this.entries.length
  }

  /** The principal of a presented token, or null. Compares with every entry, found or not. */
  lookup(token: string): Principal | null {
    const digest = createHash('sha256').update(token).digest()
    let found: Entry | null = null
    for (const entry of this.entries) if (timingSafeEqual(entry.digest, digest) && !found) found = entry
    return found && { fingerprint: found.fingerprint, admin: found.admin }
  }
}

/**
 * Parse a tokens file's text. Throws an Error naming API_TOKENS_FILE, the line and the problem.
 *
 * @example parseTokensFile('admin:0123456789abcdef0123\n# x\nfedcba9876543210fedc') // [{ token: '0123...', admin: true }, { token: 'fedc...', admin: false }]
 */
export function parseTokensFile(text: string, name = 'API_TOKENS_FILE'): { token: string; admin: boolean }[] {
  const tokens: { token: string; admin: boolean }[] = []
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim()
    if (line === '') return
    const m = /^(?:(admin|user):)?(.*)$/.exec(line)!
    const token = m[2]
    if (/\s/.test(token)) throw new Error(`${name}: line ${i + 1}: one token a line, "admin:<token>" or "<token>", got spaces inside`)
    if (token.includes(':')) throw new Error(`${name}: line ${i + 1}: the role must be admin or user, got "${token.split(':')[0]}"`)
    checkToken(token, `${name}: line ${i + 1}`)
    tokens.push({ token, admin: m[1] === 'admin' })
  })
  return tokens
}

/** Throws unless the token has the allowed characters and length; the message never shows the token. */
export function checkToken(token: string, where: string): void {
  if (!TOKEN_PATTERN.test(token))
    throw new Error(
      `${where}: a token must be 16 to 512 characters of A-Z a-z 0-9 . _ ~ + / - (e.g. from \`openssl rand -hex 32\`), got ${token.length} characters${token.length >= 16 && token.length <= 512 ? ' with others among them' : ''}`,
    )
}

/** The tokens of a configuration: API_TOKEN (an admin token) and the lines of API_TOKENS_FILE. */
export function readTokens(config: { apiToken: string; apiTokensFile: string }): { token: string; admin: boolean }[] {
  const tokens: { token: string; admin: boolean }[] = []
  if (config.apiToken) {
    checkToken(config.apiToken, 'API_TOKEN')
    tokens.push({ token: config.apiToken, admin: true })
  }
  if (config.apiTokensFile) {
    let text: string
    try {
      text = readFileSync(config.apiTokensFile, 'utf8')
    } catch (e) {
      throw new Error(`API_TOKENS_FILE: cannot read ${config.apiTokensFile} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
    }
    const fromFile = parseTokensFile(text)
    if (fromFile.length === 0) throw new Error(`API_TOKENS_FILE: ${config.apiTokensFile} holds no token (one a line: "admin:<token>" or "<token>")`)
    tokens.push(...fromFile)
  }
  const seen = new Set<string>()
  for (const { token } of tokens) {
    if (seen.has(token)) throw new Error('API_TOKENS_FILE: a token appears twice (tokens must differ, between API_TOKEN and the file too)')
    seen.add(token)
  }
  return tokens
}
