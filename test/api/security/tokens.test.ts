import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../api/config.js'
import { fingerprintOf, parseTokensFile, readTokens, TokenTable } from '../../../api/security/tokens.js'

const admin = 'a'.repeat(32)
const user = 'b'.repeat(32)

describe('the tokens file', () => {
  it('reads admin:, user: and bare tokens, skipping comments and blank lines', () => {
    expect(parseTokensFile(`# tokens\n\nadmin:${admin}   # the operator\nuser:${user}\n${'c'.repeat(20)}\n`)).toEqual([
      { token: admin, admin: true },
      { token: user, admin: false },
      { token: 'c'.repeat(20), admin: false },
    ])
  })

  it('names the line and the problem, never the token', () => {
    expect(() => parseTokensFile(`${admin}\nroot:${user}\n`)).toThrow('API_TOKENS_FILE: line 2: the role must be admin or user, got "root"')
    expect(() => parseTokensFile('admin:short\n')).toThrow(/^API_TOKENS_FILE: line 1: a token must be 16 to 512 characters .*, got 5 characters$/)
    expect(() => parseTokensFile(`${admin} ${user}\n`)).toThrow('API_TOKENS_FILE: line 1: one token a line, "admin:<token>" or "<token>", got spaces inside')
    try {
      parseTokensFile(`admin:${'x'.repeat(15)}`)
    } catch (e) {
      expect((e as Error).message).not.toContain('x'.repeat(15))
    }
  })

  it('is read with API_TOKEN (an admin token), and refuses a missing or empty file and repeated tokens', () => {
    const dir = mkdtempSync(join(tmpdir(), 'budget-sim-tokens-'))
    const file = join(dir, 'tokens')
    writeFileSync(file, `${user}\n`)
    expect(readTokens({ apiToken: admin, apiTokensFile: file })).toEqual([
      { token: admin, admin: true },
      { token: user, admin: false },
    ])
    expect(() => readTokens({ apiToken: '', apiTokensFile: join(dir, 'nope') })).toThrow(/^API_TOKENS_FILE: cannot read .*nope \(ENOENT\)$/)
    writeFileSync(file, '# nothing\n')
    expect(() => readTokens({ apiToken: '', apiTokensFile: file })).toThrow(/holds no token/)
    writeFileSync(file, `${admin}\n`)
    expect(() => readTokens({ apiToken: admin, apiTokensFile: file })).toThrow(/a token appears twice/)
  })
})

describe('TokenTable', () => {
  it('finds the principal of a configured token by its fingerprint and nothing for any other', () => {
    const table = new TokenTable([
      { token: admin, admin: true },
      { token: user, admin: false },
    ])
    expect(table.lookup(user)).toEqual({ fingerprint: fingerprintOf(user), admin: false })
    expect(table.lookup(admin)).toEqual({ fingerprint: fingerprintOf(admin), admin: true })
    expect(table.lookup(`${user}x`)).toBeNull()
    expect(table.lookup('')).toBeNull()
    expect(fingerprintOf(user)).toMatch(/^[0-9a-f]{16}$/)
    expect(new TokenTable([]).enabled).toBe(false)
  })
})

describe('access configuration at start', () => {
  it('stops with a message naming the variable', () => {
    expect(() => loadConfig({ PUBLIC_READS: 'maybe' })).toThrow('PUBLIC_READS: must be true or false, got "maybe"')
    expect(() => loadConfig({ PUBLIC_READS: 'false' })).toThrow(/^PUBLIC_READS: false needs a token to read with/)
    expect(() => loadConfig({ API_TOKEN: 'secret' })).toThrow(/^API_TOKEN: a token must be 16 to 512 characters/)
    expect(() => loadConfig({ ALLOWED_HOSTS: 'good.example, bad host' })).toThrow('ALLOWED_HOSTS: each entry must be a host name or address with an optional :port (IPv6 in brackets), or * alone, got "bad host"')
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: '-5' })).toThrow(/^RATE_LIMIT_PER_MINUTE: must be a whole number between 0 and/)
    expect(() => loadConfig({ YAML_BODY_LIMIT: '10' })).toThrow(/^YAML_BODY_LIMIT: must be a whole number between 1024 and/)
    expect(loadConfig({ API_TOKEN: admin, PUBLIC_READS: 'false', RATE_LIMIT_PER_MINUTE: '0' })).toMatchObject({ apiToken: admin, publicReads: false, rateLimitPerMinute: 0 })
  })
})
