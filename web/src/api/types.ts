// Why: the page reads the API's JSON; these types name the parts it uses (see README "The HTTP API"),
// so the compiler catches a misread field before a planner sees a wrong number.
// the statistics' shapes are the engine's own (type-only imports, erased from the bundle)
import type { SampleStatistics } from '../../../engine/summary/describeSample'
import type { Distribution as EngineDistribution } from '../../../engine/summary/distribution'

export type Level = 'national' | 'provincial' | 'municipal'
export const LEVELS: readonly Level[] = ['national', 'provincial', 'municipal']

export interface Issue {
  path: string
  message: string
}

/** RFC 9457 problem details as the API sends them. */
export interface ProblemBody {
  type?: string
  title?: string
  status?: number
  detail?: string
  code?: string
  errors?: Issue[]
}

export interface PresetListing {
  name: string
  title: string | null
  description: string | null
  extends: string | null
  years: number[]
  trials: number
  programmes: string[]
}

export interface Citation {
  document: string
  clause: string
  quote?: string
  fact?: string
  note?: string
}

export interface Provenance {
  origin: 'policy' | 'assumption' | 'scenario' | 'default'
  source?: Citation[]
  assumption?: string
  informed_by?: Citation[]
  scenario?: string
  note?: string
}

export interface ResolvedProgramme {
  id: string
  title: string
  note: string | null
  parameters: Record<string, unknown>
  provenance: Record<string, Provenance>
}

export type Appropriations = Partial<Record<Level, Record<string, number>>>

export interface ResolvedScenario {
  name: string
  title: string | null
  description: string | null
  lineage: string[]
  years: number[]
  trials: number
  seed: number | string
  on_exhaustion: string
  appropriations: Appropriations
  scenario_hash: string
  programmes: ResolvedProgramme[]
}

export interface PresetDetail {
  name: string
  document: Record<string, unknown>
  yaml: string
  resolved: ResolvedScenario
}

export interface PolicyDocument {
  file: string
  title: string
  title_zh?: string
  issuer?: string
  date?: string
  reference?: string
}

export interface ProgrammeCatalogue {
  documents: PolicyDocument[]
  programmes: { id: string; title: string; title_zh?: string }[]
}

export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled'
export const FINAL_STATUSES: readonly RunStatus[] = ['done', 'failed', 'cancelled']

export interface Progress {
  trials_done: number
  trials: number
  fraction?: number
  phase: string
}

export interface Run {
  id: string
  status: RunStatus
  name: string
  preset: string | null
  lineage: string[]
  scenario_hash: string
  trials: number
  seed: string
  progress: Progress
  applications_simulated: number | null
  created_at: string
  finished_at: string | null
  error: { code: string; message: string } | null
  scenario: Record<string, unknown> & { title?: string; years?: number[] }
  links: Record<string, string>
}

export interface RunList {
  runs: Run[]
  total: number
  limit: number
  offset: number
  next: string | null
}

export type Measure = 'demand' | 'paid' | 'shortfall' | 'cap_saved' | 'applicants' | 'approved' | 'capped' | 'quota_rejected' | 'recipients'

/** A row of GET /runs/:id/summary: the engine's statistics of one year x programme x level x measure. */
export interface SummaryRow extends SampleStatistics {
  year: number | null
  programme: string
  level: Level | 'all'
  measure: Measure
}

export interface Summary {
  metadata: Record<string, unknown>
  rows: SummaryRow[]
}

/**
 * GET /runs/:id/distribution: the engine's distribution of one total per trial (histogram with
 * `bins` equal bins over min..max or over the `range` asked for, values outside it in below/above;
 * exceedance curve; quantiles), with what was selected.
 */
export interface Distribution extends EngineDistribution {
  run: string
  against: string | null
  measure: Measure
  year: number | 'all'
  programme: string
  /** a level, all, or several levels summed ("provincial,municipal") */
  level: string
  appropriation: number | null
}
