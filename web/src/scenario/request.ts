// Why: a planner starts from a preset or from a scenario file, then edits figures. The API takes a
// preset as `{ preset, overrides }` and a file as `{ scenario }`; this module turns either source plus
// the overrides into the document to validate and the body to POST /runs, and maps the API's error
// paths (`overrides.programmes...`, `scenario.programmes...`) back to the form's field paths.
import type { ResolvedScenario } from '../api/types'
import type { Overrides } from './overrides'

export type Source =
  | { kind: 'preset'; name: string; title: string; resolved: ResolvedScenario }
  | { kind: 'document'; label: string; document: Record<string, unknown>; resolved: ResolvedScenario }

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T

/**
 * A scenario document with the overrides applied the way `extends` would apply them. A document that
 * extends another keeps the nulls (they remove what it inherits); a standalone one drops the years
 * and levels removed.
 */
export function applyOverrides(document: Record<string, unknown>, overrides: Overrides): Record<string, unknown> {
  const doc = clone(document)
  const inherits = typeof doc.extends === 'string'
  if (overrides.name !== undefined) doc.name = overrides.name
  if (overrides.title !== undefined) doc.title = overrides.title
  if (overrides.trials !== undefined) doc.trials = overrides.trials
  if (overrides.seed !== undefined) doc.seed = overrides.seed
  if (overrides.programmes) {
    const programmes = (doc.programmes ?? {}) as Record<string, Record<string, unknown> | null>
    for (const [id, params] of Object.entries(overrides.programmes)) programmes[id] = { ...(programmes[id] ?? {}), ...clone(params) }
    doc.programmes = programmes
  }
  if (overrides.appropriations) {
    const appropriations = (doc.appropriations ?? {}) as Record<string, Record<string, number | null> | null>
    for (const [level, years] of Object.entries(overrides.appropriations)) {
      const merged = years === null ? null : { ...(appropriations[level] ?? {}), ...years }
      if (!inherits && merged) for (const [year, amount] of Object.entries(merged)) if (amount === null) delete merged[year]
      if (inherits) appropriations[level] = merged
      else if (merged && Object.keys(merged).length > 0) appropriations[level] = merged
      else delete appropriations[level]
    }
    doc.appropriations = appropriations
  }
  return doc
}

/** The document POST /scenarios/validate checks: what the run will resolve. */
export function validationDocument(source: Source, overrides: Overrides): Record<string, unknown> {
  if (source.kind === 'preset') return { ...clone(overrides), name: overrides.name ?? source.name, extends: source.name }
  return applyOverrides(source.document, overrides)
}

/** The body of POST /runs. */
export function runRequest(source: Source, overrides: Overrides): Record<string, unknown> {
  if (source.kind === 'preset') return Object.keys(overrides).length > 0 ? { preset: source.name, overrides: clone(overrides) } : { preset: source.name }
  return { scenario: applyOverrides(source.document, overrides) }
}

/** An error path of the API as a scenario path: "overrides.programmes.x.cap" -> "programmes.x.cap". */
export function scenarioPath(apiPath: string): string {
  return apiPath.replace(/^(overrides|scenario)(\.|$)/, '').replace(/\[(\d+)\]/g, '.$1')
}

/**
 * The field an error belongs to: the field at its path, else the field whose path contains it
 * (a problem with `programmes.x.quota` goes to the first quota field), else the nearest field
 * above it (`programmes.x.applicants.poisson` -> none; `...applicants.poisson.mean.extra` -> mean).
 */
export function fieldFor(apiPath: string, fieldPaths: readonly string[]): string | null {
  const p = scenarioPath(apiPath)
  if (p === '') return null
  if (fieldPaths.includes(p)) return p
  const inside = fieldPaths.find((f) => f.startsWith(`${p}.`))
  if (inside) return inside
  const above = fieldPaths.filter((f) => p.startsWith(`${f}.`)).sort((a, b) => b.length - a.length)[0]
  return above ?? null
}
