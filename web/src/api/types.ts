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
  /** a run to a precision (POST /runs with `precision`) */
  precision?: PrecisionBlock
}

export type Statistic = 'mean' | 'p95' | 'p_exceed'

/** A figure whose Monte Carlo standard error a precision run must bring to at most `se`. */
export interface PrecisionTarget {
  statistic: Statistic
  level: string
  year: number | 'all'
  measure: 'demand' | 'paid'
  se: number
}

/** What a precision run reports: its targets, whether they were met, at how many trials, and every check. */
export interface PrecisionBlock {
  targets: PrecisionTarget[]
  max_trials: number
  met: boolean | null
  trials_used: number | null
  checks: { trials: number; se: (number | null)[]; met: boolean }[]
}

// ---- decision analyses (POST /analyses, GET /analyses/:id; GET /runs/:id/compare)

/** The figure an analysis is about. */
export interface AnalysisTarget {
  measure: 'demand' | 'paid'
  level: string
  year: number | 'all'
  statistic: Statistic
}

export interface Estimate {
  value: number
  /** Monte Carlo standard error (null where it cannot be estimated) */
  se: number | null
}

export interface TornadoBar {
  parameter: string
  label: string
  /** where the run's value came from: policy, assumption, scenario or default */
  origin: string
  unit: string
  value: number | null
  source: 'seed' | 'request'
  rationale: string | null
  years: number[] | null
  low: { input: number } & Estimate
  high: { input: number } & Estimate
  swing: number
  swing_se: number | null
  crosses_zero: boolean | null
}

export interface TornadoResult {
  statistic: Statistic
  target: AnalysisTarget
  figure: string
  trials: number
  seed: string
  base: Estimate
  /** largest |swing| first */
  bars: TornadoBar[]
  contribution: { method: string; vectors: number; trials_per_vector: number; parameters: { parameter: string; rank_correlation: number; share: number }[] } | null
  skipped?: { parameter: string; reason: string }[]
}

export interface GoalSeekPoint extends Estimate {
  input: number
  met: boolean
}

export interface GoalSeekResult {
  method: 'bisection' | 'quantile'
  parameter: string
  label: string
  unit: string
  origin: string
  current: number | null
  target: AnalysisTarget
  figure: string
  condition: { statistic: Statistic; op: '<=' | '>='; value: number }
  interval: [number, number] | null
  interval_source: 'request' | 'range' | 'rule' | null
  trials: number
  seed: string
  answer: number
  answer_sd: number | null
  answer_se: number | null
  at_answer: Estimate
  replicates: { seed: string; answer: number | null; error: { code: string; message: string } | null }[]
  points: GoalSeekPoint[]
  iterations: number
  resolution: number
}

export type AnalysisKind = 'sensitivity' | 'goal_seek'

export interface AnalysisProgress {
  runs_done: number
  runs: number
  fraction: number
}

export interface Analysis {
  id: string
  kind: AnalysisKind
  status: RunStatus
  name: string
  preset: string | null
  trials: number
  seed: string
  progress: AnalysisProgress
  draws: number | null
  /** times started; above 1 after a restart re-queued it */
  attempts: number
  created_at: string
  started_at: string | null
  finished_at: string | null
  /** a failed goal seek keeps the points it evaluated in detail */
  error: { code: string; message: string; detail?: { points?: GoalSeekPoint[] } } | null
  request: Record<string, unknown> & { target?: Partial<AnalysisTarget> & { op?: string; value?: number }; parameter?: string; interval?: [number, number] }
  result: TornadoResult | GoalSeekResult | null
  links: Record<string, string>
}

export interface AnalysisList {
  analyses: Analysis[]
  total: number
  limit: number
  offset: number
  next: string | null
}

/** A row of GET /runs/:id/compare: the budget impact of a run (after) against its baseline (before) in one year and level. */
export interface ImpactRow {
  year: number | 'all'
  level: string
  measure: string
  appropriation_before: number | null
  appropriation_after: number | null
  mean_before: number
  mean_after: number
  difference: number
  difference_se: number | null
  p95_before: number
  p95_after: number
  p_exceed_before: number | null
  p_exceed_after: number | null
}

export interface Comparison {
  run: string
  against: string
  measure: string
  trials: number
  seed: string
  rows: ImpactRow[]
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
