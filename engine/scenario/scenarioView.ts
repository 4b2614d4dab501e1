// Why: the JSON view of a resolved scenario, shown by the API (GET /runs/:id/scenario, GET
// /scenarios/:name, POST /scenarios/validate) and written into reports by the server and by the CLI
// (which must not load the HTTP API's modules), so it lives in the engine: what runs, every
// parameter with its provenance, the parameters that change over the years year by year (`dated`),
// and the scenario's own assumptions (figures no document fixes, by path, with their rationale).
import { scenarioHash, type DatedParameter, type Provenance, type ResolvedScenario } from './resolveScenario.js'

export interface ProgrammeView {
  id: string
  title: string
  note: string | null
  parameters: Record<string, unknown>
  provenance: Record<string, Provenance>
  /** parameters whose value or provenance changes over the scenario years: each year's ({} for none) */
  dated: Record<string, DatedParameter[]>
}

export interface ScenarioView {
  name: string
  title: string | null
  description: string | null
  lineage: string[]
  years: number[]
  trials: number
  seed: number | string
  on_exhaustion: string
  appropriations: ResolvedScenario['appropriations']
  /** figures of the scenario no document fixes (such as "appropriations"), with why */
  assumptions: Record<string, string>
  scenario_hash: string
  programmes: ProgrammeView[]
}

/** A resolved scenario as JSON: what runs, with every parameter and its provenance. */
export function scenarioView(s: ResolvedScenario): ScenarioView {
  return {
    name: s.name,
    title: s.title ?? null,
    description: s.description ?? null,
    lineage: s.lineage,
    years: s.years,
    trials: s.trials,
    seed: s.seed,
    on_exhaustion: s.on_exhaustion,
    appropriations: s.appropriations,
    assumptions: s.document.assumptions ?? {},
    scenario_hash: scenarioHash(s),
    programmes: s.programmes.map((p) => ({ id: p.id, title: p.title, note: p.note ?? null, parameters: p.parameters, provenance: p.provenance, dated: p.dated ?? {} })),
  }
}
