// Why: an override replaces a programme parameter whole, so the page must send the complete object of
// every parameter a planner touched (all of `applicants`, all of `quota`) and nothing else; `null`
// removes a seeded rule (`cap`, `quota`, `matching`). Appropriations merge by level and year, so only
// the years changed are sent (`null` removes one year, a level of `null` the whole level). This
// module reads the inputs as their kind is written (amounts in 万/亿 or yuan, shares as 0.85 or 85%),
// checks what only the page can check (a number where a number belongs, a name the schema takes),
// and builds the overrides: { name, title, programmes: { id: { param: value } }, appropriations,
// trials, seed }.
import type { Issue, Level, ResolvedScenario } from '../api/types'
import { parseAmount, toHalfWidth } from '../format/amount'
import { applicantKind, MEAN_KEYS, NAME_PATTERN, type FieldKind, type FieldSpec, type ScenarioForm } from './form'

export type InputValues = ReadonlyMap<string, string | boolean>

export interface Overrides {
  /** a name and title of the planner's own (a reform named apart from its baseline) */
  name?: string
  title?: string
  programmes?: Record<string, Record<string, unknown>>
  /** level -> year -> amount (null: remove that year); a level of null: remove the level */
  appropriations?: Partial<Record<Level, Record<string, number | null> | null>>
  trials?: number
  seed?: number | string
}

export interface Collected {
  overrides: Overrides
  /** problems found before asking the server, by field path */
  issues: Issue[]
  /** the trials and seed the run will use */
  trials: number
  seed: number | string
}

type Parsed = { ok: true; value: number | null } | { ok: false; message: string }

/** "1,500,000" or " 0.85 " (or full-width "１，５００") -> a number; "" -> null. */
export function parseNumber(text: string, example = '400'): Parsed {
  const t = toHalfWidth(text).trim().replace(/[,_\s]/g, '')
  if (t === '') return { ok: true, value: null }
  const v = Number(t)
  if (!Number.isFinite(v)) return { ok: false, message: `enter a number such as ${example}, not "${text.trim()}"` }
  return { ok: true, value: v }
}

/** A share or a growth rate: "0.85" or "85%". */
export function parseShare(text: string, example: string): Parsed {
  const t = toHalfWidth(text).trim()
  const percent = /^(.*?)\s*%$/.exec(t)
  const parsed = parseNumber(percent ? percent[1] : t, example)
  if (!parsed.ok) return { ok: false, message: `enter ${example}, not "${text.trim()}"` }
  // 85% -> 0.85 by shifting the decimal point, so 10.78% is exactly 0.1078
  return percent && parsed.value !== null ? { ok: true, value: Number(`${parsed.value}e-2`) } : parsed
}

const EXAMPLES: Partial<Record<FieldKind, string>> = {
  share: 'a share such as 0.85 or 85%',
  growth: 'a yearly growth such as 0.1 or 10%',
  count: '400',
  trials: '10,000',
  ratio: '2 (twice the matched outlay) or 0.5',
}

/** A field's text as its kind reads it: amounts in 万元/亿元 or yuan, shares as 0.85 or 85%, numbers. */
export function parseField(f: Pick<FieldSpec, 'kind' | 'unit'>, text: string): Parsed {
  switch (f.kind) {
    case 'cny':
      return parseAmount(text, f.unit)
    case 'share':
    case 'growth':
      return parseShare(text, EXAMPLES[f.kind]!)
    default:
      return parseNumber(text, EXAMPLES[f.kind] ?? '400')
  }
}

/** A seed is a whole number or a word: "20150827" -> 20150827, "spring" -> "spring". */
export function parseSeed(text: string): number | string | null {
  const t = text.trim()
  if (t === '') return null
  return /^\d+$/.test(t) && Number(t) <= Number.MAX_SAFE_INTEGER ? Number(t) : t
}

