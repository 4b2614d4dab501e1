// Why: one definition of the scenario format. The TypeScript types, the Ajv validator, the API's
// route schemas and the published scenarios/schema.json are all derived from it.
import Type, { type Static } from 'typebox'
import { CountDistributionSchema, GrowingCountSchema, ValueDistributionSchema } from '../distributions/schema.js'
import { MAX_TRIALS_HARD } from '../limits.js'

export const LevelNames = ['national', 'provincial', 'municipal'] as const
export type Level = (typeof LevelNames)[number]
export const ExhaustionRules = ['record', 'pro_rata', 'first_come'] as const
export type ExhaustionRule = (typeof ExhaustionRules)[number]
export const SelectionOrders = ['score', 'random'] as const

/** Key patterns, with the words used when a key does not match. */
export const KeyPatterns = {
  name: { pattern: '^[a-z0-9][a-z0-9._-]{0,99}$', words: 'lower-case letters, digits, ".", "_" or "-" (at most 100)' },
  programme: { pattern: '^[a-z0-9][a-z0-9-]{0,63}$', words: 'a programme id (lower-case letters, digits and "-")' },
  year: { pattern: '^[0-9]{4}$', words: 'a four-digit year' },
  tier: { pattern: '^[a-z][a-z0-9_]{0,39}$', words: 'a tier name (lower-case letters, digits and "_")' },
} as const

const strict = { additionalProperties: false } as const
const Year = Type.Integer({ minimum: 1990, maximum: 2100, description: 'calendar year' })
const Share = (description: string) => Type.Number({ minimum: 0, maximum: 1, description })
const Money = (description: string) => Type.Number({ minimum: 0, maximum: 1e15, description })

const levelMap = <T extends Parameters<typeof Type.Optional>[0]>(value: T) =>
  Type.Object(
    {
      national: Type.Optional(value),
      provincial: Type.Optional(value),
      municipal: Type.Optional(value),
    },
    strict,
  )

const tierMap = <T extends Parameters<typeof Type.Optional>[0]>(value: T, description: string) =>
  Type.Record(Type.String({ pattern: KeyPatterns.tier.pattern }), value, { ...strict, minProperties: 1, description })

export const MatchingRuleSchema = Type.Object(
  {
    of: Type.Enum([...LevelNames], { description: 'the funding level whose outlay is matched' }),
    ratio: Type.Union([Type.Number({ minimum: 0, maximum: 1000 }), ValueDistributionSchema], {
      description: 'matching = ratio x matched outlay; a number, or a distribution drawn per trial and year',
    }),
  },
  strict,
)

export const QuotaSchema = Type.Object(
  {
    per_year: Type.Optional(Type.Integer({ minimum: 0, description: 'new selections per year at most' })),
    total: Type.Optional(Type.Integer({ minimum: 0, description: 'selections over all the programme years at most' })),
    recurring: Type.Optional(
      Type.Boolean({ description: 'selected applicants receive a grant again each later programme year' }),
    ),
  },
  { ...strict, minProperties: 1 },
)

/**
 * The parameters of a programme. Seeds give each a value with its citation or assumption mark;
 * a scenario entry overrides any of them.
 */
