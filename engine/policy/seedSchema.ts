// Why: a seed file is a programme's rules as cited data. Its schema makes every parameter a value
// node that carries either a source (document and clause) or an assumption mark with a rationale,
// so an uncited number cannot load.
import Type, { type Static } from 'typebox'
import { ParameterNames } from '../scenario/schema.js'

const strict = { additionalProperties: false } as const
const DocumentName = Type.String({ pattern: '^[0-9]{3}_[0-9a-f]{16}\\.txt$', description: 'file in seeds/documents/' })

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

export const ValueNodeSchema = Type.Object(
  {
    value: Type.Unknown(),
    source: Type.Optional(Type.Array(CitationSchema, { minItems: 1 })),
    assumption: Type.Optional(Type.String({ minLength: 10, description: 'one-line rationale: no document fixes this value' })),
    informed_by: Type.Optional(Type.Array(FactSchema, { minItems: 1 })),
    note: Type.Optional(Type.String()),
  },
  { ...strict, required: ['value'] },
)

export const SeedSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }),
    title: Type.String({ minLength: 3 }),
    title_zh: Type.String({ minLength: 2 }),
    issuer: Type.String({ minLength: 3 }),
    document: DocumentName,
    applicant: Type.String({ minLength: 3, description: 'who applies (enterprise, institution, pilot region)' }),
    summary: Type.String({ minLength: 10 }),
    notes: Type.Optional(Type.Array(Type.String())),
    parameters: Type.Object(
      Object.fromEntries(ParameterNames.map((k) => [k, Type.Optional(ValueNodeSchema)])) as Record<string, any>,
      strict,
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
export type ValueNode = Static<typeof ValueNodeSchema>
export type SeedDocument = Static<typeof SeedSchema>
export type DocumentInfo = Static<typeof DocumentIndexSchema>['documents'][number]
