// Why: one definition of the scenario format. The JSON Schema is built from the registered
// mechanisms (each owns its parameters' schemas) and the funding levels (data), so a new mechanism
// or level changes the format without an edit here. The Ajv validator, the API's route schemas,
// the seeds' validation and the published scenarios/schema.json are all derived from it.
import type { TSchema } from 'typebox'
import { Type } from '../validation/Type.js'
import { MAX_TRIALS_HARD } from '../limits.js'
import { mechanisms, registryVersion } from '../mechanisms/registry.js'
import { levelIds } from '../policy/levels.js'
import { KeyPatterns } from './keyPatterns.js'

export { KeyPatterns }
export { ExhaustionRules, type ExhaustionRule } from '../mechanisms/exhaustion.js'
export { SelectionOrders } from '../mechanisms/quota.js'

/** A funding level id (from seeds/levels.yaml). */
export type Level = string

/** The funding levels, in report order (data: seeds/levels.yaml). */
export function levelNames(): string[] {
  return levelIds()
}

const strict = { additionalProperties: false } as const
const Year = Type.Integer({ minimum: 1990, maximum: 2100, description: 'calendar year' })

/** Parameters every programme has, whatever its mechanisms. */
const coreParameters = {
  years: Type.Array(Year, { minItems: 1, maxItems: 50, uniqueItems: true, description: 'years the programme runs' }),
}

/** The parameters of a programme: name -> value schema, from the core and every programme mechanism. */
export function programmeParameterSchemas(): Record<string, TSchema> {
  return cached('parameters', () => {
    const out: Record<string, TSchema> = { ...coreParameters }
    for (const m of mechanisms('programme')) Object.assign(out, m.parameters)
    return out
  })
}

/** Names of every programme parameter. */
export function parameterNames(): string[] {
  return Object.keys(programmeParameterSchemas())
}

/**
 * A value that changes from a given year on: `{ by_year: { "2017": 3000000 } }` applies 3,000,000
 * from 2017 (years before the first key keep the value the parameter has otherwise).
 */
export function datedSchema(value: TSchema): TSchema {
  return Type.Object(
    {
      by_year: Type.Record(Type.String({ pattern: KeyPatterns.year.pattern }), value, {
        ...strict,
        minProperties: 1,
        description: 'year -> the value in force from that year on',
      }),
    },
    { ...strict, description: 'a value that changes over the years', 'x-dated': true },
  )
}

/** The schema of a scenario's programme entry: any parameter (plain or by year), and a note. */
export function programmeEntrySchema(): TSchema {
  return cached('entry', () =>
    Type.Object(
      {
        ...Object.fromEntries(
          Object.entries(programmeParameterSchemas()).map(([k, s]) => {
            // one flat list of alternatives (a value, null, or the value by year), so errors name the right one
            const alternatives = (s as { anyOf?: TSchema[] }).anyOf ?? [s]
            return [k, Type.Optional(Type.Union([...alternatives, datedSchema(s)], { description: (s as { description?: string }).description }))]
          }),
        ),
        note: Type.Optional(Type.String({ maxLength: 2000, description: 'why the scenario sets these values' })),
      },
      strict,
    ),
  )
}

/** The JSON Schema of a scenario document (nothing referenced: it embeds in API request bodies as is). */
export function scenarioSchema(): TSchema {
  return cached('scenario', () => buildScenarioSchema())
}

function buildScenarioSchema(): TSchema {
  return (() => {
    const scenarioParameters: Record<string, TSchema> = {}
    for (const m of mechanisms('scenario')) for (const [k, s] of Object.entries(m.parameters)) scenarioParameters[k] = Type.Optional(s)
    return Type.Object(
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
          Type.Record(Type.String({ pattern: KeyPatterns.programme.pattern }), Type.Union([programmeEntrySchema(), Type.Null()]), {
            ...strict,
            description: 'programme id -> overrides of its seeded parameters ({} for none; null removes an inherited programme)',
          }),
        ),
        assumptions: Type.Optional(
          Type.Record(Type.String({ minLength: 1, maxLength: 200 }), Type.String({ minLength: 10, maxLength: 2000 }), {
            ...strict,
            description: 'figures of this scenario that no document fixes, by path (e.g. "appropriations.municipal"): why they are what they are',
          }),
        ),
        ...scenarioParameters,
      },
      {
        ...strict,
        if: { not: { required: ['extends'] } },
        then: { required: ['years', 'trials', 'seed', 'programmes'] },
      },
    )
  })()
}

/** A scenario document (programme parameters are open: the registry defines them). */
export interface ScenarioDocument {
  $schema?: string
  name: string
  title?: string
  description?: string
  extends?: string
  years?: number[]
  trials?: number
  seed?: number | string
  programmes?: Record<string, ProgrammeEntry | null>
  appropriations?: Record<string, Record<string, number | null> | null>
  on_exhaustion?: 'record' | 'pro_rata' | 'first_come'
  /** figures of the scenario no document fixes, by path, with their rationale */
  assumptions?: Record<string, string>
  [scenarioParameter: string]: unknown
}

/** A programme entry of a scenario: parameter overrides (plain, or `{ by_year }`), and a note. */
export type ProgrammeEntry = Record<string, unknown> & { note?: string }

/** A programme's parameters in one year, as resolved. */
export type ProgrammeParameters = Record<string, any>

/** The published JSON Schema document (scenarios/schema.json). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://budget-sim.local/scenarios/schema.json',
    title: 'budget-sim scenario',
    description:
      'Which programmes run, over which years, with which distributions, overrides and appropriations. Generated from the registered mechanisms (engine/mechanisms/) and the funding levels (seeds/levels.yaml) by `npm run schema`; do not edit.',
    ...JSON.parse(JSON.stringify(scenarioSchema())),
  }
}

const cache = new Map<string, { version: number; value: unknown }>()
function cached<T>(key: string, make: () => T): T {
  const hit = cache.get(key)
  if (hit && hit.version === registryVersion()) return hit.value as T
  const value = make()
  cache.set(key, { version: registryVersion(), value })
  return value
}
