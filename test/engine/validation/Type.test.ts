// The engine's schema builders emit what TypeBox emits, key for key and in order, with TypeBox's
// hidden marks, so swapping them changes no schema (scenarios/schema.json is checked elsewhere).
import TypeBox from 'typebox'
import { describe, expect, it } from 'vitest'
import { Type } from '../../../engine/validation/Type.js'

/** The JSON text and the hidden marks of a schema, recursively. */
function fingerprint(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object') return schema
  if (Array.isArray(schema)) return schema.map(fingerprint)
  const marks = Object.fromEntries(['~kind', '~optional', '~unsafe'].filter((k) => k in schema).map((k) => [k, (schema as any)[k]]))
  return { json: JSON.stringify(schema), marks, children: Object.entries(schema).map(([k, v]) => [k, fingerprint(v)]) }
}

function cases(T: typeof Type) {
  return {
    number: T.Number({ minimum: 0, maximum: 1, description: 'a share' }),
    integer: T.Integer({ minimum: 1 }),
    string: T.String({ pattern: '^[a-z]+$', minLength: 1 }),
    boolean: T.Boolean(),
    null: T.Null(),
    unknown: T.Unknown({ description: 'anything' }),
    unsafe: T.Unsafe<number>({ type: ['number', 'string'], minimum: 0 }),
    enum: T.Enum(['first_come', 'pro_rata'], { description: 'rule' }),
    array: T.Array(T.Integer(), { minItems: 1, uniqueItems: true }),
    union: T.Union([T.Number(), T.Null()], { description: 'x or none' }),
    optional: T.Optional(T.Number()),
    optionalObject: T.Optional(T.Object({ a: T.Number() })),
    optionalUnsafe: T.Optional(T.Unsafe<number>({ type: 'number' })),
    object: T.Object({ a: T.Number(), b: T.Optional(T.String()), c: T.Union([T.Number(), T.Null()]) }, { additionalProperties: false, description: 'd' }),
    allOptional: T.Object({ b: T.Optional(T.String()) }),
    empty: T.Object({}),
    record: T.Record(T.String({ pattern: '^[0-9]{4}$' }), T.Number(), { additionalProperties: false }),
    recordAnyKey: T.Record(T.String(), T.Number()),
    nested: T.Object({ years: T.Optional(T.Record(T.String({ pattern: '^[0-9]{4}$' }), T.Array(T.Object({ v: T.Number() })))) }),
  }
}

describe('the engine schema builders', () => {
  const ours = cases(Type)
  const theirs = cases(TypeBox as unknown as typeof Type)
  for (const name of Object.keys(ours) as (keyof typeof ours)[]) {
    it(`build ${name} exactly as TypeBox does`, () => {
      expect(fingerprint(ours[name])).toEqual(fingerprint(theirs[name]))
    })
  }

  it('are accepted inside TypeBox schemas as TypeBox marks them (optional properties stay optional)', () => {
    const mixed = TypeBox.Object({ ours: Type.Optional(Type.Number()), theirs: TypeBox.Number() })
    expect(JSON.stringify(mixed)).toBe('{"type":"object","required":["theirs"],"properties":{"ours":{"type":"number"},"theirs":{"type":"number"}}}')
  })
})
