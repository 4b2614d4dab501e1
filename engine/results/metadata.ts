// Why: a results table must say what produced it (scenario hash, seed, trials, engine, Node and V8
// versions) and how many rows it holds, so a reader can check provenance and completeness.
import { engineVersion } from '../version.js'

export interface RunMetadata {
  scenario_name: string
  scenario_hash: string
  seed: string
  trials: number
  applications_simulated: number
  engine_version: string
  node_version: string
  v8_version: string
  exhaustion_rule: string
}

/** The metadata of a run made by this process's engine and runtime. */
export function runMetadata(fields: Omit<RunMetadata, 'engine_version' | 'node_version' | 'v8_version'>): RunMetadata {
  return {
    ...fields,
    engine_version: engineVersion,
    node_version: process.versions.node,
    v8_version: process.versions.v8,
  }
}

/** Arrow schema metadata: every field as a string, plus the table name and its row count. */
export function schemaMetadata(meta: RunMetadata, table: 'trials' | 'summary', rowCount: number): Map<string, string> {
  const entries: [string, string][] = Object.entries(meta).map(([k, v]) => [k, String(v)])
  entries.push(['table', table], ['row_count', String(rowCount)])
  return new Map(entries)
}
