// Why: a decision analysis changes one number of a run at a time (a cap, the median contract
// value, an appropriation) and simulates again on the same draws. A parameter path names that
// number: `programmes.<id>.<parameter>[.<path inside the value>]` or
// `appropriations.<level>.<year>`. This parses a path against a run specification, reads the
// number, and makes a new specification with the number changed: same seed, so the same random
// draws (common random numbers), and the changed value checked by the mechanisms that own it.
// The specification is changed directly, never resolved again from the seeds, so an analysis
// recovered after a restart changes exactly what it was submitted with.
import { BudgetSimError, type Issue } from '../errors.js'
import { levelsDocument, levelIds } from '../policy/levels.js'
import { createRunSpec, type RunSpec } from '../run/RunSpec.js'
import { canonicalJson, checkProgramme, type Provenance, type ResolvedProgramme, type ResolvedScenario } from '../scenario/resolveScenario.js'
import { programmeParameterSchemas } from '../scenario/schema.js'
import { parameterUnit } from './parameterUnit.js'
import { mechanisms } from '../mechanisms/registry.js'
import { createValidator, type Validator } from '../validation/createValidator.js'

export type ParameterPath =
  | { kind: 'programme'; text: string; programme: string; parameter: string; inside: string[] }
  | { kind: 'appropriation'; text: string; level: string; year: number }

/** What a path names in a specification. */
export interface ParameterInfo {
  path: ParameterPath
  /** the number in force (in the programme's first active year), or null where there is none (no cap) */
  current: number | null
  /** the value must be a whole number (quotas, fixed counts) */
  integer: boolean
  /** bounds from the parameter's schema */
  minimum: number | null
  maximum: number | null
  /** where the value came from: policy, assumption, scenario, default */
  origin: string
  label: string
  unit: string
}

const KEY = /^[a-z0-9_][a-z0-9_-]{0,63}$/

function invalid(field: string, message: string, more: Issue[] = []): BudgetSimError {
  return new BudgetSimError('ANALYSIS_INVALID', `${field}: ${message}`, { issues: [{ path: field, message }, ...more] })
}

/**
 * Parse a path (syntax only; `describeParameter` checks it against a run).
 *
 * @example parseParameterPath('programmes.tech-transaction-subsidy.contract_value.lognormal.median')
 */
export function parseParameterPath(text: unknown, field = 'parameter'): ParameterPath {
  if (typeof text !== 'string' || text.length === 0 || text.length > 300)
    throw invalid(field, 'must be a parameter path such as programmes.tech-transaction-subsidy.cap or appropriations.municipal.2017')
  const parts = text.split('.')
  if (parts.some((p) => !KEY.test(p))) throw invalid(field, `"${text}" is not a parameter path (dot-separated lower-case names)`)
  if (parts[0] === 'appropriations') {
    if (parts.length !== 3 || !/^[0-9]{4}$/.test(parts[2])) throw invalid(field, `"${text}": an appropriation is appropriations.<level>.<year>, e.g. appropriations.municipal.2017`)
    return { kind: 'appropriation', text, level: parts[1], year: Number(parts[2]) }
  }
  if (parts[0] !== 'programmes' || parts.length < 3)
    throw invalid(field, `"${text}": a path starts with programmes.<programme>.<parameter> or appropriations.<level>.<year>`)
  return { kind: 'programme', text, programme: parts[1], parameter: parts[2], inside: parts.slice(3) }
}

/** The value at `keys` inside `value` (undefined when absent). */
function getIn(value: unknown, keys: string[]): unknown {
  let node: any = value
  for (const k of keys) {
    if (node === null || typeof node !== 'object') return undefined
    node = node[k]
  }
  return node
}

/**
 * Parameters whose value is a set of shares that must sum to 1 (the tiers' probabilities, the
 * funding levels' shares): moving one share moves the others in proportion, so they still sum to 1.
 */
export const ShareParameters: ReadonlySet<string> = new Set(['tier_shares', 'funding'])

