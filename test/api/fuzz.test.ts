// Why: hostile input must never be a 500 or a hang (issue 10). This sends more than 10,000
// malformed and adversarial requests (bodies, query strings, headers, methods, content types, huge
// numbers, deep nesting, YAML bombs, path traversal in ids, bad Accept headers, every case the issue
// lists, and raw malformed HTTP) to a real server process on 127.0.0.1 with tokens configured, and
// asserts: no 5xx, no response slower than 5 s, no error in the server's log, and afterwards the
// server still answers and a small run gives exactly the summary it gave before the fuzzing.
// The requests come from fast-check arbitraries sampled with a fixed seed, so a failure repeats.
import { request as httpRequest, Agent } from 'node:http'
import { connect } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pollUntil, startServer, type ServerProcess } from '../helpers/serverProcess.js'

const SEED = 20261125
const REQUESTS = 10_500
const CONCURRENCY = 8
const SLOW_MS = 5000

const OWNER = 'fuzz-owner-token-0123456789abcdef' // creates the reference run; the fuzzer never sends it
const MALLORY = 'fuzz-mallory-token-0123456789abc' // the fuzzer's own token
const BOB = 'fuzz-bob-token-0123456789abcdefg' // another ordinary token
const REFERENCE = { preset: 'guangzhou-2015-2017-baseline', trials: 300, seed: 4242 }

const dir = mkdtempSync(join(tmpdir(), 'budget-sim-fuzz-'))
let server: ServerProcess
let port = 0
let referenceId = ''
let referenceSummary: unknown
const mine: string[] = [] // runs the fuzzer created (it may cancel or delete them)

interface Req {
  label: string
  method: string
  path: string
  headers: Record<string, string>
  body?: string | Uint8Array
}

interface Outcome {
  status: number | 'error' | 'timeout'
  ms: number
  req: Req
  error?: string
}

// ---------------------------------------------------------------------------------------------
// the arbitraries
// ---------------------------------------------------------------------------------------------

const UNKNOWN = '00000000-0000-0000-0000-000000000000'
const ids = fc.constantFrom(
  '{ref}',
  '{ref}',
  '{mine}',
  UNKNOWN,
  'xyz',
  '..%2F..%2Fetc%2Fpasswd',
  '../../../etc/passwd',
  '%2e%2e%2f%2e%2e%2f',
  '%00',
  '%',
  '%zz',
  'a'.repeat(5000),
  '%C3%BC',
  '00000000-0000-0000-0000-00000000000G',
  "x'%20OR%201=1--",
  '-'.repeat(36),
  'f'.repeat(36),
  '{ref}%00',
  '{ref}/../{ref}',
)
const safeIds = ids.filter((id) => id !== '{mine}') // streams of running runs last as long as the run

const ADVERSARIAL_VALUES = [
  '', '0', '-0', '-1', '1', '2', '1e20', 'Infinity', '-Infinity', 'NaN', '1e309', '-1e309', '9223372036854775807', '18446744073709551616',
  '1.5', '0x10', '1e-400', 'abc', 'true', 'null', '[]', '{}', ' 1', '1 ', ',', ',,,', '%00', '%ff', '%', 'ü', '日本', '\u202e', "'", '"', '<script>',
  '../../etc/passwd', 'a'.repeat(3000), 'all', '2015', '2016,2017', '1990', 'municipal', 'national,provincial', 'demand', 'cap_saved', 'trial,year',
  'tech-transaction-subsidy', 'guangzhou-2015-2017-baseline', 'done', 'running,done', 'queued,bogus', '0,1e9', '1e9,0', '5,5', 'a,b', '{ref}',
  'f'.repeat(64), UNKNOWN,
]
const PARAMS = ['limit', 'offset', 'status', 'preset', 'name', 'scenario_hash', 'seed', 'trials', 'year', 'programme', 'level', 'columns', 'download', 'measure', 'bins', 'range', 'against', 'access_token', 'x', '__proto__', 'constructor', '']

