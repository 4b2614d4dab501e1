// Why: TypeBox gives the engine's JSON Schemas their TypeScript types, but loading it at run time
// means some 370 modules (about a tenth of a second), more than a small CLI run costs. The engine
// builds its schemas with these few builders instead: they emit the same JSON, key for key and in
// the same order (checked against TypeBox in test/engine/validation/Type.test.ts), and carry
// TypeBox's own signatures, so `Static<typeof X>` and every schema type still come from TypeBox
// (imported for types only). The API's route schemas, loaded only by the server, use TypeBox itself.
import type TypeBox from 'typebox'

type Builders = Pick<
  typeof TypeBox,
  'Array' | 'Boolean' | 'Enum' | 'Integer' | 'Null' | 'Number' | 'Object' | 'Optional' | 'Record' | 'String' | 'Union' | 'Unknown' | 'Unsafe'
>
type Json = Record<string, unknown>

/** A schema with TypeBox's hidden (non-enumerable) marks, so TypeBox treats it as one of its own. */
function mark(schema: Json, marks: Record<string, unknown>): any {
  for (const [k, v] of Object.entries(marks)) Object.defineProperty(schema, k, { value: v, writable: true, enumerable: false, configurable: true })
  return schema
}
const isOptional = (s: unknown) => (s as { '~optional'?: boolean })['~optional'] === true

/**
 * JSON Schema builders with TypeBox's signatures and output.
 *
 * @example Type.Object({ a: Type.Number({ minimum: 0 }), b: Type.Optional(Type.String()) }) // {"type":"object","required":["a"],"properties":{...}}
 */
export const Type: Builders = {
  Number: ((options?: Json) => mark({ type: 'number', ...options }, { '~kind': 'Number' })) as any,
  Integer: ((options?: Json) => mark({ type: 'integer', ...options }, { '~kind': 'Integer' })) as any,
  String: ((options?: Json) => mark({ type: 'string', ...options }, { '~kind': 'String' })) as any,
  Boolean: ((options?: Json) => mark({ type: 'boolean', ...options }, { '~kind': 'Boolean' })) as any,
  Null: ((options?: Json) => mark({ type: 'null', ...options }, { '~kind': 'Null' })) as any,
  Unknown: ((options?: Json) => mark({ ...options }, { '~kind': 'Unknown' })) as any,
  Unsafe: ((schema: Json) => mark({ ...schema }, { '~unsafe': null })) as any,
  Enum: ((values: unknown[], options?: Json) => mark({ enum: [...values], ...options }, { '~kind': 'Enum' })) as any,
  Array: ((items: Json, options?: Json) => mark({ type: 'array', items, ...options }, { '~kind': 'Array' })) as any,
  Union: ((anyOf: Json[], options?: Json) => mark({ anyOf: [...anyOf], ...options }, { '~kind': 'Union' })) as any,
  Optional: ((schema: Json) => {
    const out: Json = { ...schema }
    const kind = (schema as { '~kind'?: string })['~kind']
    return mark(out, { ...(kind === undefined ? {} : { '~kind': kind }), ...('~unsafe' in schema ? { '~unsafe': (schema as any)['~unsafe'] } : {}), '~optional': true })
  }) as any,
  Object: ((properties: Record<string, Json>, options?: Json) => {
    const required = Object.keys(properties).filter((k) => !isOptional(properties[k]))
    return mark({ type: 'object', ...(required.length > 0 ? { required } : {}), properties: { ...properties }, ...options }, { '~kind': 'Object' })
  }) as any,
  Record: ((key: Json, value: Json, options?: Json) => {
    const pattern = typeof key.pattern === 'string' ? key.pattern : '^.*$'
    return mark({ type: 'object', patternProperties: { [pattern]: value }, ...options }, { '~kind': 'Record' })
  }) as any,
}

export default Type
