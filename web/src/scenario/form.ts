// Why: the page edits only the figures planners change most. This module decides which fields a
// resolved scenario offers (per programme: rate, cap, quota, approval rate, applicant mean and
// growth, matching ratio; appropriations per level and year, in 万元 or 亿元; trials and seed; the
// name and title a reform is listed under), each named by the scenario path the API uses in its
// validation errors, so a server message lands beside its field, and what an empty field means (no
// cap, no quota, no matching, no appropriation that year).
import { LEVELS, type Level, type Provenance, type ResolvedProgramme, type ResolvedScenario } from '../api/types'
import { amountInputText, fieldUnit } from '../format/amount'
import { UNIT_YI, type CnyUnit } from '../format/cny'

export type FieldKind = 'share' | 'cny' | 'count' | 'growth' | 'ratio' | 'trials' | 'seed' | 'flag' | 'name' | 'title'

/** Scenario names, as the schema has them (engine/scenario/schema.ts). */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,99}$/

export interface FieldSpec {
  /** scenario path, as in the API's errors: programmes.<id>.approval_rate */
  path: string
  /** DOM id of the input */
  id: string
  label: string
  /** a shorter visible label where the context says the rest (the year in the appropriations grid) */
  shortLabel?: string
  kind: FieldKind
  /** the unit an amount (kind cny) is written in, its examples and its messages */
  unit?: CnyUnit
  /** the input's initial text (or checked state for flags) */
  initial: string | boolean
  /** what an empty field means, when it may be empty ("no cap") */
  emptyMeans?: string
  /** what it means when this field and the one at `path` are both empty ("no quota") */
  emptyWith?: { path: string; means: string }
  /** the programme parameter it edits (rate, cap, quota, approval_rate, applicants, matching) */
  parameter?: string
  provenance?: Provenance
}

export interface ProgrammeForm {
  id: string
  title: string
  fields: FieldSpec[]
  /** parameters the page cannot edit but shows (an applicant distribution without a mean) */
  notes: string[]
}

export interface ScenarioForm {
  years: number[]
  run: FieldSpec[]
  appropriations: { level: Level; cells: FieldSpec[] }[]
  programmes: ProgrammeForm[]
}

/** Applicant count kinds whose mean the page edits, and the key that holds it. */
export const MEAN_KEYS: Record<string, string> = { poisson: 'mean', negative_binomial: 'mean', one_plus_poisson: 'mean', fixed: 'value' }

const domId = (path: string) => `f-${path.replace(/[^a-zA-Z0-9_-]+/g, '-')}`

/** Text for an input: amounts in 万元 or 亿元 ("500 万元"), trials grouped with commas, other numbers as they are, null as empty. */
export function inputText(value: unknown, kind: FieldKind): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number' && kind === 'cny') return amountInputText(value)
  if (typeof value === 'number' && kind === 'trials') return value.toLocaleString('en-US', { maximumFractionDigits: 6 })
  return String(value)
}

/** The distribution kind of an applicants parameter ({ poisson: {...}, growth }). */
export function applicantKind(applicants: unknown): string | null {
  if (!applicants || typeof applicants !== 'object') return null
  return Object.keys(applicants).find((k) => k !== 'growth') ?? null
}