/** mostly `usual` (undefined: no header), now and then something hostile, `odds` to 1 */
const mostly = <T>(usual: T | undefined, hostile: fc.Arbitrary<T>, odds: number) => fc.oneof({ arbitrary: fc.constant(usual), weight: odds }, { arbitrary: hostile, weight: 1 })
const printable = (max: number) => fc.string({ maxLength: max, unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) })
const queryValue = fc.oneof(
  { arbitrary: fc.constantFrom(...ADVERSARIAL_VALUES), weight: 8 },
  { arbitrary: fc.string({ maxLength: 12, unit: 'grapheme' }), weight: 2 },
  { arbitrary: fc.double().map(String), weight: 1 },
  { arbitrary: fc.integer().map(String), weight: 1 },
)
const query = mostly(
  '',
  fc.array(fc.tuple(fc.oneof({ arbitrary: fc.constantFrom(...PARAMS), weight: 6 }, { arbitrary: printable(8), weight: 1 }), queryValue, fc.boolean()), { maxLength: 4 })
  .map((pairs) =>
    pairs.length === 0
      ? ''
      : `?${pairs.map(([k, v, raw]) => `${encodeURIComponent(k)}=${raw && /^[\x21-\x7e]*$/.test(v) && !v.includes('#') ? v : encodeURIComponent(v)}`).join('&')}`,
  ),
  1,
)

const ROUTES: [string, string, fc.Arbitrary<string>, number?][] = [
  ['GET', '/health', fc.constant('/health')],
  ['GET', '/problems', fc.constant('/problems')],
  ['GET', '/openapi.json', fc.constant('/openapi.json')],
  ['GET', '/programmes', fc.constant('/programmes')],
  ['GET', '/scenarios', fc.constant('/scenarios')],
  ['GET', '/scenarios/schema.json', fc.constant('/scenarios/schema.json')],
  ['GET', '/scenarios/:name', fc.constantFrom('guangzhou-2015-2017-baseline', 'reform-cap-3m', 'nope', '..%2f..%2fpackage', 'Bad%20Name', '..', 'a'.repeat(300), '%00').map((n) => `/scenarios/${n}`)],
  ['POST', '/scenarios/validate', fc.constant('/scenarios/validate'), 6],
  ['POST', '/runs', fc.constant('/runs'), 6],
  ['GET', '/runs', fc.constant('/runs'), 3],
  ['GET', '/runs/:id', ids.map((id) => `/runs/${id}`), 2],
  ['DELETE', '/runs/:id', ids.map((id) => `/runs/${id}`), 2],
  ['GET', '/runs/:id/events', safeIds.map((id) => `/runs/${id}/events`)],
  ['GET', '/runs/:id/summary', fc.tuple(safeIds, fc.constantFrom('', '.json', '.arrow', '.arrows', '.csv', '.xml', '.json.json')).map(([id, s]) => `/runs/${id}/summary${s}`), 2],
  ['GET', '/runs/:id/trials', fc.tuple(safeIds, fc.constantFrom('', '.arrow', '.arrows', '.csv', '.parquet')).map(([id, s]) => `/runs/${id}/trials${s}`), 2],
  ['GET', '/runs/:id/distribution', safeIds.map((id) => `/runs/${id}/distribution`), 3],
  ['GET', '/runs/:id/scenario', safeIds.map((id) => `/runs/${id}/scenario`)],
  ['GET', '/runs/:id/compare', safeIds.map((id) => `/runs/${id}/compare`), 2],
  ['POST', '/analyses', fc.constant('/analyses'), 3],
  ['GET', '/analyses', fc.constant('/analyses')],
  ['GET', '/analyses/:id', ids.map((id) => `/analyses/${id}`)],
  ['DELETE', '/analyses/:id', ids.map((id) => `/analyses/${id}`)],
  ['GET', '/analyses/:id/events', safeIds.map((id) => `/analyses/${id}/events`)],
  ['GET', '/', fc.constantFrom('/', '/index.html', '/assets/nope.js', '/assets/../../package.json', '/assets/%2e%2e/%2e%2e/package.json', '/docs', '/docs/', '/docs/json', '/docs/static/../../../etc/passwd', '//runs', '/runs/', '/nowhere', `/${'x'.repeat(4000)}`)],
]

