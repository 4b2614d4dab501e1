// Why: a seed file is a programme's rules as cited data. Its schema makes every parameter a value
// node that carries either a source (document and clause) or an assumption mark with a rationale,
// so an uncited number cannot load. A value may be dated (values in force from and until given
// dates, as OpenFisca and Tax-Calculator do), and an assumption carries the plausible range a
// sensitivity analysis explores.
import type { Static, TSchema } from 'typebox'
import { Type } from '../validation/Type.js'
import { ValueDistributionSchema } from '../distributions/schema.js'
import { parameterNames } from '../scenario/schema.js'

const strict = { additionalProperties: false } as const
const DocumentName = Type.String({ pattern: '^[0-9]{3}_[0-9a-f]{16}\\.txt$', description: 'file in seeds/documents/' })
/** A year (from 1 January) or a date. */
const Instant = Type.Union([Type.Integer({ minimum: 1990, maximum: 2100 }), Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' })], {
  description: 'a year (meaning 1 January) or a date YYYY-MM-DD',
})

export const CitationSchema = Type.Object(
  {
    document: DocumentName,
    clause: Type.String({ minLength: 1, description: 'clause, e.g. §四(一)2 or annex item 2' }),
    quote: Type.Optional(Type.String({ minLength: 2, description: 'verbatim text of the clause' })),
    note: Type.Optional(Type.String()),
  },
  strict,
)

export const FactSchema = Type.Object(
  {
    document: DocumentName,
    clause: Type.String({ minLength: 1 }),
    fact: Type.String({ minLength: 3, description: 'the calibration fact, in English' }),
    quote: Type.Optional(Type.String({ minLength: 2 })),
  },
  strict,
)

/**
 * The plausible range of an assumed value, or of a number inside it (`at`: a path such as
 * `poisson.mean` or `lognormal.median`): a low and a high, or a distribution, with its rationale.
 */
export const RangeSchema = Type.Object(
  {
    at: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*$', description: 'path of the number inside the value; omitted for a number value' })),
    low: Type.Optional(Type.Number()),
    high: Type.Optional(Type.Number()),
    distribution: Type.Optional(ValueDistributionSchema),
    rationale: Type.String({ minLength: 10, description: 'one line: why this range' }),
    informed_by: Type.Optional(Type.Array(FactSchema, { minItems: 1 })),
  },
  strict,
)

const provenance = {
  source: Type.Optional(Type.Array(CitationSchema, { minItems: 1 })),
  assumption: Type.Optional(Type.String({ minLength: 10, description: 'one-line rationale: no document fixes this value' })),
  informed_by: Type.Optional(Type.Array(FactSchema, { minItems: 1 })),
  note: Type.Optional(Type.String()),
}

export const DatedValueSchema = Type.Object(
  {
    value: Type.Unknown(),
    from: Type.Optional(Instant),
    until: Type.Optional(Instant),
    ...provenance,
  },
  { ...strict, required: ['value'] },
)

export const ValueNodeSchema = Type.Object(
  {
    value: Type.Optional(Type.Unknown()),
    values: Type.Optional(Type.Array(DatedValueSchema, { minItems: 1, description: 'dated values: each in force from `from` until `until`' })),
    ...provenance,
    ranges: Type.Optional(Type.Array(RangeSchema, { minItems: 1 })),
  },
  strict,
)

/** The schema of a seed file (its parameters are those of the registered mechanisms). */
export function seedSchema(): TSchema {
  return Type.Object(
    {
      id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }),
      title: Type.String({ minLength: 3 }),
      title_zh: Type.String({ minLength: 2 }),
      issuer: Type.String({ minLength: 3 }),
      document: DocumentName,
      applicant: Type.String({ minLength: 3, description: 'who applies (enterprise, institution, pilot region)' }),
      summary: Type.String({ minLength: 10 }),
      notes: Type.Optional(Type.Array(Type.String())),
      parameters: Type.Object(Object.fromEntries(parameterNames().map((k) => [k, Type.Optional(ValueNodeSchema)])) as Record<string, any>, strict),
    },
    strict,
  )
}

/** Rules that move money but are not fiscal outlay (inventors' income shares): listed, not modelled. */
export const NotModelledSchema = Type.Object(
  {
    rules: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }),
          title: Type.String({ minLength: 3 }),
          title_zh: Type.Optional(Type.String()),
          source: Type.Array(CitationSchema, { minItems: 1 }),
          why: Type.String({ minLength: 10, description: 'why it is not fiscal outlay' }),
        },
        strict,
      ),
      { minItems: 1 },
    ),
  },
  strict,
)

export const DocumentIndexSchema = Type.Object(
  {
    documents: Type.Array(
      Type.Object(
        {
          file: DocumentName,
          issuer: Type.String(),
          reference: Type.Optional(Type.String()),
          date: Type.String(),
          title_zh: Type.String(),
          title: Type.String(),
        },
        strict,
      ),
      { minItems: 1 },
    ),
  },
  strict,
)

export type Citation = Static<typeof CitationSchema>
export type Fact = Static<typeof FactSchema>
export type Range = Static<typeof RangeSchema>
export type DatedValue = Static<typeof DatedValueSchema>
export type ValueNode = Static<typeof ValueNodeSchema>
export type NotModelledRule = Static<typeof NotModelledSchema>['rules'][number]
export type DocumentInfo = Static<typeof DocumentIndexSchema>['documents'][number]
export interface SeedDocument {
  id: string
  title: string
  title_zh: string
  issuer: string
  document: string
  applicant: string
  summary: string
  notes?: string[]
  parameters: Record<string, ValueNode>
}