/** A copy of a parameter's value with the number at `inside` set; the other shares of a share map rescaled to keep the sum 1. */
function changeValue(parameter: string, value: unknown, inside: string[], x: number): unknown {
  const out = setIn(value, inside, x)
  if (!ShareParameters.has(parameter) || inside.length !== 1 || value === null || typeof value !== 'object') return out
  const before = value as Record<string, number>
  const key = inside[0]
  const others = Object.keys(before).filter((k) => k !== key)
  const rest = others.reduce((t, k) => t + (before[k] ?? 0), 0)
  // with no other share to take the rest, the change is refused by the owner's check (must sum to 1)
  if (!(rest > 0)) return out
  const shares = out as Record<string, number>
  for (const k of others) shares[k] = ((before[k] ?? 0) * (1 - x)) / rest
  return shares
}

/** A copy of `value` with the number at `keys` set (the parent must be an object). */
function setIn(value: unknown, keys: string[], x: number): unknown {
  if (keys.length === 0) return x
  const copy = structuredClone(value) as Record<string, any>
  let node = copy
  for (const k of keys.slice(0, -1)) node = node[k]
  node[keys[keys.length - 1]] = x
  return copy
}

/** Every sub-schema a path inside a parameter value may meet (through anyOf, records, unions). */
function schemasAt(schema: any, keys: string[]): any[] {
  const expand = (list: any[]): any[] => list.flatMap((s) => (s && (s.anyOf || s.oneOf) ? expand([...(s.anyOf ?? []), ...(s.oneOf ?? [])]) : [s]))
  let candidates = expand([schema])
  for (const key of keys) {
    const next: any[] = []
    for (const c of candidates) {
      if (!c || typeof c !== 'object') continue
      if (c.properties?.[key]) next.push(c.properties[key])
      else if (c.patternProperties) for (const [pattern, s] of Object.entries(c.patternProperties)) if (new RegExp(pattern).test(key)) next.push(s)
    }
    candidates = expand(next)
  }
  return candidates
}

function typesOf(s: any): string[] {
  return [s?.type].flat().filter(Boolean)
}

const programmeOf = (spec: ResolvedScenario, id: string): ResolvedProgramme | undefined => spec.programmes.find((p) => p.id === id)

/** The years a programme runs in this scenario. */
export function activeYears(spec: ResolvedScenario, p: ResolvedProgramme): number[] {
  const own = (p.parameters.years as number[] | undefined) ?? spec.years
  return spec.years.filter((y) => own.includes(y))
}

/** The unit of a parameter's number, for reports. */
export function unitOf(path: ParameterPath): string {
  const currency = levelsDocument().currency.code
  if (path.kind === 'appropriation') return currency
  return parameterUnit(path.parameter, path.inside[path.inside.length - 1] ?? '', currency)
}

let validators: Map<string, Validator> | null = null
function parameterValidator(name: string): Validator | undefined {
  if (!validators) validators = new Map(Object.entries(programmeParameterSchemas()).map(([k, s]) => [k, createValidator(s)]))
  return validators.get(name)
}

/**
 * Check a path against a run and describe the number it names. Throws ANALYSIS_INVALID naming
 * `field` when the programme, parameter, level or year is not in the run, or the path does not
 * lead to a number (or to a null leaf that a number may replace, such as `cap: null`).
 */
