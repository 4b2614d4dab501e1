// Why: a scenario names programmes and overrides; the engine needs every parameter of every
// programme in every year, with where it came from. This walks the `extends` chain, fills in the
// seeded rules and assumptions (a dated seed value gives each scenario year the value in force on
// 1 January of that year; an override may change from a year on), records each value's provenance,
// and runs every mechanism's checks, reporting every problem at once.
import { createHash } from 'node:crypto'
import { BudgetSimError, invalidScenario, type Issue } from '../errors.js'
import { checkMagnitudes } from '../mechanisms/checkMagnitudes.js'
import { mechanisms, registryVersion } from '../mechanisms/registry.js'
import { loadCatalogue, valueInForce, type Catalogue, type ProgrammeSeed } from '../policy/loadCatalogue.js'
import { levelIds } from '../policy/levels.js'
import type { Citation, Fact } from '../policy/seedSchema.js'
import { closestName } from '../validation/closestName.js'
import { createValidator, type Validator } from '../validation/createValidator.js'
import { mergeScenario, type SetBy } from './mergeScenario.js'
import { loadPresetData } from './presets.js'
import { parametersForYear } from './parametersForYear.js'
import { parameterNames, scenarioSchema, type ExhaustionRule, type Level, type ProgrammeParameters, type ScenarioDocument } from './schema.js'

export type Origin = 'policy' | 'assumption' | 'scenario' | 'default'

/** Where a parameter's value came from. */
export interface Provenance {
  origin: Origin
  /** policy: the clauses that fix the value */
  source?: Citation[]
  /** assumption: the rationale */
  assumption?: string
  informed_by?: Fact[]
  note?: string
  /** scenario: the scenario (or preset in the extends chain) that set it */
  scenario?: string
  /** a dated seed value: when it is in force */
  from?: number | string
  until?: number | string
}

/** A parameter whose value changes over the scenario years: its value and provenance in each year. */
export interface DatedParameter {
  year: number
  value: unknown
  provenance: Provenance
}

export interface ResolvedProgramme {
  id: string
  title: string
  /** every parameter, as in force in the programme's first scenario year */
  parameters: ProgrammeParameters
  provenance: Record<string, Provenance>
  /** parameters whose value changes over the scenario years, year by year */
  dated?: Record<string, DatedParameter[]>
  note?: string
}

export { parametersForYear }

export interface ResolvedScenario {
  name: string
  title?: string
  description?: string
  /** presets this scenario extends, nearest last */
  lineage: string[]
  years: number[]
  trials: number
  seed: number | string
  on_exhaustion: ExhaustionRule
  programmes: ResolvedProgramme[]
  appropriations: Partial<Record<Level, Record<string, number>>>
  /** the explicit document after `extends` is applied (seed defaults not filled in) */
  document: ScenarioDocument
  /** SHA-256 of the policy seeds the parameters were filled from */
  seeds_hash: string
}

export interface ResolveOptions {
  catalogue?: Catalogue
  /** load a preset by name (default: scenarios/<name>.yaml) */
  loadPreset?: (name: string) => unknown
}

const MAX_EXTENDS_DEPTH = 8
let validator: { version: number; validate: Validator } | null = null

function validateDocument(data: unknown): Issue[] {
  if (!validator || validator.version !== registryVersion()) validator = { version: registryVersion(), validate: createValidator(scenarioSchema, { name: 'scenario' }) }
  return validator.validate(data)
}

/** Validate a parsed scenario document against the JSON Schema; throws SCENARIO_INVALID. */
export function assertScenarioDocument(data: unknown, origin?: string): ScenarioDocument {
  const issues = validateDocument(data)
  if (issues.length > 0) throw invalidScenario(issues, origin ? `${origin} is invalid` : undefined)
  return data as ScenarioDocument
}

/**
 * Resolve a parsed scenario: validate it, apply its `extends` chain, fill every programme's
 * parameters from the seeds, and check the result. Throws BudgetSimError (SCENARIO_INVALID with
 * every offending path, PRESET_NOT_FOUND, ...).
 *
 * Every problem is reported at once: unknown programmes (set aside before the JSON Schema, whose
 * `programmes` record could only say that a key is malformed), the schema's problems, and the
 * checks of whatever part of the scenario the schema accepts.
 */
