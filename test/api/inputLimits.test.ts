// Hostile input through the whole server (inject): bodies, query strings, Host headers, request rates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { createPool } from '../../workers/createPool.js'
import { testServer } from './helpers.js'

const pool = createPool({ threads: 1 })
let app: FastifyInstance
beforeAll(async () => {
  app = await testServer(pool)
})
afterAll(async () => {
  await app.close()
  await pool.destroy()
})

const json = (url: string, payload: string) => app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } })
const yaml = (url: string, payload: string) => app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/yaml' } })
const aliasBomb = ['a: &a [x,x,x,x,x,x,x,x,x]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]', 'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]', 'g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]'].join('\n')

describe('JSON bodies', () => {
  it('nested 3,000 deep answer 400 BODY_TOO_DEEP naming the limit, on POST /runs and POST /scenarios/validate', async () => {
    for (const url of ['/runs', '/scenarios/validate']) {
      const res = await json(url, `{"preset": "guangzhou-2015-2017-baseline", "overrides": ${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`)
      expect(res.statusCode, url).toBe(400)
      expect(res.json()).toMatchObject({
        code: 'BODY_TOO_DEEP',
        detail: 'the JSON body nests objects and arrays more than 64 levels deep (a request needs about 10)',
        errors: [{ path: '(body)', message: 'nested more than 64 levels deep at character 372' }],
      })
    }
  })

  it('nested 64 deep inside the limit still reach validation and answer its real problem', async () => {
    const res = await json('/scenarios/validate', `{"name": "x", "years": [2015], "trials": 1, "seed": 1, "programmes": {}, "description": ${'['.repeat(62)}${']'.repeat(62)}}`)
    expect(res.statusCode).toBe(422)
    expect(res.json().errors).toEqual([{ path: 'description', message: 'must be a string, got a list of 1' }])
  })

  it('with __proto__ or huge numbers answer 400 and 422, never 500', async () => {
    expect((await json('/runs', '{"__proto__": {"x": 1}, "preset": "guangzhou-2015-2017-baseline"}')).statusCode).toBe(400)
    const huge = await json('/runs', '{"preset": "guangzhou-2015-2017-baseline", "trials": 1e400}')
    expect(huge.statusCode).toBe(400)
    expect(huge.json().errors).toEqual([{ path: 'trials', message: 'must be a finite number, got Infinity' }])
  })
})

describe('YAML bodies', () => {
  it('answer 400 SCENARIO_PARSE_ERROR for an alias bomb, a recursive or unresolved alias, a merge key to nothing and deep nesting', async () => {
    const cases: [string, RegExp][] = [
      [aliasBomb, /^aliases expand the document from 78 to 6053451 values/],
      ['a: &a [*a]\n', /a recursive alias/],
      ['name: x\nprogrammes: *nonexist\n', /^alias \*nonexist refers to no anchor &nonexist defined before it$/],
      ['name: x\n<<: *nonexist\n', /^merge keys \(<<\) are not supported/],
      [`name: ${'['.repeat(3000)}${']'.repeat(3000)}\n`, /^nests mappings and lists too deeply/],
    ]
    for (const url of ['/runs', '/scenarios/validate'])
      for (const [text, message] of cases) {
        const res = await yaml(url, text)
        expect(res.statusCode, `${url} ${text.slice(0, 30)}`).toBe(400)
        expect(res.json().code).toBe('SCENARIO_PARSE_ERROR')
        expect(res.json().errors.map((e: { message: string }) => e.message)).toContainEqual(expect.stringMatching(message))
      }
  })

  it('over YAML_BODY_LIMIT answer 413 unless the text is JSON, which the JSON parser reads', async () => {
    const big = `name: x\ndescription: "${'x'.repeat(70_000)}"\n`
    const res = await yaml('/scenarios/validate', big)
    expect(res.statusCode).toBe(413)
    expect(res.json()).toMatchObject({ code: 'BODY_TOO_LARGE', detail: 'a YAML body may be at most 65536 bytes (YAML_BODY_LIMIT); send a larger scenario as JSON (application/json)' })
    const asJson = await yaml('/scenarios/validate', JSON.stringify({ name: 'x', extends: 'guangzhou-2015-2017-baseline', description: 'x'.repeat(4000), programmes: { 'tech-transaction-subsidy': { contract_value: { empirical: { values: Array.from({ length: 12_000 }, (_, i) => 1e5 + i) } } } } }))
    expect(asJson.statusCode).toBe(200)
  })
})

describe('query strings', () => {
  it('answer 400 for offset=1e20, Infinity, 1e309, 9223372036854775807, negative and non-numeric, naming the parameter', async () => {
    for (const value of ['1e20', 'Infinity', '-Infinity', '1e309', '9223372036854775807', '-1', 'abc', '1.5', 'NaN']) {
      const res = await app.inject({ url: `/runs?offset=${encodeURIComponent(value)}` })
      expect(res.statusCode, value).toBe(400)
      expect(res.json().errors[0].path).toBe('query.offset')
      expect((await app.inject({ url: `/runs?trials=${encodeURIComponent(value)}` })).statusCode, `trials=${value}`).toBe(400)
    }
    expect((await app.inject({ url: '/runs?offset=1e20' })).json().errors).toEqual([{ path: 'query.offset', message: 'must be between 0 and 1000000000, got 100000000000000000000' }])
    expect((await app.inject({ url: '/runs?offset=Infinity' })).json().errors).toEqual([{ path: 'query.offset', message: 'must be between 0 and 1000000000, got Infinity' }])
  })

  it('answer 400 for a parameter a route does not take, on routes without other parameters too', async () => {
    for (const url of ['/health?x=1', '/programmes?debug=true', '/scenarios?limit=5', '/runs/00000000-0000-0000-0000-000000000000?x=1']) {
      const res = await app.inject({ url })
      expect(res.statusCode, url).toBe(400)
      expect(res.json().code).toBe('VALIDATION_ERROR')
    }
  })
})

