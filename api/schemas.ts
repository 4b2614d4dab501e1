// Why: route schemas are the API's contract: they validate requests, shape responses, and are
// published as OpenAPI. Shared pieces live here.
import Type from 'typebox'
import { MAX_TRIALS_HARD } from '../engine/limits.js'
import { scenarioSchema } from '../engine/scenario/schema.js'

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI of the problem type: /problems#CODE' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'stable error code (see GET /problems)' }),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details (application/problem+json)' },
)

/** Response entries for the error statuses a route may answer. */
export function problems(...statuses: number[]): Record<number, unknown> {
  const descriptions: Record<number, string> = {
    400: 'Malformed request or invalid parameters',
    404: 'Not found',
    406: 'No acceptable representation',
    409: 'Conflict with the run state',
    413: 'Too large: body, or a run beyond the configured limits',
    415: 'Unsupported media type',
    422: 'Invalid scenario (every offending field in `errors`)',
    503: 'Queue full or shutting down (see Retry-After)',
    500: 'Internal error',
    504: 'An outside program (Chromium printing a report) took too long',
    507: 'The run store has no room for the run (MAX_DATA_BYTES)',
  }
  return Object.fromEntries(statuses.map((s) => [s, { ...ProblemSchema, description: descriptions[s] ?? 'Error' }]))
}

/** The scenario document; `name` not required (for overrides of a preset). */
export function partialScenarioSchema() {
  const { required: _r, if: _i, then: _t, ...rest } = JSON.parse(JSON.stringify(scenarioSchema()))
  return { ...rest, description: 'any scenario fields; they are applied on top of the preset (as with `extends`)' }
}

/** The scenario document as a request body (built from the registered mechanisms when routes are registered). */
export function scenarioBodySchema() {
  return JSON.parse(JSON.stringify(scenarioSchema()))
}

export const runRequestSchema = () => ({
  type: 'object',
  additionalProperties: false,
  description: 'Either a preset (with optional overrides) or a whole scenario. A YAML body (application/yaml) is taken as a whole scenario.',
  properties: {
    preset: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,99}$', description: 'name of a preset (GET /scenarios)' },
    overrides: partialScenarioSchema(),
    scenario: scenarioBodySchema(),
    trials: { type: 'integer', minimum: 1, maximum: MAX_TRIALS_HARD, description: 'overrides the scenario trials (the server may allow fewer: MAX_TRIALS)' },
    seed: { type: ['integer', 'string'], minimum: 0, maximum: Number.MAX_SAFE_INTEGER, minLength: 1, maxLength: 200, description: 'overrides the scenario seed' },
    precision: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      description:
        'run to a precision: trials are added (checks at 1,000 x 2^(k/2) trials rounded to hundreds, then the maximum) until each figure’s Monte Carlo standard error is at most `se`; `trials` is then the maximum. The result equals a fixed run of the trials used.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['statistic', 'se'],
        properties: {
          statistic: { type: 'string', enum: ['mean', 'p95', 'p_exceed'] },
          level: { type: 'string', maxLength: 40, default: 'all' },
          year: { anyOf: [{ type: 'integer', minimum: 1990, maximum: 2100 }, { type: 'string', enum: ['all'] }], default: 'all' },
          measure: { type: 'string', enum: ['demand', 'paid'], default: 'demand' },
          se: { type: 'number', exclusiveMinimum: 0, description: 'the largest standard error accepted' },
        },
      },
    },
  },
  examples: [
    { preset: 'guangzhou-2015-2017-baseline', trials: 2000 },
    { preset: 'guangzhou-2015-2017-baseline', overrides: { programmes: { 'tech-transaction-subsidy': { cap: 3000000 } } } },
    { preset: 'guangzhou-2015-2017-baseline', trials: 100000, precision: [{ statistic: 'p_exceed', level: 'municipal', year: 2017, se: 0.002 }] },
  ],
})

export const RunSchema = Type.Object(
  {
    id: Type.String(),
    status: Type.Enum(['queued', 'running', 'done', 'failed', 'cancelled']),
    name: Type.String(),
    preset: Type.Union([Type.String(), Type.Null()]),
    lineage: Type.Array(Type.String()),
    scenario_hash: Type.String(),
    trials: Type.Integer(),
    seed: Type.String(),
    progress: Type.Object({
      trials_done: Type.Integer(),
      trials: Type.Integer(),
      fraction: Type.Number(),
      phase: Type.String({ description: 'queued, simulate, summarize, write or finished' }),
      series_done: Type.Optional(Type.Integer({ description: 'summary series described so far (summarize phase)' })),
      series: Type.Optional(Type.Integer()),
      eta_seconds: Type.Optional(Type.Union([Type.Number(), Type.Null()], { description: 'seconds left in the phase, once the rate is known' })),
    }),
    applications_simulated: Type.Union([Type.Integer(), Type.Null()]),
    draws: Type.Union([Type.Integer(), Type.Null()], { description: 'random draws made' }),
    bytes: Type.Union([Type.Integer(), Type.Null()], { description: 'bytes of result files (expected while queued or running)' }),
    spec_hash: Type.String({ description: 'hash of the run specification: equal hashes give byte-identical results' }),
    rows: Type.Union([Type.Integer(), Type.Null()]),
    attempts: Type.Integer({ description: 'times started; above 1 after a restart re-queued it' }),
    created_at: Type.String(),
    started_at: Type.Union([Type.String(), Type.Null()]),
    finished_at: Type.Union([Type.String(), Type.Null()]),
    timings: Type.Object({
      simulate_ms: Type.Union([Type.Number(), Type.Null()]),
      summarize_ms: Type.Union([Type.Number(), Type.Null()]),
      write_ms: Type.Union([Type.Number(), Type.Null()]),
      total_ms: Type.Union([Type.Number(), Type.Null()]),
    }),
    error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
    scenario: Type.Object({}, { additionalProperties: true, description: 'the scenario simulated (standalone, extends applied)' }),
    links: Type.Record(Type.String(), Type.String()),
    precision: Type.Optional(
      Type.Object(
        {
          targets: Type.Array(Type.Object({ statistic: Type.String(), level: Type.String(), year: Type.Union([Type.Integer(), Type.String()]), measure: Type.String(), se: Type.Number() })),
          max_trials: Type.Integer({ description: 'the trials asked for: the most the run may use' }),
          met: Type.Union([Type.Boolean(), Type.Null()], { description: 'every target met (false: the maximum was reached first; null until done)' }),
          trials_used: Type.Union([Type.Integer(), Type.Null()], { description: 'the trials the run stopped at (its `trials` once done)' }),
          checks: Type.Array(
            Type.Object({ trials: Type.Integer(), se: Type.Array(Type.Union([Type.Number(), Type.Null()])), met: Type.Boolean() }),
            { description: 'each check: the trial count and each target’s standard error' },
          ),
        },
        { description: 'a run to a precision (POST /runs with `precision`)' },
      ),
    ),
  },
  { additionalProperties: false },
)
