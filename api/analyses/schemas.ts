// Why: the analyses' contract, published in OpenAPI: the request of POST /analyses, the analysis
// resource with its progress, the tornado's and the goal seek's results, and the budget-impact
// rows of GET /runs/:id/compare.
import Type from 'typebox'
import { DEFAULT_TRIALS_PER_VECTOR, DEFAULT_VECTORS } from '../../engine/analysis/contribution.js'
import { DEFAULT_REPLICATES } from '../../engine/analysis/goalSeek.js'
import { Statistics } from '../../engine/analysis/target.js'
import { MAX_TRIALS_HARD } from '../../engine/limits.js'
import { partialScenarioSchema, scenarioBodySchema } from '../schemas.js'

const Nullable = <T extends object>(schema: T) => Type.Union([schema as any, Type.Null()])
const YearOrAll = { anyOf: [{ type: 'integer', minimum: 1990, maximum: 2100 }, { type: 'string', enum: ['all'] }], description: 'a year of the scenario, or "all"' }

const TargetRequest = {
  type: 'object',
  additionalProperties: false,
  description:
    'The figure: statistic of the outlay `measure` at funding `level` (or all) in `year` (or all). For a goal seek also the condition: `op` (<= or >=) and `value`.',
  properties: {
    measure: { type: 'string', enum: ['demand', 'paid'], default: 'demand' },
    level: { type: 'string', maxLength: 40, default: 'all', description: 'a funding level of the run, or "all"' },
    year: YearOrAll,
    statistic: { type: 'string', enum: [...Statistics], default: 'mean', description: 'mean, p95 (95th percentile), or p_exceed (chance of exceeding the group appropriation)' },
    op: { type: 'string', enum: ['<=', '>='], description: 'goal seek: the condition on the statistic' },
    value: { type: 'number', description: 'goal seek: the threshold (a probability for p_exceed)' },
  },
}

export const analysisRequestSchema = () => ({
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  description:
    'A sensitivity analysis (tornado and contribution to variance) or a goal seek, of a preset (with optional overrides) or a whole scenario, on the same random draws throughout.',
  properties: {
    kind: { type: 'string', enum: ['sensitivity', 'goal_seek'] },
    preset: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,99}$', description: 'name of a preset (GET /scenarios)' },
    overrides: partialScenarioSchema(),
    scenario: scenarioBodySchema(),
    trials: { type: 'integer', minimum: 1, maximum: MAX_TRIALS_HARD, description: 'trials of each run (default: the scenario’s)' },
    seed: { type: ['integer', 'string'], minimum: 0, maximum: Number.MAX_SAFE_INTEGER, minLength: 1, maxLength: 200, description: 'the seed every run shares (default: the scenario’s)' },
    target: TargetRequest,
    ranges: {
      type: 'array',
      maxItems: 100,
      description: 'sensitivity: ranges of the request, beside the seeds’ ranges of assumptions (a path given here replaces a seeded range on it)',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'low', 'high'],
        properties: {
          path: { type: 'string', maxLength: 300, description: 'programmes.<id>.<parameter>[.<path inside the value>] or appropriations.<level>.<year>' },
          low: { type: 'number' },
          high: { type: 'number' },
        },
      },
    },
    seeded_ranges: { type: 'boolean', default: true, description: 'sensitivity: false studies only the ranges of the request, not the seeds’ ranges of assumptions' },
    contribution: {
      description: `sensitivity: the contribution to variance's Latin hypercube (default ${DEFAULT_VECTORS} vectors of ${DEFAULT_TRIALS_PER_VECTOR} trials), or false to skip it`,
      anyOf: [
        { type: 'boolean', enum: [false] },
        {
          type: 'object',
          additionalProperties: false,
          properties: {
            vectors: { type: 'integer', minimum: 4, maximum: 1000, default: DEFAULT_VECTORS },
            trials_per_vector: { type: 'integer', minimum: 1, maximum: 100_000, default: DEFAULT_TRIALS_PER_VECTOR },
          },
        },
      ],
    },
    parameter: { type: 'string', maxLength: 300, description: 'goal seek: the parameter path, e.g. programmes.tech-transaction-subsidy.cap or appropriations.municipal.2017' },
    interval: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number' }, description: 'goal seek: [low, high] (default: the parameter’s range, else [0, 2 x its value], shares at most 1)' },
    replicates: { type: 'integer', minimum: 1, maximum: 50, default: DEFAULT_REPLICATES, description: 'goal seek: independent seeds (the run’s own first) whose answers’ sd is the answer’s uncertainty' },
  },
  examples: [
    { kind: 'sensitivity', preset: 'guangzhou-2015-2017-baseline', trials: 2000, target: { measure: 'demand', level: 'municipal', year: 2017, statistic: 'mean' } },
    {
      kind: 'goal_seek',
      preset: 'guangzhou-2015-2017-baseline',
      trials: 2000,
      parameter: 'programmes.tech-transaction-subsidy.cap',
      target: { level: 'municipal', year: 2017, statistic: 'p_exceed', op: '<=', value: 0.05 },
      interval: [1000000, 5000000],
    },
  ],
})

