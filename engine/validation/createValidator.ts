// Why: Ajv checks documents against our JSON Schemas, but its messages ("must be <= 1") do not say
// where or what was given. This wraps Ajv so every problem reads `path: problem, got value`, the
// way a planner fixing a YAML file needs it.
import { createRequire } from 'node:module'
import type { ErrorObject, ValidateFunction } from 'ajv'
import type AjvModule from 'ajv'
type Ajv = AjvModule.default
import type { Issue } from '../errors.js'
import { KeyPatterns } from '../scenario/keyPatterns.js'
import { MAX_NESTING_DEPTH, tooDeep } from './nestingDepth.js'
import { precompiledValidator } from './precompiled.js'

/** The options every validator is compiled with (the build's standalone validators too). */
export const AjvOptions = { allErrors: true, strict: false, inlineRefs: false } as const
/** For query strings only: text such as "20" is coerced to the declared number type. */
export const CoercingAjvOptions = { ...AjvOptions, coerceTypes: 'array', useDefaults: true } as const
// Ajv itself is loaded only to compile a schema the build has not compiled (see precompiled.ts)
let compilers: { plain: Ajv; coercing: Ajv } | null = null
function compile(schema: object, coerce: boolean): ValidateFunction {
  if (!compilers) {
    const mod = createRequire(import.meta.url)('ajv')
    const AjvClass = (mod.default ?? mod) as typeof AjvModule.default
    compilers = { plain: new AjvClass(AjvOptions), coercing: new AjvClass(CoercingAjvOptions as any) }
  }
  return (coerce ? compilers.coercing : compilers.plain).compile(schema)
}

export type Validator = (data: unknown, basePath?: string) => Issue[]

/**
 * Compile a JSON Schema into a function returning the list of problems (empty when valid).
 *
 * @example createValidator(ScenarioSchema)({ name: 'x', trials: -1 }) // [{ path: 'trials', message: 'must be at least 1, got -1' }, ...]
 */
export function createValidator(schemaOrBuild: object | (() => object), options: { coerce?: boolean; name?: string } = {}): Validator {
  // the schema is built on first use, not at creation; a named schema's validator usually comes
  // from the build's standalone code
  let schema: object | null = typeof schemaOrBuild === 'function' ? null : schemaOrBuild
  const theSchema = () => (schema ??= (schemaOrBuild as () => object)())
  let compiled: ValidateFunction | null = null
  const validate = (data: unknown) => {
    compiled ??= (options.name && !options.coerce ? precompiledValidator(options.name, theSchema()) : undefined) ?? compile(theSchema(), options.coerce === true)
    const ok = compiled(data)
    // errors carry neither their schema nor the data (compiling them in makes validators large
    // and slow): find both from the paths
    ;(validate as { errors?: ErrorObject[] | null }).errors = compiled.errors?.map((e) => withContext(e, theSchema(), data)) ?? null
    return ok
  }
  return (data, basePath = '') => {
    // the walks below (and Ajv's) recurse: refuse a document too deep for them first
    const deep = tooDeep(data)
    if (deep) {
      const path = deep.path ? (basePath ? `${basePath}.${deep.path}`.replace('.[', '[') : deep.path) : basePath || '(root)'
      return [{ path, message: `is nested more than ${MAX_NESTING_DEPTH} levels deep (a scenario needs about 10), got at least ${deep.depth} levels` }]
    }
    const nonFinite = findNonFinite(data, basePath)
    if (nonFinite.length > 0) return nonFinite
    // a coerced query string may turn "Infinity" or "1e309" into a number: check again
    if (validate(data)) return options.coerce ? findNonFinite(data, basePath) : []
    return formatErrors((validate as { errors?: ErrorObject[] | null }).errors ?? [], data, basePath)
  }
}