const aliasBomb = ['a: &a [x,x,x,x,x,x,x,x,x]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]', 'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]', 'g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]'].join('\n')
const YAML_TEXTS = [
  aliasBomb,
  'name: x\n<<: *nonexist\n',
  'a: &a\n  b: *a\n',
  'a: &a [*a]\n',
  `name: ${'['.repeat(3000)}${']'.repeat(3000)}\n`,
  `${'- '.repeat(5000)}x\n`,
  `name: "${'x'.repeat(70_000)}"\n`,
  `a: ${'"'.repeat(60_000)}`,
  `${'[]'.repeat(30_000)}`,
  'name: ok\nyears: [2016]\ntrials: 20\nseed: 3\nprogrammes:\n  testing-certification-award: {}\n',
  'name: y\nextends: guangzhou-2015-2017-baseline\ntrials: 10\nprogrammes:\n  tech-transaction-subsidy:\n    cap: null\n    contract_value: { pareto: { scale: 1000000, alpha: 0.001 } }\n',
  '--- a\n--- b\n',
  '!!binary aGVsbG8=',
  '!!js/function "function(){}"',
  '\ufeffname: bom\n',
  'name: x\nname: y\n',
  '%YAML 9.9\n---\nname: x\n',
  'x: !!float .inf\nname: n\n',
  'x: &v {lognormal: {median: 1, sigma: 1}}\ny: [*v, *v, *v]\nname: z\n',
  '\t\t\tname: tabs',
  Array.from({ length: 150 }, (_, i) => `k${i}: &a${i} ${i}`).join('\n'),
]

const deepJson = fc.tuple(fc.constantFrom(60, 63, 64, 65, 100, 3000, 100_000), fc.constantFrom('[', '{"a":')).map(([depth, open]) => {
  const close = open === '[' ? ']' : '}'
  return `{"preset": "guangzhou-2015-2017-baseline", "overrides": ${open.repeat(depth)}1${close.repeat(depth)}}`
})

const number = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, 1e15, 1e16, 1e308, -1e308, 1e-308, 5e-324, Number.MAX_SAFE_INTEGER, 2 ** 63, 100_000_001, 0.001, 1e-12, 1e6),
  fc.double({ noNaN: true }),
  fc.integer(),
)
const distribution = fc.oneof(
  fc.record({ pareto: fc.record({ scale: number, alpha: number }) }),
  fc.record({ gamma: fc.oneof(fc.record({ mean: number, cv: number }), fc.record({ shape: number, scale: number })) }),
  fc.record({ lognormal: fc.oneof(fc.record({ median: number, sigma: number }), fc.record({ mean: number, cv: number })) }),
  fc.record({ uniform: fc.record({ min: number, max: number }) }),
  fc.record({ empirical: fc.record({ values: fc.array(number, { maxLength: 5 }) }) }),
  fc.record({ fixed: fc.record({ value: number }) }),
  fc.jsonValue({ maxDepth: 2 }),
)
const programmeEntry = fc.dictionary(
  fc.constantFrom('cap', 'rate', 'amount', 'approval_rate', 'contract_value', 'basis', 'applicants', 'contracts_per_applicant', 'quota', 'funding', 'matching', 'years', 'selection', 'bogus'),
  fc.oneof(number, distribution, fc.constant(null), fc.jsonValue({ maxDepth: 2 })),
  { maxKeys: 3 },
)
const programmes = fc.dictionary(fc.constantFrom('tech-transaction-subsidy', 'torch-pilot-matching', 'transfer-institution-grant', 'nope', '__proto__'), fc.oneof(programmeEntry, fc.constant(null)), { maxKeys: 2 })
const runRequest = fc.oneof(
  // valid and tiny: these become runs
  fc.record({ preset: fc.constantFrom('guangzhou-2015-2017-baseline', 'reform-cap-3m', 'bench-tech-transaction'), trials: fc.integer({ min: 1, max: 40 }), seed: fc.nat() }),
  fc.record({ preset: fc.constantFrom('guangzhou-2015-2017-baseline', 'nope', ''), trials: fc.oneof(number, fc.constant(600)), overrides: fc.record({ programmes }, { requiredKeys: [] }) }, { requiredKeys: ['preset'] }),
  fc.record({ scenario: fc.record({ name: fc.constantFrom('fz', 'BAD NAME'), years: fc.array(fc.integer({ min: 1980, max: 2110 }), { maxLength: 3 }), trials: fc.integer({ min: 1, max: 30 }), seed: fc.nat(), programmes }, { requiredKeys: ['name'] }) }),
  fc.jsonValue({ maxDepth: 4 }),
)