export function describeParameter(spec: ResolvedScenario, path: ParameterPath, field = 'parameter', options: { years?: number[] } = {}): ParameterInfo {
  if (path.kind === 'appropriation') {
    const levels = levelIds()
    if (!levels.includes(path.level)) throw invalid(field, `${path.level} is not a funding level (${levels.join(', ')})`)
    if (!spec.years.includes(path.year)) throw invalid(field, `${path.year} is not a year of the scenario (${spec.years.join(', ')})`)
    const current = spec.appropriations[path.level]?.[String(path.year)]
    return {
      path,
      current: typeof current === 'number' ? current : null,
      integer: false,
      minimum: 0,
      maximum: 1e15,
      origin: 'scenario',
      label: `Appropriation, ${path.level} ${path.year}`,
      unit: unitOf(path),
    }
  }
  const p = programmeOf(spec, path.programme)
  if (!p) throw invalid(field, `${path.programme} is not a programme of the scenario (${spec.programmes.map((x) => x.id).join(', ')})`)
  const schemas = programmeParameterSchemas()
  if (!schemas[path.parameter] || path.parameter === 'years')
    throw invalid(field, `${path.parameter} is not a numeric parameter of a programme (${Object.keys(schemas).filter((k) => k !== 'years').join(', ')})`)
  const leafSchemas = schemasAt(schemas[path.parameter], path.inside)
  const numeric = leafSchemas.filter((s) => typesOf(s).some((t) => t === 'number' || t === 'integer'))
  if (numeric.length === 0) throw invalid(field, `${path.text} does not name a number of ${path.parameter}`)
  const years = activeYears(spec, p).filter((y) => !options.years || options.years.includes(y))
  const values = p.dated?.[path.parameter]
    ? p.dated[path.parameter].filter((d) => years.includes(d.year) && d.value !== undefined).map((d) => d.value)
    : [p.parameters[path.parameter]]
  if (values.length === 0) throw invalid(field, `${path.text} has no value in ${options.years?.join(', ') ?? 'the programme years'}`)
  for (const v of values) {
    const at = getIn(v, path.inside)
    const parent = path.inside.length === 0 ? null : getIn(v, path.inside.slice(0, -1))
    const settable = typeof at === 'number' || (at == null && (path.inside.length === 0 || (parent !== null && typeof parent === 'object' && !Array.isArray(parent))))
    if (!settable) throw invalid(field, `${path.text} is not a number in this run (${path.parameter} is ${JSON.stringify(v)})`)
  }
  const first = getIn(values[0], path.inside)
  const provenance: Provenance | undefined = p.provenance[path.parameter]
  return {
    path,
    current: typeof first === 'number' ? first : null,
    integer: numeric.every((s) => typesOf(s).includes('integer') && !typesOf(s).includes('number')),
    minimum: Math.max(...numeric.map((s) => (typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : -Infinity))),
    maximum: Math.min(...numeric.map((s) => (typeof s.maximum === 'number' ? s.maximum : Infinity))),
    origin: provenance?.origin ?? 'default',
    label: `${p.title}: ${path.parameter}${path.inside.length > 0 ? ` ${path.inside.join('.')}` : ''}${options.years ? ` (${yearSpan(options.years)})` : ''}`,
    unit: unitOf(path),
  }
}

/** The number a path names in a run (null where there is none). */
export function parameterValue(spec: ResolvedScenario, path: ParameterPath): number | null {
  return describeParameter(spec, path).current
}

export interface ParameterChange {
  path: ParameterPath
  value: number
  /** the request field to name in errors (e.g. ranges[2].low) */
  field?: string
  /** change the number only in these years (a dated parameter whose other years are policy); all when omitted */
  years?: number[]
}

/** "2018-2020", or "2016, 2018" */
export function yearSpan(years: number[]): string {
  const sorted = [...years].sort((a, b) => a - b)
  const contiguous = sorted.every((y, i) => i === 0 || y === sorted[i - 1] + 1)
  return contiguous && sorted.length > 1 ? `${sorted[0]}-${sorted.at(-1)}` : sorted.join(', ')
}

/**
 * A new run specification with each number changed (same seed and trials unless given: the same
 * random draws). A dated parameter gets the number in every year. Changed parameters are marked
 * as set by the analysis in their provenance. Throws ANALYSIS_INVALID naming the change's field
 * when a value breaks a mechanism's rules.
 *
 * @example withParameters(spec, [{ path: parseParameterPath('programmes.tech-transaction-subsidy.cap'), value: 3e6 }])
 */
