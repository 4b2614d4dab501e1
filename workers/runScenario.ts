// Why: the CLI and the API run scenarios the same way: compile the plan, check the run's size
// against limits, simulate on the pool, summarise, and describe the result. One function does it,
// so the two front ends give identical tables for the same scenario and seed.
import type { Piscina } from 'piscina'
import type { Table } from 'apache-arrow'
import { BudgetSimError } from '../engine/errors.js'
import { compilePlan, type Plan } from '../engine/plan/compilePlan.js'
import { buildSummaryTable } from '../engine/results/buildSummaryTable.js'
import { buildTrialsTable, type TrialsFilter } from '../engine/results/buildTrialsTable.js'
import { runMetadata, type RunMetadata } from '../engine/results/metadata.js'
import { scenarioHash, type ResolvedScenario } from '../engine/scenario/resolveScenario.js'
import type { TrialColumns } from '../engine/simulate/TrialColumns.js'
import { summarize, type SummaryRow } from '../engine/summary/summarize.js'
import { createPool } from './createPool.js'
import { runPlan, type Progress } from './runPlan.js'

export interface RunLimits {
  /** most trials per run */
  maxTrials: number
  /** most expected applications per run (trials x expected applicants per trial) */
  maxApplications: number
  /** most rows in the trials table (memory: ~68 bytes per row) */
  maxRows: number
}

export const defaultLimits: RunLimits = { maxTrials: 10_000_000, maxApplications: 50_000_000_000, maxRows: 50_000_000 }

export interface RunScenarioOptions {
  /** a pool to share; when omitted, one is created for the run and destroyed after */
  pool?: Piscina
  threads?: number
  /** override the scenario's trials and seed */
  trials?: number
  seed?: number | string
  blockTrials?: number
  signal?: AbortSignal
  onProgress?: (p: Progress & { phase: 'simulate' | 'summarize' }) => void
  limits?: Partial<RunLimits>
}

export interface RunOutput {
  scenario: ResolvedScenario
  plan: Plan
  trials: number
  seed: number | string
  columns: TrialColumns
  applications: number
  metadata: RunMetadata
  summary: SummaryRow[]
  timings: { simulateMs: number; summarizeMs: number }
}

/** Expected size of a run, checked against limits before any work starts. */
export function checkRunSize(plan: Plan, trials: number, limits: Partial<RunLimits> = {}): { applications: number; rows: number } {
  const l = { ...defaultLimits, ...limits }
  const applications = Math.round(trials * plan.expectedApplicationsPerTrial)
  const rows = trials * plan.rowsPerTrial
  const problems: string[] = []
  if (trials > l.maxTrials) problems.push(`${trials} trials exceed the limit of ${l.maxTrials}`)
  if (applications > l.maxApplications)
    problems.push(`about ${applications.toExponential(2)} applications expected, over the limit of ${l.maxApplications.toExponential(2)}`)
  if (rows > l.maxRows) problems.push(`${rows} result rows exceed the limit of ${l.maxRows}`)
  if (problems.length > 0)
    throw new BudgetSimError('LIMIT_EXCEEDED', `the run is too large: ${problems.join('; ')}`, {
      issues: problems.map((message) => ({ path: 'trials', message })),
      detail: { trials, applications, rows, limits: l },
    })
  return { applications, rows }
}

/** Simulate a resolved scenario and summarise it. */
export async function runScenario(scenario: ResolvedScenario, options: RunScenarioOptions = {}): Promise<RunOutput> {
  const trials = options.trials ?? scenario.trials
  const seed = options.seed ?? scenario.seed
  const plan = compilePlan(scenario, seed)
  checkRunSize(plan, trials, options.limits)
  const pool = options.pool ?? createPool({ threads: options.threads })
  try {
    const t0 = performance.now()
    const out = await runPlan(plan, {
      pool,
      trials,
      blockTrials: options.blockTrials,
      signal: options.signal,
      onProgress: options.onProgress && ((p) => options.onProgress!({ ...p, phase: 'simulate' })),
    })
    const t1 = performance.now()
    if (options.signal?.aborted) throw new BudgetSimError('RUN_CANCELLED', 'the run was cancelled')
    options.onProgress?.({ trialsDone: trials, trials, phase: 'summarize' })
    const summary = summarize(plan, out.columns, trials)
    const t2 = performance.now()
    const metadata = runMetadata({
      scenario_name: scenario.name,
      scenario_hash: scenarioHash(scenario),
      seed: String(seed),
      trials,
      applications_simulated: out.applications,
      exhaustion_rule: scenario.on_exhaustion,
    })
    return {
      scenario,
      plan,
      trials,
      seed,
      columns: out.columns,
      applications: out.applications,
      metadata,
      summary,
      timings: { simulateMs: t1 - t0, summarizeMs: t2 - t1 },
    }
  } finally {
    if (!options.pool) await pool.destroy()
  }
}

/** The trials table of a run (optionally filtered). */
export function trialsTable(run: RunOutput, filter?: TrialsFilter): Table {
  return buildTrialsTable(run.plan, run.columns, run.trials, run.metadata, filter)
}

/** The summary table of a run. */
export function summaryTable(run: RunOutput): Table {
  return buildSummaryTable(run.summary, run.metadata)
}