const analysisRequest = fc.record(
  {
    kind: fc.constantFrom('sensitivity', 'goal_seek', 'tornado'),
    preset: fc.constantFrom('guangzhou-2015-2017-baseline', 'nope'),
    trials: fc.oneof(fc.integer({ min: 1, max: 40 }), number),
    target: fc.record(
      {
        level: fc.constantFrom('municipal', 'all', 'county', '__proto__'),
        year: fc.constantFrom(2015, 'all', 1990, '2016'),
        statistic: fc.constantFrom('mean', 'p95', 'p_exceed', 'median'),
        op: fc.constantFrom('<=', '>=', '<'),
        value: number,
      },
      { requiredKeys: [] },
    ),
    ranges: fc.array(fc.record({ path: fc.constantFrom('programmes.tech-transaction-subsidy.cap', 'appropriations.municipal.2017', 'programmes.x.y', '__proto__', ''), low: number, high: number }), { maxLength: 2 }),
    contribution: fc.constantFrom(false, { vectors: 4, trials_per_vector: 1 }, { vectors: 1e9 }, true),
    parameter: fc.constantFrom('programmes.tech-transaction-subsidy.cap', 'appropriations.municipal.2017', 'programmes.tech-transaction-subsidy.contract_value.lognormal.median', 'x'),
    interval: fc.tuple(number, number),
    replicates: fc.constantFrom(1, 2, 0, 1e9),
  },
  { requiredKeys: ['kind'] },
)

const DEGENERATE = [
  { cap: null, contract_value: { pareto: { scale: 1e6, alpha: 0.001 } } },
  { contract_value: { gamma: { mean: 1e15, cv: 1e6 } } },
  { contract_value: { lognormal: { median: 1e15, sigma: 10 } } },
  { applicants: { negative_binomial: { mean: 600, size: 1e-12 } } },
]
const FIXED_BODIES = [
  ...DEGENERATE.map((d) => JSON.stringify({ preset: 'guangzhou-2015-2017-baseline', trials: 10, overrides: { programmes: { 'tech-transaction-subsidy': d } } })),
  '{"__proto__": {"polluted": 1}, "preset": "guangzhou-2015-2017-baseline"}',
  '{"constructor": {"prototype": {"polluted": 1}}, "preset": "guangzhou-2015-2017-baseline"}',
  '{"preset": "guangzhou-2015-2017-baseline", "trials": 1e309}',
  '{"preset": "guangzhou-2015-2017-baseline", "trials": 9223372036854775807}',
  '{"preset": "guangzhou-2015-2017-baseline", "seed": -1}',
  '{', '[', '"', 'null', '[]', '""', '1', 'true', '{"preset": "guangzhou-2015-2017-baseline",}', '{"a":1}{"b":2}', '\u0000', '\ufeff{}',
  JSON.stringify({ preset: 'guangzhou-2015-2017-baseline', overrides: { description: 'x'.repeat(1_100_000) } }),
]

