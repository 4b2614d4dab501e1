// Helpers for engine tests: resolve a small scenario, simulate it on this thread, read rows back.
import { compilePlan, type Plan } from '../../engine/plan/compilePlan.js'
import { resolveScenario } from '../../engine/scenario/resolveScenario.js'
import type { ScenarioDocument } from '../../engine/scenario/schema.js'
import { Simulator } from '../../engine/simulate/Simulator.js'
import type { TrialColumns } from '../../engine/simulate/TrialColumns.js'

export interface Simulated {
  plan: Plan
  columns: TrialColumns
  applications: number
  trials: number
}

/** A scenario with defaults for the required fields. */
export function scenario(partial: Partial<ScenarioDocument> & Pick<ScenarioDocument, 'programmes'>): ScenarioDocument {
  return { name: 'test', years: [2015], trials: 100, seed: 1, ...partial } as ScenarioDocument
}

/** Resolve, compile and simulate `trials` trials (default: the scenario's) on this thread. */
export function simulate(doc: ScenarioDocument, trials = doc.trials ?? 100): Simulated {
  const plan = compilePlan(resolveScenario(doc))
  const block = new Simulator(plan).simulate(0, trials!)
  return { plan, columns: block.columns, applications: block.applications, trials: trials! }
}

export interface Row {
  applicants: number
  approved: number
  capped: number
  quota_rejected: number
  budget_rejected: number
  recipients: number
  demand: number
  paid: number
  shortfall: number
  cap_saved: number
  budget_cut: number
}

/** The row of one trial, year, programme and level. */
export function row(s: Simulated, trial: number, year: number, programme: string, level: string): Row {
  const { plan, columns } = s
  for (let r = 0; r < plan.rowsPerTrial; r++) {
    if (plan.years[plan.rowYear[r]] !== year) continue
    if (plan.programmes[plan.rowProgramme[r]].id !== programme) continue
    if (plan.levels[plan.rowLevel[r]] !== level) continue
    const i = trial * plan.rowsPerTrial + r
    const out: Record<string, number> = {}
    for (const [k, v] of Object.entries(columns.money)) out[k] = v[i]
    for (const [k, v] of Object.entries(columns.counts)) out[k] = v[i]
    return out as unknown as Row
  }
  throw new Error(`no row for ${year} ${programme} ${level}`)
}

/** One value per trial for a column, summed over the rows that match. */
export function perTrial(s: Simulated, column: keyof Row, match: { year?: number; programme?: string; level?: string } = {}): Float64Array {
  const { plan, columns } = s
  const out = new Float64Array(s.trials)
  const source = (columns.money as any)[column] ?? (columns.counts as any)[column]
  for (let t = 0; t < s.trials; t++)
    for (let r = 0; r < plan.rowsPerTrial; r++) {
      if (match.year !== undefined && plan.years[plan.rowYear[r]] !== match.year) continue
      if (match.programme !== undefined && plan.programmes[plan.rowProgramme[r]].id !== match.programme) continue
      if (match.level !== undefined && plan.levels[plan.rowLevel[r]] !== match.level) continue
      out[t] += source[t * plan.rowsPerTrial + r]
    }
  return out
}

/** Mean and Monte Carlo standard error (sd / sqrt(n)) of a sample. */
export function meanAndError(values: ArrayLike<number>): { mean: number; se: number; sd: number } {
  const n = values.length
  let m = 0
  for (let i = 0; i < n; i++) m += values[i]
  m /= n
  let ss = 0
  for (let i = 0; i < n; i++) ss += (values[i] - m) ** 2
  const sd = Math.sqrt(ss / (n - 1))
  return { mean: m, se: sd / Math.sqrt(n), sd }
}

/**
 * Tolerance policy for statistical tests: |estimate - truth| <= Z_TOLERANCE x standard error.
 * With Z = 4 a correct engine fails a given check with probability 6.3e-5 (two-sided normal);
 * seeds are fixed, so a passing test stays passing.
 */
export const Z_TOLERANCE = 4

/**
 * Standard normal CDF Φ(x) through erfc (Numerical Recipes' erfcc, relative error < 1.2e-7,
 * far below the Monte Carlo tolerances it is used with).
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2
  const t = 1 / (1 + 0.5 * z)
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  return x >= 0 ? 1 - erfc / 2 : erfc / 2
}

/** Poisson probability P(X = k) for mean λ. */
export function poissonPmf(k: number, lambda: number): number {
  let logFactorial = 0
  for (let i = 2; i <= k; i++) logFactorial += Math.log(i)
  return Math.exp(-lambda + k * Math.log(lambda) - logFactorial)
}