/** Stable structural equality of JSON values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined)
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined)
  if (ka.length !== kb.length) return false
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T))

/** Read the inputs against the resolved scenario they were filled from. */
export function collectOverrides(resolved: ResolvedScenario, form: ScenarioForm, values: InputValues): Collected {
  const issues: Issue[] = []
  const text = (f: FieldSpec) => {
    const v = values.get(f.path)
    return typeof v === 'string' ? v : typeof f.initial === 'string' ? f.initial : ''
  }
  const flag = (f: FieldSpec) => {
    const v = values.get(f.path)
    return typeof v === 'boolean' ? v : Boolean(f.initial)
  }
  const num = (f: FieldSpec, required: boolean): number | null | undefined => {
    const parsed = parseField(f, text(f))
    if (!parsed.ok) {
      issues.push({ path: f.path, message: parsed.message })
      return undefined
    }
    if (parsed.value === null && required) {
      issues.push({ path: f.path, message: 'enter a value' })
      return undefined
    }
    return parsed.value
  }
  const overrides: Overrides = {}

  // trials and seed, and the name and title a planner gives a reform
  const runField = (path: string) => form.run.find((f) => f.path === path)
  const [trialsField, seedField] = [runField('trials')!, runField('seed')!]
  const nameField = runField('name')
  const name = nameField ? text(nameField).trim() : ''
  if (nameField && name !== '' && !NAME_PATTERN.test(name)) {
    const suggestion = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 100)
    issues.push({ path: nameField.path, message: `use lower-case letters, digits, ".", "_" or "-", starting with a letter or digit${NAME_PATTERN.test(suggestion) ? ` (for example ${suggestion})` : ''}` })
  } else if (name !== '' && name !== resolved.name) overrides.name = name
  const titleField = runField('title')
  const title = titleField ? text(titleField).trim() : ''
  if (title !== '' && title !== (resolved.title ?? '')) overrides.title = title
  const trials = num(trialsField, true)
  if (trials !== undefined && trials !== null && trials !== resolved.trials) overrides.trials = trials
  const seed = parseSeed(text(seedField))
  if (seed === null) issues.push({ path: seedField.path, message: 'enter a seed: a whole number or a word' })
  else if (String(seed) !== String(resolved.seed)) overrides.seed = seed

  // appropriations per level and year: the years changed, null for a year cleared; a level cleared
  // in every year is removed whole
  for (const { level, cells } of form.appropriations) {
    const original = resolved.appropriations[level] ?? {}
    const parsed = cells.map((cell) => ({ year: cell.path.split('.').at(-1)!, value: num(cell, false) }))
    if (parsed.some((c) => c.value === undefined)) continue
    const changed: Record<string, number | null> = {}
    for (const c of parsed) if ((original[c.year] ?? null) !== c.value) changed[c.year] = c.value ?? null
    if (Object.keys(changed).length === 0) continue
    // the years the level keeps: those untouched and those given an amount
    const kept = Object.keys(original).filter((year) => !(year in changed)).length + Object.values(changed).filter((v) => v !== null).length
    overrides.appropriations ??= {}
    overrides.appropriations[level] = kept === 0 ? null : changed
  }

  // programme parameters
  for (const pf of form.programmes) {
    const programme = resolved.programmes.find((p) => p.id === pf.id)!
    const par = programme.parameters
    const byPath = new Map(pf.fields.map((f) => [f.path.slice(`programmes.${pf.id}.`.length), f]))
    const changes: Record<string, unknown> = {}
    const set = (name: string, value: unknown) => {
      if (!sameJson(value, par[name] ?? null)) changes[name] = value
    }

    const rate = num(byPath.get('rate')!, true)
    if (rate !== undefined) set('rate', rate)
    const cap = num(byPath.get('cap')!, false)
    if (cap !== undefined) set('cap', cap)
    const approval = num(byPath.get('approval_rate')!, true)
    if (approval !== undefined) set('approval_rate', approval)

    const perYear = num(byPath.get('quota.per_year')!, false)
    const total = num(byPath.get('quota.total')!, false)
    const recurring = flag(byPath.get('quota.recurring')!)
    if (perYear !== undefined && total !== undefined) {
      const original = (par.quota ?? null) as Record<string, unknown> | null
      const quota: Record<string, unknown> = {}
      if (perYear !== null) quota.per_year = perYear
      if (total !== null) quota.total = total
      if (recurring || (original && 'recurring' in original)) quota.recurring = recurring
      // both place fields empty: no quota (null), unless the scenario's quota is only `recurring`
      const empty = perYear === null && total === null
      const untouched = original !== null && sameJson(quota, original)
      if (!empty) set('quota', quota)
      else if (recurring && !untouched)
        issues.push({ path: byPath.get('quota.recurring')!.path, message: 'recurring places need a quota: enter places per year or over all years, or untick this box for no quota' })
      else if (!untouched) set('quota', null)
    }

    const kind = applicantKind(par.applicants)
    if (kind) {
      const original = par.applicants as Record<string, unknown> & { growth?: number }
      const next = clone(original) as Record<string, unknown>
      let ok = true
      const meanKey = MEAN_KEYS[kind]
      if (meanKey) {
        const mean = num(byPath.get(`applicants.${kind}.${meanKey}`)!, true)
        if (mean === undefined) ok = false
        else next[kind] = { ...(original[kind] as object), [meanKey]: mean }
      }
      const growth = num(byPath.get('applicants.growth')!, false)
      if (growth === undefined) ok = false
      else if (growth === null) delete next.growth
      else next.growth = growth
      if (ok) set('applicants', next)
    }

    // an empty ratio drops that level's obligation; with none left the rule is removed (null)
    const matching = par.matching as Record<string, { of: string; ratio: unknown }> | null | undefined
    if (matching) {
      const next = clone(matching)
      let ok = true
      for (const level of Object.keys(matching)) {
        const f = byPath.get(`matching.${level}.ratio`)
        if (!f) continue
        const ratio = num(f, false)
        if (ratio === undefined) ok = false
        else if (ratio === null) delete next[level]
        else next[level] = { ...next[level], ratio }
      }
      if (ok) set('matching', Object.keys(next).length > 0 ? next : null)
    }

    if (Object.keys(changes).length > 0) {
      overrides.programmes ??= {}
      overrides.programmes[pf.id] = changes
    }
  }

  return {
    overrides,
    issues,
    trials: typeof trials === 'number' ? trials : resolved.trials,
    seed: seed ?? resolved.seed,
  }
}

/** How many parameters the overrides change, for a short "3 changes" note (a name or title changes nothing simulated). */
export function countChanges(overrides: Overrides): number {
  const programmes = Object.values(overrides.programmes ?? {}).reduce((n, p) => n + Object.keys(p).length, 0)
  return programmes + Object.keys(overrides.appropriations ?? {}).length + (overrides.trials !== undefined ? 1 : 0) + (overrides.seed !== undefined ? 1 : 0)
}