type Body = { body?: string | Uint8Array; contentType?: string; kind: string }
const bodies: fc.Arbitrary<Body> = fc.oneof(
  { arbitrary: runRequest.map((r) => ({ body: JSON.stringify(r), contentType: 'application/json', kind: 'json' })), weight: 10 },
  { arbitrary: analysisRequest.map((r) => ({ body: JSON.stringify(r), contentType: 'application/json', kind: 'analysis-json' })), weight: 3 },
  { arbitrary: deepJson.map((b) => ({ body: b, contentType: 'application/json', kind: 'deep-json' })), weight: 2 },
  { arbitrary: fc.constantFrom(...FIXED_BODIES).map((b) => ({ body: b, contentType: 'application/json', kind: 'fixed-json' })), weight: 3 },
  { arbitrary: fc.constantFrom(...YAML_TEXTS).map((b) => ({ body: b, contentType: 'application/yaml', kind: 'yaml' })), weight: 3 },
  { arbitrary: fc.string({ maxLength: 300, unit: 'grapheme' }).map((b) => ({ body: b, contentType: 'application/yaml', kind: 'yaml-random' })), weight: 2 },
  { arbitrary: fc.uint8Array({ maxLength: 2000 }).map((b) => ({ body: b, contentType: 'application/json', kind: 'bytes' })), weight: 1 },
  { arbitrary: fc.constant({ body: '', contentType: 'application/json', kind: 'empty' }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'none' }), weight: 1 },
)
const contentTypes = fc.constantFrom(
  'application/json; charset=utf-16', 'text/yaml', 'application/x-yaml', 'text/plain', 'application/xml', 'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded', 'application/json;;;', 'APPLICATION/JSON', 'application/problem+json', '*/*', 'application/json; charset=nope', '',
)
const ACCEPTS = [
  '*/*', 'application/json', 'text/csv', 'application/vnd.apache.arrow.file', 'application/vnd.apache.arrow.stream', 'text/html', 'image/png', 'application/json;q=0',
  'garbage', ';;;', ',,,', 'text/*;q=abc', '*/*;q=-1', '*/*;q=1e309', 'text/csv;q=0.5, application/vnd.apache.arrow.stream', 'a'.repeat(4000), '*/;q=1', '/', 'text/event-stream',
]
const AUTHS = ['', '', `Bearer ${MALLORY}`, `Bearer ${MALLORY}`, `bearer ${MALLORY}`, `Bearer ${BOB}`, 'Bearer wrong-token-0123456789abcdef', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', `Bearer ${'x'.repeat(5000)}`, 'Digest x', `Bearer ${MALLORY} extra`]
const EXTRA = fc.oneof(
  fc.tuple(fc.constant('accept-encoding'), fc.constantFrom('gzip', 'deflate', 'br', '*', 'identity;q=0', 'gzip;q=nope', 'x'.repeat(100))),
  fc.tuple(fc.constant('origin'), fc.constantFrom('http://evil.example', 'null')),
  fc.tuple(fc.constant('x-http-method-override'), fc.constantFrom('DELETE', 'PUT')),
  fc.tuple(fc.constant('x-forwarded-for'), fc.constantFrom('1.2.3.4', 'garbage', '::1')),
  fc.tuple(fc.constant('cookie'), printable(40)),
  fc.tuple(fc.constant('content-encoding'), fc.constantFrom('gzip', 'br', 'identity')),
  fc.tuple(fc.constant('range'), fc.constantFrom('bytes=0-10', 'bytes=-1', 'bytes=999999999-', 'lines=1-2')),
  fc.tuple(fc.constant('if-none-match'), fc.constantFrom('*', '"x"', 'W/"nope"')),
  fc.tuple(printable(20).map((n) => `x-${n.replace(/[^a-z0-9-]/gi, '') || 'r'}`), printable(60)),
)
const headers = fc
  .record({
    authorization: mostly(`Bearer ${MALLORY}`, fc.constantFrom(...AUTHS), 3),
    accept: mostly(undefined, fc.constantFrom(...ACCEPTS), 1),
    host: mostly(undefined, fc.constantFrom('evil.example', 'localhost', '[::1]:1', 'LOCALHOST:99999', '', 'a'.repeat(300), '127.0.0.1.nip.io', 'localhost:3000@evil'), 15),
    prefer: mostly(undefined, fc.constantFrom('wait=1', 'wait=0', 'wait=99999999999999999999', 'wait=-1', 'wait=abc', 'respond-async', 'wait=1, wait=2'), 8),
    extra: fc.array(EXTRA, { maxLength: 2 }),
  })
  .map(({ extra, ...h }) => {
    const out: Record<string, string> = Object.fromEntries(extra)
    for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = v
    return out
  })

const request: fc.Arbitrary<Req> = fc
  .tuple(
    fc.oneof(...ROUTES.map((route) => ({ arbitrary: fc.constant(route), weight: route[3] ?? 1 }))),
    query,
    headers,
    bodies,
    mostly(null, contentTypes, 12),
    mostly(null, fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND'), 12),
  )
  .chain(([[method, route, pathArb], q, h, b, ct, otherMethod]) =>
    pathArb.map((path) => {
      const m = otherMethod ?? method
      const withBody = m === 'POST' || m === 'PUT' || m === 'PATCH' || (m === 'DELETE' && b.kind !== 'none' && b.kind !== 'json')
      const hdrs: Record<string, string> = { ...h }
      if (withBody && b.body !== undefined) hdrs['content-type'] = ct ?? b.contentType ?? 'application/json'
      return { label: `${m} ${route} ${withBody ? b.kind : ''}`.trim(), method: m, path: `${path}${q}`, headers: hdrs, body: withBody ? b.body : undefined }
    }),
  )

/** The issue's own cases, each sent several times. */
function issueCases(): Req[] {
  const json = { 'content-type': 'application/json', authorization: `Bearer ${MALLORY}` }
  const yaml = { 'content-type': 'application/yaml', authorization: `Bearer ${MALLORY}` }
  const cases: Req[] = [
    { label: 'issue: JSON nested 3,000 deep', method: 'POST', path: '/runs', headers: json, body: `{"preset": "guangzhou-2015-2017-baseline", "overrides": ${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}` },
    { label: 'issue: validate nested 3,000 deep', method: 'POST', path: '/scenarios/validate', headers: json, body: `{"name": "x", "description": ${'['.repeat(3000)}${']'.repeat(3000)}}` },
    { label: 'issue: YAML alias bomb', method: 'POST', path: '/runs', headers: yaml, body: aliasBomb },
    { label: 'issue: YAML unresolved alias', method: 'POST', path: '/runs', headers: yaml, body: 'name: x\n<<: *nonexist\n' },
    { label: 'issue: YAML recursive alias', method: 'POST', path: '/runs', headers: yaml, body: 'a: &a [*a]\n' },
    { label: 'issue: validate YAML bomb', method: 'POST', path: '/scenarios/validate', headers: yaml, body: aliasBomb },
    ...['1e20', 'Infinity', '1e309', '9223372036854775807', '-1', 'abc'].map((v) => ({ label: `issue: offset=${v}`, method: 'GET', path: `/runs?offset=${v}`, headers: {} })),
    ...DEGENERATE.map((d) => ({ label: 'issue: degenerate distribution', method: 'POST', path: '/runs', headers: json, body: JSON.stringify({ preset: 'guangzhou-2015-2017-baseline', trials: 10, overrides: { programmes: { 'tech-transaction-subsidy': d } } }) })),
    { label: 'issue: DELETE another token’s run', method: 'DELETE', path: '/runs/{ref}', headers: { authorization: `Bearer ${BOB}` } },
    { label: 'issue: DELETE without a token', method: 'DELETE', path: '/runs/{ref}', headers: {} },
    { label: 'issue: foreign Host', method: 'GET', path: '/runs', headers: { host: 'evil.example' } },
  ]
  return Array.from({ length: 5 }, () => cases).flat()
}

// ---------------------------------------------------------------------------------------------
// sending
// ---------------------------------------------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })

function resolvePlaceholders(text: string): string {
  return text.replaceAll('{ref}', referenceId).replaceAll('{mine}', mine.at(-1) ?? UNKNOWN)
}

function send(req: Req): Promise<Outcome> {
  const started = performance.now()
  return new Promise((resolve) => {
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, resolvePlaceholders(v)]))
    const body = typeof req.body === 'string' ? Buffer.from(resolvePlaceholders(req.body)) : req.body
    // Node's client sends a GET or DELETE body with neither Content-Length nor chunking, which the
    // server rightly reads as the start of the next request: say how long it is
    if (body !== undefined) headers['content-length'] = String(body.length)
    let r: ReturnType<typeof httpRequest>
    const done = (status: Outcome['status'], error?: string) => resolve({ status, ms: performance.now() - started, req, error })
    try {
      r = httpRequest({ host: '127.0.0.1', port, method: req.method, path: resolvePlaceholders(req.path), headers, agent, timeout: 10_000 }, (res) => {
        res.on('data', () => {})
        res.on('end', () => {
          const location = res.headers.location
          if (req.method === 'POST' && location && /^\/runs\/[0-9a-f-]{36}$/.test(location) && headers.authorization?.includes(MALLORY)) mine.push(location.slice(6))
          done(res.statusCode ?? 'error')
        })
        res.on('error', () => done('error'))
      })
    } catch (e) {
      // the client refuses to send it (an invalid header or path): not a server outcome
      return done('error', `client: ${(e as Error).message}`)
    }
    r.on('timeout', () => {
      r.destroy()
      done('timeout')
    })
    r.on('error', (e) => done('error', (e as Error).message))
    if (body !== undefined && body.length > 0) r.end(body)
    else r.end()
  })
}