const Estimate = { value: Type.Number(), se: Nullable(Type.Number({ description: 'Monte Carlo standard error (null under 200 trials for p95 and p_exceed)' })) }
const TargetSchema = Type.Object(
  {
    measure: Type.String(),
    level: Type.String(),
    year: Type.Union([Type.Integer(), Type.String()]),
    statistic: Type.String(),
  },
  { additionalProperties: false },
)

export const TornadoResultSchema = Type.Object(
  {
    statistic: Type.String(),
    target: TargetSchema,
    figure: Type.String({ description: 'the figure in words' }),
    trials: Type.Integer(),
    seed: Type.String(),
    base: Type.Object(Estimate, { description: 'the figure in the run as given' }),
    bars: Type.Array(
      Type.Object(
        {
          parameter: Type.String({ description: 'the parameter path' }),
          label: Type.String(),
          origin: Type.String({ description: 'provenance of the value: assumption (a seeded range), policy, scenario, default' }),
          unit: Type.String(),
          value: Nullable(Type.Number({ description: 'the run’s own value' })),
          source: Type.String({ description: 'seed or request: where the range comes from' }),
          rationale: Nullable(Type.String()),
          years: Nullable(Type.Array(Type.Integer(), { description: 'a dated parameter ranged only in the years its value is an assumption' })),
          low: Type.Object({ input: Type.Number(), ...Estimate }),
          high: Type.Object({ input: Type.Number(), ...Estimate }),
          swing: Type.Number({ description: 'figure at high - figure at low, on the same draws' }),
          swing_se: Nullable(Type.Number({ description: 'paired Monte Carlo standard error of the swing' })),
          crosses_zero: Nullable(Type.Boolean({ description: 'the swing’s 95% interval (±1.96 swing_se) contains zero' })),
        },
        { additionalProperties: false },
      ),
      { description: 'one bar per ranged parameter, largest |swing| first' },
    ),
    contribution: Nullable(
      Type.Object(
        {
          method: Type.String(),
          vectors: Type.Integer(),
          trials_per_vector: Type.Integer(),
          parameters: Type.Array(Type.Object({ parameter: Type.String(), rank_correlation: Type.Number(), share: Type.Number() }, { additionalProperties: false })),
        },
        { additionalProperties: false },
      ),
    ),
    skipped: Type.Optional(
      Type.Array(Type.Object({ parameter: Type.String(), reason: Type.String() }, { additionalProperties: false }), {
        description: 'seeded ranges this scenario cannot take (e.g. a funding share with no other level to take the rest), with why',
      }),
    ),
  },
  { additionalProperties: false, description: 'kind sensitivity: the tornado and the contribution to variance' },
)

const Point = Type.Object({ input: Type.Number(), ...Estimate, met: Type.Boolean() }, { additionalProperties: false })

