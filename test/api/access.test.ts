// Access control through the whole server (inject): who may submit, cancel, delete and read runs.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { fingerprintOf } from '../../api/security/tokens.js'
import { createPool } from '../../workers/createPool.js'
import { small, testServer } from './helpers.js'

const ADMIN = 'admin-token-0123456789abcdef'
const ALICE = 'alice-token-0123456789abcdef'
const BOB = 'bob-token-0123456789abcdef'
const dir = mkdtempSync(join(tmpdir(), 'budget-sim-access-'))
const tokensFile = join(dir, 'tokens')
writeFileSync(tokensFile, `# test tokens\nadmin:${ADMIN}\nuser:${ALICE}\n${BOB}\n`, { mode: 0o600 })

const as = (token: string) => ({ authorization: `Bearer ${token}` })
const pool = createPool({ threads: 2 })
let app: FastifyInstance
let closed: FastifyInstance
beforeAll(async () => {
  app = await testServer(pool, { apiTokensFile: tokensFile })
  closed = await testServer(pool, { apiTokensFile: tokensFile, publicReads: false })
})
afterAll(async () => {
  await app.close()
  await closed.close()
  await pool.destroy()
})

async function submit(server: FastifyInstance, token: string): Promise<string> {
  const res = await server.inject({ method: 'POST', url: '/runs', payload: small, headers: as(token) })
  expect(res.statusCode).toBe(202)
  const id = res.json().id as string
  for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
    const run = (await server.inject({ url: `/runs/${id}`, headers: as(token) })).json()
    if (run.status === 'done') return id
  }
  throw new Error(`run ${id} did not finish`)
}

describe('with tokens, mutating routes', () => {
  it('answer 401 without a token, with WWW-Authenticate and the UNAUTHORIZED problem', async () => {
    for (const [method, url] of [
      ['POST', '/runs'],
      ['POST', '/scenarios/validate'],
      ['DELETE', '/runs/00000000-0000-0000-0000-000000000000'],
    ] as const) {
      const res = await app.inject({ method, url, payload: method === 'POST' ? small : undefined })
      expect(res.statusCode, `${method} ${url}`).toBe(401)
      expect(res.headers['www-authenticate']).toBe('Bearer realm="budget-sim"')
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(res.json()).toMatchObject({ code: 'UNAUTHORIZED', status: 401, detail: `${method} ${url.replace(/0{8}-.*$/, ':id')} needs a bearer token: send Authorization: Bearer <token>` })
    }
  })

  it('answer 401 for a wrong token or scheme, and accept a known token in any case of "Bearer"', async () => {
    for (const authorization of [`Bearer ${ALICE}x`, `Basic ${ALICE}`, 'Bearer', `Bearer  `]) {
      const res = await app.inject({ method: 'POST', url: '/runs', payload: small, headers: { authorization } })
      expect(res.statusCode, authorization).toBe(401)
      expect(res.json().code).toBe('UNAUTHORIZED')
    }
    const wrong = await app.inject({ method: 'POST', url: '/runs', payload: small, headers: as('not-a-configured-token') })
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="budget-sim", error="invalid_token"')
    const lower = await app.inject({ method: 'POST', url: '/scenarios/validate', payload: { name: 'x', extends: 'guangzhou-2015-2017-baseline' }, headers: { authorization: `bearer ${ALICE}` } })
    expect(lower.statusCode).toBe(200)
  })

  it('record the fingerprint of the creating token with the run, never the token itself', async () => {
    const id = await submit(app, ALICE)
    const db = new Database(join(app.config.dataDir, 'runs.sqlite'), { readonly: true })
    try {
      expect(db.prepare('SELECT owner FROM runs WHERE id = ?').get(id)).toEqual({ owner: fingerprintOf(ALICE) })
    } finally {
      db.close()
    }
    const bytes = readFileSync(join(app.config.dataDir, 'runs.sqlite')).toString('latin1') + readFileSync(join(app.config.dataDir, 'runs.sqlite-wal')).toString('latin1')
    expect(bytes).toContain(fingerprintOf(ALICE))
    expect(bytes).not.toContain(ALICE)
  })

  it("let a token cancel or delete its own runs, answer 403 RUN_FORBIDDEN for another's, and let an admin delete any", async () => {
    const alices = await submit(app, ALICE)
    const bobs = await submit(app, BOB)
    const forbidden = await app.inject({ method: 'DELETE', url: `/runs/${alices}`, headers: as(BOB) })
    expect(forbidden.statusCode).toBe(403)
    expect(forbidden.json()).toMatchObject({ code: 'RUN_FORBIDDEN', status: 403, detail: `run ${alices} was created by another token; only that token or an admin token may cancel or delete it` })
    expect((await app.inject({ method: 'DELETE', url: `/runs/${alices}`, headers: as(ALICE) })).statusCode).toBe(204)
    expect((await app.inject({ method: 'DELETE', url: `/runs/${bobs}`, headers: as(ADMIN) })).statusCode).toBe(204)
    expect((await app.inject({ url: `/runs/${bobs}` })).statusCode).toBe(404)
  })

  it("cancel a running run only for its creator: another token's cancel is 403 and leaves it running", async () => {
    const res = await app.inject({ method: 'POST', url: '/runs', payload: { preset: 'bench-tech-transaction', trials: 200_000 }, headers: as(ALICE) })
    const { id } = res.json()
    expect((await app.inject({ method: 'DELETE', url: `/runs/${id}`, headers: as(BOB) })).statusCode).toBe(403)
    expect(['queued', 'running']).toContain((await app.inject({ url: `/runs/${id}` })).json().status)
    const cancelled = await app.inject({ method: 'DELETE', url: `/runs/${id}`, headers: as(ALICE) })
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' })
  })

  it('leave reads public by default: anyone lists every run', async () => {
    const id = await submit(app, BOB)
    const listed = (await app.inject({ url: '/runs?limit=200' })).json()
    expect(listed.runs.map((r: { id: string }) => r.id)).toContain(id)
    expect((await app.inject({ url: `/runs/${id}/summary` })).statusCode).toBe(200)
  })
})

