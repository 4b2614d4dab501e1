// Why: a scenario names programmes and overrides; the engine needs every parameter of every
// programme, with where it came from. This walks the `extends` chain, fills in the seeded rules
// and assumptions, records each value's provenance, and rejects anything inconsistent.
import { createHash } from 'node:crypto'
import { BudgetSimError, invalidScenario, type Issue } from '../errors.js'
import { loadCatalogue, type Catalogue } from '../policy/loadCatalogue.js'
import type { Citation, Fact } from '../policy/seedSchema.js'
import { closestName } from '../validation/closestName.js'
import { createValidator } from '../validation/createValidator.js'
import { checkProgramme } from './checkProgramme.js'
import { mergeScenario, type SetBy } from './mergeScenario.js'
import { loadPresetData } from './presets.js'
import {
  ParameterNames,
  ScenarioSchema,
  type ExhaustionRule,
  type Level,
  type ParameterName,
  type ProgrammeParameters,
  type ScenarioDocument,
} from './schema.js'

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
}

export interface ResolvedProgramme {
  id: string
  title: string
  parameters: ProgrammeParameters
  provenance: Partial<Record<ParameterName, Provenance>>
  note?: string
}

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
}

export interface ResolveOptions {
  catalogue?: Catalogue
  /** load a preset by name (default: scenarios/<name>.yaml) */
  loadPreset?: (name: string) => unknown
}

/** Engine defaults for parameters neither the seed nor the scenario sets: "no such rule". */
const structuralDefaults: Partial<Record<ParameterName, { value: unknown; note: string }>> = {
  approval_rate: { value: 1, note: 'no approval screen: every applicant is eligible' },
  rate: { value: 0, note: 'no rate' },
  amount: { value: 0, note: 'no flat amount' },
  cap: { value: null, note: 'no cap' },
  selection: { value: 'random', note: 'by lot when a quota binds' },
}

const validateDocument = createValidator(ScenarioSchema)
const MAX_EXTENDS_DEPTH = 8

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
  const found = distinct([...schemaIssues, ...unknown])
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

function distinct(issues: Issue[]): Issue[] {
  const seen = new Set<string>()
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * Resolve a document the schema accepts. `found` are problems found before, reported with the
 * rest; `partial`: the document is what the schema accepted of a larger one, whose missing fields
 * the schema has already reported.
 */
function resolveDocument(
  data: unknown,
  catalogue: Catalogue,
  options: ResolveOptions,
  found: Issue[],
  { partial = false } = {},
): ResolvedScenario {
  const loadPreset = options.loadPreset ?? loadPresetData
  let extended: ReturnType<typeof applyExtends>
  try {
    extended = applyExtends(data, loadPreset, [])
  } catch (e) {
    if (found.length > 0 && e instanceof BudgetSimError && e.code === 'SCENARIO_INVALID') throw invalidScenario(distinct([...found, ...e.issues]))
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
      issues.push({ path: `programmes.${id}`, message: `unknown programme (known: ${[...catalogue.programmes.keys()].join(', ')})` })
      continue
    }
    const parameters: Record<string, unknown> = {}
    const provenance: Partial<Record<ParameterName, Provenance>> = {}
    for (const name of ParameterNames) {
      const override = entry?.[name]
      const node = seed.parameters[name]
      if (override !== undefined) {
        parameters[name] = override
        provenance[name] = { origin: 'scenario', scenario: setBy[id]?.[name] ?? document.name, note: entry?.note }
      } else if (node) {
        parameters[name] = node.value
        provenance[name] = node.source
          ? { origin: 'policy', source: node.source, note: node.note }
          : { origin: 'assumption', assumption: node.assumption, informed_by: node.informed_by, note: node.note }
      } else if (structuralDefaults[name]) {
        parameters[name] = structuralDefaults[name]!.value
        provenance[name] = { origin: 'default', note: structuralDefaults[name]!.note }
      }
    }
    issues.push(...checkProgramme(parameters as ProgrammeParameters, `programmes.${id}`))
    programmes.push({ id, title: seed.title, parameters: parameters as ProgrammeParameters, provenance, note: entry?.note ?? undefined })
  }

  const appropriations: ResolvedScenario['appropriations'] = {}
  for (const [level, byYear] of Object.entries(document.appropriations ?? {})) {
    if (!byYear) continue
    const amounts: Record<string, number> = {}
    for (const [year, amount] of Object.entries(byYear)) {
      if (amount === null) continue
      if (document.years && !years.includes(Number(year)))
        issues.push({ path: `appropriations.${level}.${year}`, message: `${year} is not one of the scenario's years (${years.join(', ')})` })
      amounts[year] = amount
    }
    if (Object.keys(amounts).length > 0) appropriations[level as Level] = amounts
  }
  if (issues.length > 0) throw invalidScenario(distinct(issues))

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
  }
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
    if (e instanceof BudgetSimError && e.code === 'PRESET_NOT_FOUND')
      throw invalidScenario([{ path: 'extends', message: e.message }])
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
 * rule, appropriations and every programme's full parameters (sha256, hex).
 */
export function scenarioHash(s: ResolvedScenario): string {
  const content = {
    years: s.years,
    on_exhaustion: s.on_exhaustion,
    appropriations: s.appropriations,
    programmes: s.programmes.map((p) => ({ id: p.id, parameters: p.parameters })),
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