/** An error with its schema, its parent schema and the data it is about, found by their paths. */
function withContext(e: ErrorObject, root: object, data: unknown): ErrorObject {
  if (e.parentSchema !== undefined) return e
  const segments = e.schemaPath
    .replace(/^#\/?/, '')
    .split('/')
    .filter((x) => x.length > 0)
    .map((x) => decodeURIComponent(x).replace(/~1/g, '/').replace(/~0/g, '~'))
  // follow the path through the root schema, and through a $ref where the path goes on inside it
  const deref = (node: any) => {
    let n = node
    for (let i = 0; i < 16 && n && typeof n.$ref === 'string' && n.$ref.startsWith('#/'); i++) {
      let target: any = root
      for (const k of n.$ref.slice(2).split('/')) target = target?.[decodeURIComponent(k)]
      n = target
    }
    return n
  }
  let parent: any = root
  for (const key of segments.slice(0, -1)) parent = parent?.[key] !== undefined ? parent[key] : deref(parent)?.[key]
  parent = deref(parent)
  let value: any = data
  for (const raw of e.instancePath.split('/').slice(1)) value = value?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')]
  return { ...e, parentSchema: parent, schema: parent?.[segments[segments.length - 1]], data: value }
}

/** NaN and ±Infinity can arrive from YAML (.nan, .inf); JSON Schema cannot see them reliably. */
function findNonFinite(data: unknown, path: string): Issue[] {
  if (typeof data === 'number') return Number.isFinite(data) ? [] : [{ path: path || '(root)', message: `must be a finite number, got ${data}` }]
  if (Array.isArray(data)) return data.flatMap((v, i) => findNonFinite(v, `${path}[${i}]`))
  if (data !== null && typeof data === 'object')
    return Object.entries(data).flatMap(([k, v]) => findNonFinite(v, join(path, k)))
  return []
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key
}

/** Convert a JSON pointer to our dotted path, with [i] for array indices. */
function pointerToPath(pointer: string, data: unknown, basePath: string): string {
  let path = basePath
  let node: any = data
  if (!pointer) return path
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (Array.isArray(node)) path = `${path}[${key}]`
    else path = join(path, key)
    node = node?.[key]
  }
  return path
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return `a list of ${v.length}`
  if (typeof v === 'object') return 'a mapping'
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v)
  return String(v)
}

const typeWords: Record<string, string> = {
  number: 'a number',
  integer: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
}

function expectedTypes(t: string | string[]): string {
  const list = Array.isArray(t) ? t : [t]
  return list.map((x) => typeWords[x] ?? x).join(' or ')
}

function boundsMessage(e: ErrorObject): string {
  const s = (e.parentSchema ?? {}) as Record<string, number>
  const got = describeValue(e.data)
  const lo = s.minimum !== undefined ? { v: s.minimum, strict: false } : s.exclusiveMinimum !== undefined ? { v: s.exclusiveMinimum, strict: true } : undefined
  const hi = s.maximum !== undefined ? { v: s.maximum, strict: false } : s.exclusiveMaximum !== undefined ? { v: s.exclusiveMaximum, strict: true } : undefined
  if (lo && hi && !lo.strict && !hi.strict) return `must be between ${lo.v} and ${hi.v}, got ${got}`
  if (lo && hi) return `must be ${lo.strict ? 'greater than' : 'at least'} ${lo.v} and ${hi.strict ? 'less than' : 'at most'} ${hi.v}, got ${got}`
  if (lo) return `must be ${lo.strict ? 'greater than' : 'at least'} ${lo.v}, got ${got}`
  if (hi) return `must be ${hi.strict ? 'less than' : 'at most'} ${hi.v}, got ${got}`
  return `${e.message}, got ${got}`
}

function patternWords(pattern: string): string {
  for (const p of Object.values(KeyPatterns)) if (p.pattern === pattern) return p.words
  return `text matching ${pattern}`
}

