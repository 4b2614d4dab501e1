// Why: a results table must say what produced it (scenario and specification hashes, seeds, seed,
// trials, engine, Node and V8 versions) and how many rows it holds, so a reader can check
// provenance and completeness.
import type { RunSpec } from '../run/RunSpec.js'

export interface RunMetadata {
  scenario_name: string
  scenario_hash: string
  spec_hash: string
  seeds_hash: string
  seed: string
  trials: number
  engine_version: string
  node_version: string
  v8_version: string
  exhaustion_rule: string
  /** known when the run has finished: in the summary, not in the trials table (written first) */
  applications_simulated?: number
}

/** The metadata of a run of `spec` made by this process's runtime. */
export function runMetadata(spec: RunSpec, applications?: number): RunMetadata {
  return {
    scenario_name: spec.name,
    scenario_hash: spec.scenario_hash,
    spec_hash: spec.spec_hash,
    seeds_hash: spec.seeds_hash,
    seed: String(spec.seed),
    trials: spec.trials,
    engine_version: spec.engine_version,
    node_version: process.versions.node,
    v8_version: process.versions.v8,
    exhaustion_rule: spec.on_exhaustion,
    ...(applications === undefined ? {} : { applications_simulated: applications }),
  }
}

/** Arrow schema metadata: every field as a string, plus the table name and its row count. */
export function schemaMetadata(meta: RunMetadata, table: 'trials' | 'summary', rowCount: number): Map<string, string> {
  const entries: [string, string][] = Object.entries(meta)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, String(v)])
  entries.push(['table', table], ['row_count', String(rowCount)])
  return new Map(entries)
}
