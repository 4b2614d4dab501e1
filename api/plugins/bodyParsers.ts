// Why: request bodies are the first thing hostile input reaches. JSON bodies nested deeper than
// MAX_NESTING_DEPTH are refused from the text, before parsing (3,000 levels overflowed the
// validator's stack: a 500). YAML bodies are parsed by a library that takes about a second per
// 100 KB of adversarial text, so they are limited to YAML_BODY_LIMIT (64 KiB by default); a larger
// body sent as YAML must be JSON text, which is parsed by the JSON parser instead.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { BudgetSimError } from '../../engine/errors.js'
import { parseScenarioText } from '../../engine/scenario/parseScenarioText.js'
import { MAX_NESTING_DEPTH } from '../../engine/validation/nestingDepth.js'
import type { Config } from '../config.js'
import { ApiError } from '../errors.js'
import { jsonNestingBound } from '../security/jsonNestingBound.js'

export const YAML_MEDIA_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml']

type Done = (err: Error | null, body?: unknown) => void

/** Replace the JSON parser with a depth-limited one and add the size-limited YAML parser. */
export function registerBodyParsers(app: FastifyInstance, config: Config): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')

  const tooDeep = (text: string, what: string): ApiError | null => {
    const at = jsonNestingBound(text, MAX_NESTING_DEPTH)
    if (at < 0) return null
    return new ApiError('BODY_TOO_DEEP', `the ${what} body nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep (a request needs about 10)`, [
      { path: '(body)', message: `nested more than ${MAX_NESTING_DEPTH} levels deep at character ${at + 1}` },
    ])
  }

  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request: FastifyRequest, body: string | Buffer, done: Done) => {
    const text = body as string
    const deep = tooDeep(text, 'JSON')
    if (deep) return done(deep)
    parseJson(request, text, done)
  })

  app.addContentTypeParser(YAML_MEDIA_TYPES, { parseAs: 'string' }, (request: FastifyRequest, body: string | Buffer, done: Done) => {
    const text = body as string
    if (Buffer.byteLength(text) > config.yamlBodyLimit) {
      if (!/^\s*\{/.test(text))
        return done(
          new ApiError('BODY_TOO_LARGE', `a YAML body may be at most ${config.yamlBodyLimit} bytes (YAML_BODY_LIMIT); send a larger scenario as JSON (application/json)`),
        )
      // JSON is YAML: a large body written as JSON is read by the (fast) JSON parser
      const deep = tooDeep(text, 'YAML')
      if (deep) return done(deep)
      return parseJson(request, text, (err, data) => {
        if (err) return done(err)
        if (data === null || typeof data !== 'object' || Array.isArray(data))
          return done(new BudgetSimError('SCENARIO_PARSE_ERROR', 'request body: a scenario must be a mapping of keys (name, years, trials, ...)'))
        done(null, data)
      })
    }
    try {
      done(null, parseScenarioText(text, 'request body'))
    } catch (e) {
      done(e as Error)
    }
  })
}