export const GoalSeekResultSchema = Type.Object(
  {
    method: Type.String({ description: 'bisection, or quantile (an appropriation: the (1 - p) quantile of its group’s outlay, from one run)' }),
    parameter: Type.String(),
    label: Type.String(),
    unit: Type.String(),
    origin: Type.String(),
    current: Nullable(Type.Number({ description: 'the parameter’s value in the run' })),
    target: TargetSchema,
    figure: Type.String(),
    condition: Type.Object({ statistic: Type.String(), op: Type.String(), value: Type.Number() }, { additionalProperties: false }),
    interval: Nullable(Type.Array(Type.Number())),
    interval_source: Nullable(Type.String({ description: 'request, range (the parameter’s range) or rule ([0, 2 x value])' })),
    trials: Type.Integer(),
    seed: Type.String(),
    answer: Type.Number({ description: 'the parameter value at which the target is just met' }),
    answer_sd: Nullable(Type.Number({ description: 'bisection: sd of the answers on the replicates’ independent seeds' })),
    answer_se: Nullable(Type.Number({ description: 'quantile: batch-means standard error' })),
    at_answer: Type.Object(Estimate, { description: 'the statistic at the answer' }),
    replicates: Type.Array(
      Type.Object(
        { seed: Type.String(), answer: Nullable(Type.Number()), error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })) },
        { additionalProperties: false },
      ),
    ),
    points: Type.Array(Point, { description: 'the points evaluated on the run’s own seed' }),
    iterations: Type.Integer(),
    resolution: Type.Number({ description: 'width of the final bisection bracket on the run’s own seed' }),
  },
  { additionalProperties: false, description: 'kind goal_seek' },
)

export const AnalysisSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.String({ description: 'sensitivity or goal_seek' }),
    status: Type.String({ description: 'queued, running, done, failed or cancelled' }),
    name: Type.String(),
    preset: Nullable(Type.String()),
    trials: Type.Integer(),
    seed: Type.String(),
    progress: Type.Object(
      {
        runs_done: Type.Integer(),
        runs: Type.Integer({ description: 'runs planned (a goal seek: the most it may need)' }),
        fraction: Type.Number(),
      },
      { additionalProperties: false },
    ),
    draws: Nullable(Type.Integer({ description: 'random draws made by all the runs' })),
    attempts: Type.Integer(),
    created_at: Type.String(),
    started_at: Nullable(Type.String()),
    finished_at: Nullable(Type.String()),
    error: Nullable(Type.Object({ code: Type.String(), message: Type.String(), detail: Type.Optional(Type.Unknown()) })),
    request: Type.Object({}, { additionalProperties: true, description: 'the request as submitted' }),
    result: Nullable(Type.Union([TornadoResultSchema, GoalSeekResultSchema])),
    links: Type.Record(Type.String(), Type.String()),
  },
  { additionalProperties: false },
)

export const ImpactRowSchema = Type.Object(
  {
    year: Type.Union([Type.Integer(), Type.String()], { description: 'a year or "all"' }),
    level: Type.String({ description: 'a funding level or "all"' }),
    measure: Type.String(),
    appropriation_before: Nullable(Type.Number()),
    appropriation_after: Nullable(Type.Number()),
    mean_before: Type.Number({ description: 'mean outlay of the baseline (against)' }),
    mean_after: Type.Number({ description: 'mean outlay of the reform (this run)' }),
    difference: Type.Number({ description: 'mean_after - mean_before' }),
    difference_se: Nullable(Type.Number({ description: 'paired standard error: sd of the per-trial differences / sqrt(trials)' })),
    p95_before: Type.Number(),
    p95_after: Type.Number(),
    p_exceed_before: Nullable(Type.Number({ description: 'chance of exceeding the appropriation (null where there is none)' })),
    p_exceed_after: Nullable(Type.Number()),
  },
  { additionalProperties: false },
)

export const CompareSchema = Type.Object(
  {
    run: Type.String({ description: 'the reform (after)' }),
    against: Type.String({ description: 'the baseline (before)' }),
    measure: Type.String(),
    trials: Type.Integer(),
    seed: Type.String(),
    rows: Type.Array(ImpactRowSchema, { description: 'by year then all years; within each, by level then all levels' }),
  },
  { additionalProperties: false },
)
