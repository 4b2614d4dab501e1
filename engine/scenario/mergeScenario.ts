// Why: reforms are written as diffs to a baseline (`extends:`), and the API takes a preset plus
// overrides. Both use this one merge, whose rules are simple enough to state in the README.
import type { ProgrammeEntry, ScenarioDocument } from './schema.js'

/** Who set each programme parameter: programme id -> parameter -> scenario name. */
export type SetBy = Record<string, Record<string, string>>

/**
 * Apply `patch` on top of `base`:
 * - top-level fields of the patch replace the base's (years, trials, seed, on_exhaustion, ...);
 * - programmes merge by id: `null` removes an inherited programme, an entry replaces the named
 *   parameters one by one (a parameter is replaced whole, never merged inside);
 * - appropriations merge by level and year; `null` for a level or a year removes it.
 */
export function mergeScenario(
  base: ScenarioDocument,
  patch: ScenarioDocument,
  setBy: SetBy = {},
): { document: ScenarioDocument; setBy: SetBy } {
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'programmes' || k === 'appropriations' || k === 'extends' || k === '$schema') continue
    out[k] = v
  }
  const nextSetBy: SetBy = Object.fromEntries(Object.entries(setBy).map(([id, m]) => [id, { ...m }]))
  if (patch.programmes) {
    const programmes: Record<string, ProgrammeEntry | null> = { ...(base.programmes ?? {}) }
    for (const [id, entry] of Object.entries(patch.programmes)) {
      if (entry === null) {
        delete programmes[id]
        delete nextSetBy[id]
        continue
      }
      programmes[id] = { ...(programmes[id] ?? {}), ...entry }
      nextSetBy[id] = { ...(nextSetBy[id] ?? {}) }
      for (const param of Object.keys(entry)) if (param !== 'note') nextSetBy[id][param] = patch.name
    }
    out.programmes = programmes
  }
  if (patch.appropriations) {
    const appropriations: Record<string, Record<string, number | null> | null> = { ...(base.appropriations ?? {}) }
    for (const [level, years] of Object.entries(patch.appropriations)) {
      if (years === null || years === undefined) {
        delete appropriations[level]
        continue
      }
      const merged: Record<string, number | null> = { ...(appropriations[level] ?? {}), ...years }
      for (const [year, amount] of Object.entries(merged)) if (amount === null) delete merged[year]
      appropriations[level] = merged
    }
    out.appropriations = appropriations
  }
  return { document: out as ScenarioDocument, setBy: nextSetBy }
}