/** Raw malformed HTTP: the server (Node's parser) must answer 4xx, never 5xx or silence. */
const RAW = [
  'GARBAGE\r\n\r\n',
  'GET /health HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n',
  'GET /health HTTP/1.1\r\n\r\n',
  `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
  'GET /he\u0000alth HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
  'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n',
  'POST /runs HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n',
  'POST /runs HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nZZZ\r\nhello\r\n0\r\n\r\n',
  'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header Name: x\r\n\r\n',
  'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n',
  `GET /${'x'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
  'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n X: folded\r\n\r\n',
]

function sendRaw(text: string): Promise<Outcome> {
  const started = performance.now()
  const req: Req = { label: `raw ${JSON.stringify(text.slice(0, 40))}`, method: 'RAW', path: '', headers: {} }
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    let settled = false
    const finish = () => {
      if (settled) return
      settled = true
      socket.destroy()
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data)
      resolve({ status: m ? Number(m[1]) : 'error', ms: performance.now() - started, req })
    }
    socket.setTimeout(10_000, finish)
    socket.on('data', (d) => {
      data += d.toString('latin1')
      if (/\r\n\r\n/.test(data)) finish()
    })
    socket.on('end', finish)
    socket.on('error', finish)
    socket.on('connect', () => socket.write(text, 'latin1'))
  })
}