function programmeFields(p: ResolvedProgramme): ProgrammeForm {
  const base = `programmes.${p.id}`
  const par = p.parameters
  const prov = (name: string) => p.provenance[name]
  const field = (name: string, suffix: string, label: string, kind: FieldKind, value: unknown, extra: Partial<FieldSpec> = {}): FieldSpec => ({
    path: `${base}.${name}${suffix}`,
    id: domId(`${base}.${name}${suffix}`),
    label,
    kind,
    initial: kind === 'flag' ? Boolean(value) : inputText(value, kind),
    parameter: name,
    provenance: prov(name),
    ...extra,
  })
  const fields: FieldSpec[] = []
  const notes: string[] = []
  fields.push(field('rate', '', 'Rate (share of the basis, 0–1)', 'share', par.rate ?? 0))
  fields.push(field('cap', '', 'Cap per recipient and year', 'cny', par.cap ?? null, { emptyMeans: 'no cap', unit: fieldUnit(par.cap as number | null | undefined) }))
  // both place fields empty: no quota (a seeded one is removed with `quota: null`)
  const quota = (par.quota ?? {}) as { per_year?: number; total?: number; recurring?: boolean }
  const noQuota = (other: string) => ({ path: `${base}.quota.${other}`, means: 'no quota' })
  fields.push(field('quota', '.per_year', 'Quota: places per year', 'count', quota.per_year ?? null, { emptyMeans: 'no yearly limit', emptyWith: noQuota('total') }))
  fields.push(field('quota', '.total', 'Quota: places over all years', 'count', quota.total ?? null, { emptyMeans: 'no overall limit', emptyWith: noQuota('per_year') }))
  fields.push(field('quota', '.recurring', 'Quota places are paid again every later year', 'flag', quota.recurring ?? false))
  fields.push(field('approval_rate', '', 'Approval rate (share approved, 0–1)', 'share', par.approval_rate ?? 1))
  const applicants = par.applicants as Record<string, Record<string, unknown>> & { growth?: number }
  const kind = applicantKind(applicants)
  if (kind && MEAN_KEYS[kind]) {
    const key = MEAN_KEYS[kind]
    const label = kind === 'fixed' ? 'Applicants per year (fixed number)' : `Applicants per year (mean of the ${kind.replace(/_/g, ' ')} count)`
    fields.push(field('applicants', `.${kind}.${key}`, label, 'count', applicants[kind][key]))
  } else if (kind) {
    notes.push(`Applicants follow a ${kind.replace(/_/g, ' ')} distribution; edit it in a scenario file.`)
  }
  if (kind) fields.push(field('applicants', '.growth', 'Applicant growth per year (0.1 = +10%)', 'growth', applicants.growth ?? null, { emptyMeans: 'no growth' }))
  // an empty ratio removes that level's obligation (`matching: null` when none is left)
  const matching = (par.matching ?? {}) as Record<string, { of: string; ratio: unknown }>
  for (const [level, rule] of Object.entries(matching)) {
    if (typeof rule.ratio === 'number') {
      fields.push(field('matching', `.${level}.ratio`, `Matching: ${level} pays × ${rule.of} outlay`, 'ratio', rule.ratio, { emptyMeans: `no ${level} matching` }))
    } else {
      notes.push(`The ${level} matching ratio is drawn from a distribution; edit it in a scenario file.`)
    }
  }
  return { id: p.id, title: p.title, fields, notes }
}

/** The fields a resolved scenario offers, with their initial values. */
export function scenarioForm(resolved: ResolvedScenario): ScenarioForm {
  const run: FieldSpec[] = [
    { path: 'trials', id: domId('trials'), label: 'Trials (simulated futures; more is slower and more precise)', kind: 'trials', initial: inputText(resolved.trials, 'trials') },
    { path: 'seed', id: domId('seed'), label: 'Seed (same seed = same random draws)', kind: 'seed', initial: inputText(resolved.seed, 'seed') },
    { path: 'name', id: domId('name'), label: 'Name (lower-case letters, digits, “.”, “_”, “-”; give a reform its own, e.g. cap-3m)', kind: 'name', initial: resolved.name },
    { path: 'title', id: domId('title'), label: 'Title, shown with the results (optional)', kind: 'title', initial: resolved.title ?? '', emptyMeans: 'the scenario’s own' },
  ]
  const appropriations = LEVELS.map((level) => ({
    level,
    cells: resolved.years.map(
      (year): FieldSpec => ({
        path: `appropriations.${level}.${year}`,
        id: domId(`appropriations.${level}.${year}`),
        label: `${level.charAt(0).toUpperCase()}${level.slice(1)} appropriation ${year}`,
        shortLabel: String(year),
        kind: 'cny',
        unit: fieldUnit(resolved.appropriations[level]?.[String(year)], UNIT_YI),
        initial: inputText(resolved.appropriations[level]?.[String(year)] ?? null, 'cny'),
        emptyMeans: 'none',
      }),
    ),
  }))
  return { years: resolved.years, run, appropriations, programmes: resolved.programmes.map(programmeFields) }
}

/** Every field of a form, in page order. */
export function allFields(form: ScenarioForm): FieldSpec[] {
  return [...form.run, ...form.appropriations.flatMap((a) => a.cells), ...form.programmes.flatMap((p) => p.fields)]
}