describe('the Host header', () => {
  it('answers 421 HOST_NOT_ALLOWED for a host the server does not serve (DNS rebinding) and serves localhost', async () => {
    const evil = await app.inject({ url: '/runs', headers: { host: 'evil.example:3000' } })
    expect(evil.statusCode).toBe(421)
    expect(evil.json()).toMatchObject({ code: 'HOST_NOT_ALLOWED', status: 421 })
    expect((await app.inject({ method: 'POST', url: '/runs', payload: {}, headers: { host: 'evil.example' } })).statusCode).toBe(421)
    for (const host of ['localhost:3000', '127.0.0.1:8080', '[::1]:3000']) expect((await app.inject({ url: '/health', headers: { host } })).statusCode, host).toBe(200)
  })

  it('follows ALLOWED_HOSTS when it is set', async () => {
    const proxied = await testServer(pool, { allowedHosts: 'budget.example.org' })
    try {
      expect((await proxied.inject({ url: '/health', headers: { host: 'budget.example.org' } })).statusCode).toBe(200)
      expect((await proxied.inject({ url: '/health', headers: { host: 'localhost:3000' } })).statusCode).toBe(421)
    } finally {
      await proxied.close()
    }
  })
})

describe('security headers', () => {
  it('are on every answer: nosniff, a CSP without inline scripts, no framing, no referrer', async () => {
    for (const url of ['/health', '/runs/nope', '/', '/docs/', '/openapi.json']) {
      const res = await app.inject({ url })
      expect(res.headers['x-content-type-options'], url).toBe('nosniff')
      expect(res.headers['content-security-policy'], url).toBe(
        "default-src 'self';base-uri 'self';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';img-src 'self' data:;font-src 'self' data:;connect-src 'self';object-src 'none';frame-ancestors 'none';form-action 'self'",
      )
      expect(res.headers['x-frame-options'], url).toBe('DENY')
      expect(res.headers['referrer-policy'], url).toBe('no-referrer')
    }
  })

  it('let the page and Swagger UI load: their HTML has no inline script and loads scripts and styles from this origin only', async () => {
    for (const url of ['/', '/docs/']) {
      const html = (await app.inject({ url })).body
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
      expect(scripts.length, url).toBeGreaterThan(0)
      for (const [, attributes, body] of scripts) {
        expect(attributes, url).toMatch(/\bsrc="(\.?\/)[^"]+"/)
        expect(body.trim(), url).toBe('')
      }
      for (const [, href] of html.matchAll(/<link\b[^>]*\bhref="([^"]+)"/g)) expect(href, url).toMatch(/^(\.?\/|data:)/)
      for (const [, src] of [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)]) expect((await app.inject({ url: new URL(src, `http://localhost${url}`).pathname })).statusCode, src).toBe(200)
    }
  })
})

describe('the rate limit', () => {
  it('answers 429 RATE_LIMITED with Retry-After beyond RATE_LIMIT_PER_MINUTE, sparing /health', async () => {
    const tight = await testServer(pool, { rateLimitPerMinute: 5 })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 7; i++) statuses.push((await tight.inject({ url: '/problems' })).statusCode)
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429])
      const limited = await tight.inject({ url: '/programmes' })
      expect(limited.statusCode).toBe(429)
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60)
      expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429, detail: expect.stringMatching(/^more than 5 requests a minute from this client \(RATE_LIMIT_PER_MINUTE\); retry in /) })
      expect((await tight.inject({ url: '/nowhere' })).statusCode).toBe(429)
      for (let i = 0; i < 10; i++) expect((await tight.inject({ url: '/health' })).statusCode).toBe(200)
      // the event streams have their own allowance
      expect((await tight.inject({ url: '/runs/00000000-0000-0000-0000-000000000000/events' })).statusCode).toBe(404)
    } finally {
      await tight.close()
    }
  })
})

describe('the error catalogue and the OpenAPI document', () => {
  it('list the new codes with their statuses, and document 401, 403, 421 and 429 on the routes', async () => {
    const codes = (await app.inject({ url: '/problems' })).json()
    for (const [code, status] of [
      ['UNAUTHORIZED', 401],
      ['RUN_FORBIDDEN', 403],
      ['HOST_NOT_ALLOWED', 421],
      ['RATE_LIMITED', 429],
      ['BODY_TOO_DEEP', 400],
    ] as const)
      expect(codes).toContainEqual({ code, status, title: expect.any(String) })
    const doc = (await app.inject({ url: '/openapi.json' })).json()
    expect(Object.keys(doc.paths['/runs'].post.responses)).toEqual(expect.arrayContaining(['401', '421', '429']))
    expect(doc.paths['/runs/{id}'].delete.responses['403'].description).toMatch(/another token/)
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(doc.paths['/runs/{id}/events'].get.parameters.map((p: { name: string }) => p.name)).toContain('access_token')
  })
})