async function runAll(reqs: Req[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(reqs.length)
  let next = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < reqs.length) {
        const i = next++
        outcomes[i] = await send(reqs[i])
      }
    }),
  )
  return outcomes
}

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}${path}`, init)
}

async function runReference(): Promise<{ id: string; summary: unknown }> {
  const res = await api('/runs', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${OWNER}` }, body: JSON.stringify(REFERENCE) })
  expect(res.status).toBe(202)
  const { id } = (await res.json()) as { id: string }
  await pollUntil(async () => (((await (await api(`/runs/${id}`)).json()) as { status: string }).status === 'done' ? true : undefined), 60_000)
  const summary = (await (await api(`/runs/${id}/summary`)).json()) as { rows: unknown[] }
  return { id, summary: summary.rows }
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  writeFileSync(join(dir, 'tokens'), `user:${OWNER}\nuser:${MALLORY}\n${BOB}\n`, { mode: 0o600 })
  server = await startServer(join(dir, 'data'), {
    API_TOKENS_FILE: join(dir, 'tokens'),
    RATE_LIMIT_PER_MINUTE: '10000000', // the fuzzer is one client sending thousands a minute
    MAX_TRIALS: '500',
    MAX_QUEUED_RUNS: '100000',
    MAX_CONCURRENT_RUNS: '2',
    MAX_WAIT_SECONDS: '1',
    LOG_LEVEL: 'error',
  })
  port = Number(new URL(server.base).port)
  const reference = await runReference()
  referenceId = reference.id
  referenceSummary = reference.summary
}, 90_000)

