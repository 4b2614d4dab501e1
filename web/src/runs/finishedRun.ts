// Why: results are deterministic (same scenario hash, trials and seed: the same numbers), so running
// a scenario that already ran is minutes wasted. Before submitting, the page asks the server what
// the scenario resolves to (POST /scenarios/validate gives its scenario_hash, trials and seed) and
// looks for a finished run of it with one filtered GET /runs; the planner can still run it again.
import { getJson, postJson } from '../api/client'
import type { ResolvedScenario, Run, RunList } from '../api/types'

/** GET /runs for the done runs with this scenario hash, trials and seed, newest first. */
export function finishedRunQuery(scenarioHash: string, trials: number, seed: number | string): string {
  const q = new URLSearchParams({ status: 'done', scenario_hash: scenarioHash, seed: String(seed), trials: String(trials), limit: '1' })
  return `/runs?${q}`
}

/** The newest finished run of the scenario `document` would run, or null. Rejects with the server's problem when the scenario is invalid. */
export async function findFinishedRun(document: Record<string, unknown>): Promise<Run | null> {
  const answer = await postJson<{ valid: boolean; scenario: ResolvedScenario }>('/scenarios/validate', document)
  const { scenario_hash: hash, trials, seed } = answer.body.scenario
  const list = await getJson<RunList>(finishedRunQuery(hash, trials, seed))
  // the server filtered; check again what reuse relies on
  return list.runs.find((r) => r.status === 'done' && r.scenario_hash === hash && r.trials === trials && String(r.seed) === String(seed)) ?? null
}
