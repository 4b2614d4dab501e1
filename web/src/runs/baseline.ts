// Why: a reform is judged beside its baseline, on the same random draws. The baseline run must then
// have the same trials and seed; if the store already holds such a run of the unchanged preset (same
// scenario hash, trials and seed: the results are deterministic) it is reused, otherwise one is
// submitted. The store is asked for it by one filtered GET /runs, however many runs it holds.
import { getJson, postJson } from '../api/client'
import type { PresetDetail, Run, RunList } from '../api/types'

export interface BaselineChoice {
  run: Run
  reused: boolean
}

/** GET /runs for the done runs of `preset` as published (its scenario hash) with these trials and seed, newest first. */
export function baselineQuery(preset: string, scenarioHash: string, trials: number, seed: number | string): string {
  const q = new URLSearchParams({ status: 'done', preset, trials: String(trials), seed: String(seed), scenario_hash: scenarioHash, limit: '1' })
  return `/runs?${q}`
}

/** The done run of `preset` as published with these trials and seed, if the store has one. */
export async function findBaselineRun(preset: string, trials: number, seed: number | string): Promise<Run | null> {
  const detail = await getJson<PresetDetail>(`/scenarios/${encodeURIComponent(preset)}`)
  const hash = detail.resolved.scenario_hash
  const list = await getJson<RunList>(baselineQuery(preset, hash, trials, seed))
  // the server filtered; check again what reuse relies on: the untouched preset on the same draws
  return list.runs.find((r) => r.status === 'done' && r.preset === preset && r.scenario_hash === hash && r.trials === trials && String(r.seed) === String(seed)) ?? null
}

/** Reuse or submit the baseline run. */
export async function baselineRun(preset: string, trials: number, seed: number | string): Promise<BaselineChoice> {
  const existing = await findBaselineRun(preset, trials, seed)
  if (existing) return { run: existing, reused: true }
  const answer = await postJson<Run>('/runs', { preset, trials, seed })
  return { run: answer.body, reused: false }
}