afterAll(async () => {
  agent.destroy()
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('the fuzzer', () => {
  it('gets no 5xx and no answer slower than 5 s from 10,000+ hostile requests, and the server still computes correctly afterwards', async () => {
    const generated = fc.sample(request, { seed: SEED, numRuns: REQUESTS })
    const reqs = [...issueCases(), ...generated]
    const started = performance.now()
    const outcomes = [...(await runAll(reqs)), ...(await Promise.all(RAW.map(sendRaw)))]
    const seconds = (performance.now() - started) / 1000

    const byStatus = new Map<string, number>()
    for (const o of outcomes) byStatus.set(String(o.status), (byStatus.get(String(o.status)) ?? 0) + 1)
    const slowest = outcomes.reduce((a, b) => (b.ms > a.ms ? b : a))
    console.log(
      [
        `fuzz: ${outcomes.length} requests (seed ${SEED}) in ${seconds.toFixed(1)} s, ${CONCURRENCY} at a time; ${mine.length} runs created`,
        `by status: ${[...byStatus.entries()].sort().map(([s, n]) => `${s}: ${n}`).join(', ')}`,
        `slowest: ${slowest.ms.toFixed(0)} ms (${slowest.req.label} ${slowest.req.path.slice(0, 80)})`,
      ].join('\n'),
    )

    const serverErrors = outcomes.filter((o) => typeof o.status === 'number' && o.status >= 500)
    expect(serverErrors.map((o) => `${o.status} ${o.req.label} ${o.req.path.slice(0, 120)}`)).toEqual([])
    expect(outcomes.filter((o) => o.status === 'timeout' || o.ms > SLOW_MS).map((o) => `${o.ms.toFixed(0)} ms ${o.req.label}`)).toEqual([])
    // every request reached the server and was answered (the client refused to send none of them)
    expect(outcomes.filter((o) => o.status === 'error').map((o) => `${o.req.label}: ${o.error}`)).toEqual([])
    // the issue's cases got their 4xx
    expect(outcomes.filter((o) => o.req.label.startsWith('issue:')).every((o) => typeof o.status === 'number' && o.status >= 400 && o.status < 500)).toBe(true)
    // a 500 is logged at level 50 ("request failed"), and so is a run that fails: there is none
    expect(server.output().split('\n').filter((l) => /"level":(50|60)/.test(l))).toEqual([])

    // still alive, and still right: the reference run, repeated, gives the same summary
    expect((await api('/health')).status).toBe(200)
    expect((await api(`/runs/${referenceId}`)).status).toBe(200)
    const again = await runReference()
    expect(again.id).not.toBe(referenceId)
    expect(again.summary).toEqual(referenceSummary)
  }, 115_000)
})