export function withParameters(spec: RunSpec, changes: ParameterChange[], options: { trials?: number; seed?: number | string; note?: string } = {}): RunSpec {
  const programmes = spec.programmes.map((p) => ({ ...p, parameters: { ...p.parameters }, provenance: { ...p.provenance }, ...(p.dated ? { dated: { ...p.dated } } : {}) }))
  const appropriations: ResolvedScenario['appropriations'] = Object.fromEntries(Object.entries(spec.appropriations).map(([l, y]) => [l, { ...y }]))
  const document = structuredClone(spec.document) as Record<string, any>
  const touched = new Map<string, string>()
  for (const change of changes) {
    const field = change.field ?? 'parameter'
    const { path, value } = change
    if (!Number.isFinite(value)) throw invalid(field, `must be a finite number, got ${value}`)
    const info = describeParameter({ ...spec, programmes }, path, field, { years: change.years })
    if (info.integer && !Number.isInteger(value)) throw invalid(field, `${path.text} must be a whole number, got ${value}`)
    if (path.kind === 'appropriation') {
      if (!(value >= 0 && value <= 1e15)) throw invalid(field, `${path.text} must be between 0 and 1e15, got ${value}`)
      appropriations[path.level] = { ...(appropriations[path.level] ?? {}), [String(path.year)]: value }
      document.appropriations = { ...(document.appropriations ?? {}) }
      document.appropriations[path.level] = { ...(document.appropriations[path.level] ?? {}), [String(path.year)]: value }
      continue
    }
    const p = programmes.find((x) => x.id === path.programme)!
    const provenance: Provenance = { origin: 'scenario', scenario: spec.name, note: options.note ?? `set by an analysis: ${path.text} = ${value}` }
    const dated = p.dated?.[path.parameter]
    const inYear = (year: number) => !change.years || change.years.includes(year)
    if (!dated || inYear(activeYears(spec, p)[0] ?? spec.years[0])) {
      p.parameters[path.parameter] = changeValue(path.parameter, p.parameters[path.parameter], path.inside, value)
      p.provenance[path.parameter] = provenance
    }
    if (dated) {
      const entries = dated.map((d) => (d.value === undefined || !inYear(d.year) ? d : { year: d.year, value: changeValue(path.parameter, d.value, path.inside, value), provenance }))
      const same = entries.every((d) => canonicalJson(d.value) === canonicalJson(entries[0].value) && canonicalJson(d.provenance) === canonicalJson(entries[0].provenance))
      if (same) {
        const { [path.parameter]: _drop, ...rest } = p.dated!
        p.dated = Object.keys(rest).length > 0 ? rest : undefined
        if (!p.dated) delete (p as { dated?: unknown }).dated
      } else p.dated = { ...p.dated!, [path.parameter]: entries }
    }
    // the document says the same (it is what a reader of the specification sees)
    document.programmes = { ...(document.programmes ?? {}) }
    const entry = { ...(document.programmes[p.id] ?? {}) }
    const stillDated = p.dated?.[path.parameter]
    entry[path.parameter] = stillDated ? { by_year: Object.fromEntries(stillDated.map((d) => [String(d.year), d.value])) } : p.parameters[path.parameter]
    document.programmes[p.id] = entry
    touched.set(p.id, field)
  }
  for (const [id, field] of touched) {
    const p = programmes.find((x) => x.id === id)!
    const issues: Issue[] = []
    for (const name of Object.keys(p.parameters)) {
      const validate = parameterValidator(name)
      if (validate) issues.push(...validate(p.parameters[name], `programmes.${id}.${name}`))
    }
    if (issues.length === 0) issues.push(...checkProgramme(p, spec.years))
    if (issues.length > 0)
      throw new BudgetSimError('ANALYSIS_INVALID', `${field}: the changed scenario is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
        issues: issues.map((i) => ({ path: field, message: `${i.path}: ${i.message}` })),
      })
  }
  if (changes.some((c) => c.path.kind === 'appropriation')) {
    const issues: Issue[] = []
    for (const m of mechanisms('scenario')) issues.push(...(m.check?.({ ...spec.document, appropriations, years: spec.years }, '', { levels: levelIds() }) ?? []))
    if (issues.length > 0) throw invalid(changes.find((c) => c.path.kind === 'appropriation')!.field ?? 'parameter', issues.map((i) => `${i.path}: ${i.message}`).join('; '))
  }
  const { spec_version: _v, engine_version: _e, scenario_hash: _h, spec_hash: _s, preset, ...resolved } = spec
  return createRunSpec({ ...resolved, programmes, appropriations, document: document as ResolvedScenario['document'] }, {
    trials: options.trials ?? spec.trials,
    seed: options.seed ?? spec.seed,
    preset,
  })
}

/** The same specification with other trials and/or seed (the scenario unchanged). */
export function withRun(spec: RunSpec, options: { trials?: number; seed?: number | string }): RunSpec {
  return withParameters(spec, [], options)
}