export function resolveScenario(data: unknown, options: ResolveOptions = {}): ResolvedScenario {
  const catalogue = options.catalogue ?? loadCatalogue()
  const { data: known, issues: unknown } = setAsideUnknownProgrammes(data, catalogue)
  const schemaIssues = validateDocument(known)
  if (schemaIssues.length === 0) return resolveDocument(known, catalogue, options, unknown)
  const found = dedupe([...schemaIssues, ...unknown])
  const valid = validPart(known, schemaIssues)
  if (valid) {
    try {
      // throws: `found` is not empty; adds the checks of the programmes and years the schema accepts
      resolveDocument(valid, catalogue, options, found, { partial: true })
    } catch (e) {
      if (e instanceof BudgetSimError && e.code === 'SCENARIO_INVALID') throw e
    }
  }
  throw invalidScenario(found)
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

/** Programme ids the seeds do not define, as issues, and the data without them. */
function setAsideUnknownProgrammes(data: unknown, catalogue: Catalogue): { data: unknown; issues: Issue[] } {
  if (!isMapping(data) || !isMapping(data.programmes)) return { data, issues: [] }
  const knownIds = [...catalogue.programmes.keys()]
  const issues: Issue[] = []
  const programmes: Record<string, unknown> = {}
  for (const [id, entry] of Object.entries(data.programmes)) {
    if (catalogue.programmes.has(id)) {
      programmes[id] = entry
      continue
    }
    const meant = closestName(id, knownIds)
    issues.push({ path: `programmes.${id}`, message: `unknown programme${meant ? `; did you mean ${meant}?` : ''} (known: ${knownIds.join(', ')})` })
  }
  return { data: { ...data, programmes }, issues }
}

/**
 * The scenario without the fields (or programme entries, or appropriation levels) the schema
 * rejected, when what is left is a valid document; null otherwise.
 */
function validPart(data: unknown, issues: Issue[]): ScenarioDocument | null {
  if (!isMapping(data)) return null
  const doc: Record<string, unknown> = { ...data }
  for (const { path } of issues) {
    const [top, second] = path.split(/[.[]/)
    if (top === '(root)') return null
    if ((top === 'programmes' || top === 'appropriations') && second !== undefined && isMapping(doc[top])) {
      const inner = { ...(doc[top] as Record<string, unknown>) }
      delete inner[second]
      doc[top] = inner
    } else delete doc[top]
  }
  if (doc.name === undefined) doc.name = 'scenario'
  return validateDocument(doc).length === 0 ? (doc as ScenarioDocument) : null
}

/**
 * Resolve a document the schema accepts. `found` are problems found before, reported with the
 * rest; `partial`: the document is what the schema accepted of a larger one, whose missing fields
 * the schema has already reported.
 */
function resolveDocument(data: unknown, catalogue: Catalogue, options: ResolveOptions, found: Issue[], { partial = false } = {}): ResolvedScenario {
  const loadPreset = options.loadPreset ?? loadPresetData
  const known = [...catalogue.programmes.keys()]
  let extended: ReturnType<typeof applyExtends>
  try {
    extended = applyExtends(data, loadPreset, [])
  } catch (e) {
    if (found.length > 0 && e instanceof BudgetSimError && e.code === 'SCENARIO_INVALID') throw invalidScenario(dedupe([...found, ...e.issues]))
    throw e
  }
  const { document, setBy, lineage } = extended
  const issues: Issue[] = [...found]
  if (!partial)
    for (const field of ['years', 'trials', 'seed', 'programmes'] as const)
      if (document[field] === undefined) issues.push({ path: field, message: 'is required' })

  const years = document.years ?? []
  for (let i = 1; i < years.length; i++)
    if (years[i] <= years[i - 1]) {
      issues.push({ path: 'years', message: `must be in increasing order, got ${years.join(', ')}` })
      break
    }

  const programmes: ResolvedProgramme[] = []
  const entries = Object.entries(document.programmes ?? {})
  if (entries.length === 0 && document.programmes !== undefined && found.every((i) => !i.path.startsWith('programmes.')))
    issues.push({ path: 'programmes', message: 'must name at least one programme' })
  for (const [id, entry] of entries) {
    const seed = catalogue.programmes.get(id)
    if (!seed) {
      issues.push({ path: `programmes.${id}`, message: `unknown programme (known: ${known.join(', ')})` })
      continue
    }
    if (years.length === 0) continue
    const resolved = resolveProgramme(id, seed, entry ?? {}, years, setBy[id] ?? {}, document.name)
    issues.push(...checkProgramme(resolved, years))
    programmes.push(resolved)
  }

  const appropriations: ResolvedScenario['appropriations'] = {}
  for (const [level, byYear] of Object.entries(document.appropriations ?? {})) {
    if (!byYear) continue
    const amounts: Record<string, number> = {}
    for (const [year, amount] of Object.entries(byYear)) if (amount !== null) amounts[year] = amount
    if (Object.keys(amounts).length > 0) appropriations[level] = amounts
  }
  if (document.years) {
    const scenarioParameters = { ...document, appropriations, years }
    for (const m of mechanisms('scenario')) issues.push(...(m.check?.(scenarioParameters, '', { levels: levelIds() }) ?? []))
  }
  if (issues.length > 0) throw invalidScenario(dedupe(issues))

  return {
    name: document.name,
    title: document.title,
    description: document.description,
    lineage,
    years,
    trials: document.trials!,
    seed: document.seed!,
    on_exhaustion: document.on_exhaustion ?? 'record',
    programmes,
    appropriations,
    document,
    seeds_hash: catalogue.hash,
  }
}

/** Each parameter's value and provenance in each scenario year, folded where they do not change. */
function resolveProgramme(id: string, seed: ProgrammeSeed, entry: Record<string, unknown>, years: number[], setBy: Record<string, string>, scenarioName: string): ResolvedProgramme {
  const defaults = new Map<string, { value: unknown; note: string }>()
  for (const m of mechanisms('programme')) for (const [k, d] of Object.entries(m.defaults ?? {})) defaults.set(k, d)
  const parameters: ProgrammeParameters = {}
  const provenance: Record<string, Provenance> = {}
  const dated: Record<string, DatedParameter[]> = {}
  const note = typeof entry.note === 'string' ? entry.note : undefined
  for (const name of parameterNames()) {
    const override = entry[name]
    const node = seed.parameters[name]
    const scenario = { origin: 'scenario' as const, scenario: setBy[name] ?? scenarioName, note }
    const inYear = (year: number): { value: unknown; provenance: Provenance } | undefined => {
      if (override !== undefined && !isByYear(override)) return { value: override, provenance: scenario }
      if (isByYear(override)) {
        const keys = Object.keys(override.by_year).map(Number).filter((y) => y <= year)
        if (keys.length > 0) return { value: override.by_year[String(Math.max(...keys))], provenance: { ...scenario, from: Math.max(...keys) } }
      }
      if (node) {
        const v = node.values ? valueInForce(node.values, year) : node
        if (v) {
          const p: Provenance = v.source
            ? { origin: 'policy', source: v.source, note: v.note ?? node.note }
            : { origin: 'assumption', assumption: v.assumption, informed_by: v.informed_by ?? node.informed_by, note: v.note ?? node.note }
          if ('from' in v && v.from !== undefined) p.from = v.from
          if ('until' in v && v.until !== undefined) p.until = v.until
          return { value: v.value, provenance: p }
        }
      }
      const d = defaults.get(name)
      return d ? { value: d.value, provenance: { origin: 'default', note: d.note } } : undefined
    }
    const perYear = years.map((y) => ({ year: y, ...(inYear(y) ?? { value: undefined, provenance: undefined as unknown as Provenance }) }))
    const differs = perYear.some((d) => canonicalJson(d.value) !== canonicalJson(perYear[0].value) || canonicalJson(d.provenance) !== canonicalJson(perYear[0].provenance))
    const first = perYear[0]
    if (first.value !== undefined) {
      parameters[name] = first.value
      provenance[name] = first.provenance
    }
    if (differs && name !== 'years') dated[name] = perYear.map((d) => ({ year: d.year, value: d.value, provenance: d.provenance }))
  }
  const out: ResolvedProgramme = { id, title: seed.title, parameters, provenance, note }
  if (Object.keys(dated).length > 0) {
    // the base parameters are those of the programme's first active year
    const active = (parameters.years as number[] | undefined) ?? years
    const firstActive = years.find((y) => active.includes(y)) ?? years[0]
    out.dated = dated
    out.parameters = parametersForYear(out, firstActive)
    for (const [name, byYear] of Object.entries(dated)) {
      const entryAt = byYear.find((d) => d.year === firstActive)!
      if (entryAt.provenance) out.provenance[name] = entryAt.provenance
    }
  }
  return out
}

function isByYear(v: unknown): v is { by_year: Record<string, unknown> } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && 'by_year' in (v as object)
}

/** Every mechanism's checks, in each year whose parameters differ; problems reported once each. */
export function checkProgramme(p: ResolvedProgramme, years: number[]): Issue[] {
  const at = `programmes.${p.id}`
  const seen = new Set<string>()
  const issues: Issue[] = []
  const active = (p.parameters.years as number[] | undefined) ?? years
  for (const year of p.dated ? years.filter((y) => active.includes(y)) : [years[0]]) {
    const params = parametersForYear(p, year)
    const key = canonicalJson(params)
    if (seen.has(key)) continue
    seen.add(key)
    const found: Issue[] = []
    for (const m of mechanisms('programme')) found.push(...(m.check?.(params, at, { levels: levelIds() }) ?? []))
    // numbers that are valid one by one but dishonest together (overflow, infinite moments)
    if (found.length === 0) found.push(...checkMagnitudes(params, at))
    issues.push(...found)
  }
  return dedupe(issues)
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>()
  return issues.filter((i) => {
    const key = `${i.path}\0${i.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function applyExtends(
  data: unknown,
  loadPreset: (name: string) => unknown,
  chain: string[],
): { document: ScenarioDocument; setBy: SetBy; lineage: string[] } {
  const doc = assertScenarioDocument(data, chain.length > 0 ? `preset "${chain[chain.length - 1]}"` : undefined)
  if (!doc.extends) {
    const { document, setBy } = mergeScenario({ name: doc.name } as ScenarioDocument, doc)
    return { document, setBy, lineage: [] }
  }
  if (chain.includes(doc.extends) || chain.length >= MAX_EXTENDS_DEPTH)
    throw invalidScenario([{ path: 'extends', message: `circular or too deep: ${[...chain, doc.extends].join(' -> ')}` }])
  let baseData: unknown
  try {
    baseData = loadPreset(doc.extends)
  } catch (e) {
    if (e instanceof BudgetSimError && e.code === 'PRESET_NOT_FOUND') throw invalidScenario([{ path: 'extends', message: e.message }])
    throw e
  }
  const base = applyExtends(baseData, loadPreset, [...chain, doc.extends])
  const { document, setBy } = mergeScenario(base.document, doc, base.setBy)
  document.extends = doc.extends
  // a reform is its own scenario: it does not inherit the base's title and description
  document.title = doc.title
  document.description = doc.description
  return { document, setBy, lineage: [...base.lineage, doc.extends] }
}

/**
 * A content hash of what determines the simulation apart from trials and seed: years, exhaustion
 * rule, appropriations and every programme's full parameters, year by year (sha256, hex).
 */
export function scenarioHash(s: Pick<ResolvedScenario, 'years' | 'on_exhaustion' | 'appropriations' | 'programmes'>): string {
  const content = {
    years: s.years,
    on_exhaustion: s.on_exhaustion,
    appropriations: s.appropriations,
    programmes: s.programmes.map((p) => ({ id: p.id, parameters: p.parameters, ...(p.dated ? { dated: Object.fromEntries(Object.entries(p.dated).map(([k, v]) => [k, v.map((d) => [d.year, d.value])])) } : {}) })),
  }
  return createHash('sha256').update(canonicalJson(content)).digest('hex')
}

/** JSON with object keys sorted, so equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`
}