function messageFor(e: ErrorObject, data: unknown, basePath: string): Issue | null {
  const at = pointerToPath(e.instancePath, data, basePath)
  const p = e.params as Record<string, any>
  switch (e.keyword) {
    case 'required':
      return { path: join(at, p.missingProperty), message: 'is required' }
    case 'additionalProperties': {
      const schema = (e.parentSchema ?? {}) as Record<string, any>
      const key = p.additionalProperty as string
      if (schema.patternProperties) {
        const [pattern] = Object.keys(schema.patternProperties)
        return { path: join(at, key), message: `is not allowed here: keys must be ${patternWords(pattern)}` }
      }
      const allowed = Object.keys(schema.properties ?? {})
      return { path: join(at, key), message: allowed.length > 0 ? `unknown key (allowed: ${allowed.join(', ')})` : 'unknown key (none is allowed here)' }
    }
    case 'type':
      return { path: at || '(root)', message: `must be ${expectedTypes(p.type)}, got ${describeValue(e.data)}` }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path: at, message: boundsMessage(e) }
    case 'enum':
      return { path: at, message: `must be one of ${(p.allowedValues as unknown[]).join(', ')}, got ${describeValue(e.data)}` }
    case 'const':
      return { path: at, message: `must be ${describeValue(p.allowedValue)}, got ${describeValue(e.data)}` }
    case 'minItems':
      return { path: at, message: `must have at least ${p.limit} item${p.limit === 1 ? '' : 's'}, got ${(e.data as unknown[]).length}` }
    case 'maxItems':
      return { path: at, message: `must have at most ${p.limit} items, got ${(e.data as unknown[]).length}` }
    case 'uniqueItems':
      return { path: at, message: `must not repeat items (items ${p.j} and ${p.i} are equal)` }
    case 'minProperties': {
      const description = (e.parentSchema as any)?.description
      return { path: at, message: description ? `must not be empty: give ${description}` : `must have at least ${p.limit} key(s)` }
    }
    case 'maxProperties': {
      const description = (e.parentSchema as any)?.description
      const keys = Object.keys(e.data as object)
      return { path: at, message: description ? `must give ${description}, got ${keys.join(' and ')}` : `must have at most ${p.limit} keys` }
    }
    case 'pattern':
      return { path: at, message: `must be ${patternWords(p.pattern)}, got ${describeValue(e.data)}` }
    case 'minLength':
      return { path: at, message: `must not be empty` }
    case 'maxLength':
      return { path: at, message: `must be at most ${p.limit} characters long` }
    case 'if':
      return null
    default:
      return { path: at || '(root)', message: e.message ?? e.keyword }
  }
}

/**
 * Turn Ajv errors into issues. For an anyOf (a number or a distribution; an entry or null), only
 * the errors of the branch whose type matches the given value are reported, recursively.
 */
function formatErrors(errors: ErrorObject[], data: unknown, basePath: string): Issue[] {
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf')
  const outer = anyOfs.filter((a) => !anyOfs.some((b) => b !== a && a.schemaPath.startsWith(`${b.schemaPath}/`)))
  const consumed = new Set<ErrorObject>()
  const issues: Issue[] = []
  for (const a of outer) {
    consumed.add(a)
    const prefix = `${a.schemaPath}/`
    const branches = new Map<number, ErrorObject[]>()
    for (const e of errors) {
      if (e === a || !e.schemaPath.startsWith(prefix)) continue
      consumed.add(e)
      const index = Number(e.schemaPath.slice(prefix.length).split('/')[0])
      if (!branches.has(index)) branches.set(index, [])
      branches.get(index)!.push(e)
    }
    // a dated alternative ({ by_year: ... }) is the one meant exactly when the value has by_year
    const alternatives = (a.schema as any[]) ?? []
    const dated = a.data !== null && typeof a.data === 'object' && !Array.isArray(a.data) && 'by_year' in (a.data as object)
    for (const index of [...branches.keys()]) if (alternatives[index]?.['x-dated'] === true && !dated) branches.delete(index)
    if (dated) for (const index of [...branches.keys()]) if (alternatives[index]?.['x-dated'] !== true) branches.delete(index)
    const matching = [...branches.values()].find(
      (errs) => !errs.some((e) => e.keyword === 'type' && e.instancePath === a.instancePath),
    )
    if (matching) {
      issues.push(...formatErrors(matching, data, basePath))
    } else {
      const types = alternatives.filter((s) => s?.['x-dated'] !== true).flatMap((s) => (s.type ? [s.type].flat() : []))
      issues.push({
        path: pointerToPath(a.instancePath, data, basePath) || '(root)',
        message: `must be ${expectedTypes([...new Set(types)] as string[])}, got ${describeValue(a.data)}`,
      })
    }
  }
  for (const e of errors) {
    if (consumed.has(e)) continue
    const issue = messageFor(e, data, basePath)
    if (issue) issues.push(issue)
  }
  const seen = new Set<string>()
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