export const programmeParameterSchemas = {
  years: Type.Array(Year, { minItems: 1, maxItems: 50, uniqueItems: true, description: 'years the programme runs' }),
  applicants: GrowingCountSchema,
  contracts_per_applicant: CountDistributionSchema,
  contract_value: ValueDistributionSchema,
  basis: ValueDistributionSchema,
  approval_rate: Share('probability that an application is approved on its merits'),
  rate: Share('entitlement rate applied to the basis (sum of contract values, or basis)'),
  amount: Money('flat amount per recipient (CNY)'),
  tier_shares: tierMap(Share('probability of the tier'), 'probability that an applicant falls in each tier'),
  tier_amounts: tierMap(Money('flat amount for the tier (CNY)'), 'flat amount per recipient in each tier'),
  cap: Type.Unsafe<number | null>({
    type: ['number', 'null'],
    minimum: 0,
    maximum: 1e15,
    description: 'most paid per applicant and year (CNY); null for no cap',
  }),
  quota: Type.Union([QuotaSchema, Type.Null()], { description: 'selection limits; null removes a seeded quota' }),
  selection: Type.Enum([...SelectionOrders], {
    description: 'who gets a slot when the quota binds: highest basis first (score) or by lot (random)',
  }),
  funding: levelMap(Share('share of the programme outlay paid by the level')),
  matching: Type.Union([levelMap(MatchingRuleSchema), Type.Null()], { description: 'matching obligations; null removes seeded ones' }),
}

export type ParameterName = keyof typeof programmeParameterSchemas
export const ParameterNames = Object.keys(programmeParameterSchemas) as ParameterName[]

export const ProgrammeParametersSchema = Type.Object(
  Object.fromEntries(ParameterNames.map((k) => [k, Type.Optional(programmeParameterSchemas[k])])) as {
    [K in ParameterName]: ReturnType<typeof Type.Optional<(typeof programmeParameterSchemas)[K]>>
  },
  strict,
)

export const ProgrammeEntrySchema = Type.Object(
  {
    ...ProgrammeParametersSchema.properties,
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'why the scenario sets these values' })),
  },
  strict,
)

const YearAmounts = Type.Record(
  Type.String({ pattern: KeyPatterns.year.pattern }),
  Type.Union([Money('appropriation for the year (CNY)'), Type.Null()]),
  { ...strict, description: 'appropriation per year; null removes an inherited year' },
)

export const ScenarioSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ pattern: KeyPatterns.name.pattern, description: 'scenario name' }),
    title: Type.Optional(Type.String({ maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    extends: Type.Optional(Type.String({ pattern: KeyPatterns.name.pattern, description: 'preset this scenario changes' })),
    years: Type.Optional(Type.Array(Year, { minItems: 1, maxItems: 50, uniqueItems: true })),
    trials: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TRIALS_HARD, description: 'Monte Carlo trials' })),
    seed: Type.Optional(
      Type.Unsafe<number | string>({
        type: ['integer', 'string'],
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        minLength: 1,
        maxLength: 200,
        description: 'random seed (same seed, same results)',
      }),
    ),
    programmes: Type.Optional(
      Type.Record(Type.String({ pattern: KeyPatterns.programme.pattern }), Type.Union([ProgrammeEntrySchema, Type.Null()]), {
        ...strict,
        description: 'programme id -> overrides of its seeded parameters ({} for none; null removes an inherited programme)',
      }),
    ),
    appropriations: Type.Optional(levelMap(Type.Union([YearAmounts, Type.Null()]))),
    on_exhaustion: Type.Optional(
      Type.Enum([...ExhaustionRules], {
        description: 'when demand exceeds an appropriation: record it, pay pro rata, or pay first come first served',
      }),
    ),
  },
  {
    ...strict,
    if: { not: { required: ['extends'] } },
    then: { required: ['years', 'trials', 'seed', 'programmes'] },
  },
)

export type ProgrammeParameters = Static<typeof ProgrammeParametersSchema>
export type ProgrammeEntry = Static<typeof ProgrammeEntrySchema>
export type ScenarioDocument = Static<typeof ScenarioSchema>
export type MatchingRule = Static<typeof MatchingRuleSchema>
export type Quota = Static<typeof QuotaSchema>

/** The published JSON Schema document (scenarios/schema.json). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://budget-sim.local/scenarios/schema.json',
    title: 'budget-sim scenario',
    description:
      'Which programmes run, over which years, with which distributions, overrides and appropriations. Generated from engine/scenario/schema.ts by `npm run schema`; do not edit.',
    ...JSON.parse(JSON.stringify(ScenarioSchema)),
  }
}