describe('with PUBLIC_READS=false', () => {
  let alices: string
  let bobs: string
  beforeAll(async () => {
    alices = await submit(closed, ALICE)
    bobs = await submit(closed, BOB)
  })

  it('answers 401 to reads of runs, scenarios and programmes without a token, and keeps health, problems, the page and docs public', async () => {
    for (const url of ['/runs', `/runs/${alices}`, `/runs/${alices}/summary`, '/scenarios', '/programmes']) expect((await closed.inject({ url })).statusCode, url).toBe(401)
    for (const url of ['/health', '/problems', '/openapi.json', '/docs/', '/']) expect((await closed.inject({ url })).statusCode, url).toBe(200)
  })

  it('lists only its own runs for a token, and every run for an admin', async () => {
    const bobList = (await closed.inject({ url: '/runs', headers: as(BOB) })).json()
    expect(bobList.runs.map((r: { id: string }) => r.id)).toEqual([bobs])
    expect(bobList.total).toBe(1)
    const adminList = (await closed.inject({ url: '/runs', headers: as(ADMIN) })).json()
    expect(adminList.runs.map((r: { id: string }) => r.id)).toEqual([bobs, alices])
  })

  it("hides another token's run as 404 on every run route, the paired comparison included", async () => {
    for (const url of [`/runs/${alices}`, `/runs/${alices}/summary`, `/runs/${alices}/trials`, `/runs/${alices}/scenario`, `/runs/${alices}/events`])
      expect((await closed.inject({ url, headers: as(BOB) })).json().code, url).toBe('RUN_NOT_FOUND')
    const paired = await closed.inject({ url: `/runs/${bobs}/distribution?against=${alices}`, headers: as(BOB) })
    expect(paired.statusCode).toBe(404)
    expect((await closed.inject({ url: `/runs/${bobs}/distribution?against=${alices}`, headers: as(ADMIN) })).statusCode).toBe(200)
    expect((await closed.inject({ url: `/runs/${alices}/summary`, headers: as(ALICE) })).statusCode).toBe(200)
  })

  it('takes the token of the event stream as ?access_token= (only there), and refuses a wrong one', async () => {
    const ok = await closed.inject({ url: `/runs/${alices}/events?access_token=${ALICE}` })
    expect(ok.statusCode).toBe(200)
    expect(ok.headers['content-type']).toMatch(/^text\/event-stream/)
    expect(ok.body).toMatch(/event: end/)
    const wrong = await closed.inject({ url: `/runs/${alices}/events?access_token=wrong-token-0123456789` })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.json().instance).toBe(`/runs/${alices}/events?access_token=[redacted]`)
    // only the event stream takes it: elsewhere the query token is not a credential, and not allowed
    expect((await closed.inject({ url: `/runs/${alices}?access_token=${ALICE}` })).statusCode).toBe(401)
    const elsewhere = await closed.inject({ url: `/runs/${alices}?access_token=${ALICE}`, headers: as(ALICE) })
    expect(elsewhere.statusCode).toBe(400)
    expect(elsewhere.json().errors).toEqual([{ path: 'query.access_token', message: 'unknown key (none is allowed here)' }])
  })
})
