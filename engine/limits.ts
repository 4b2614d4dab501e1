// Why: a run's size is bounded in one place. The CLI, the API's configuration, the scenario schema
// and the pipeline all read these definitions (default, hard maximum, environment variable,
// meaning), so a limit cannot have two values in two places.
import { BudgetSimError } from './errors.js'

/** One configurable limit on a run. */
export interface LimitDefinition {
  /** environment variable that overrides the default (API server and CLI) */
  env: string
  default: number
  /** no configuration may exceed this */
  hard: number
  /** what is counted, for messages and the README */
  unit: string
  description: string
}

export const LimitDefinitions = {
  trials: {
    env: 'MAX_TRIALS',
    default: 1_000_000,
    hard: 100_000_000,
    unit: 'trials',
    description: 'Monte Carlo trials per run',
  },
  draws: {
    env: 'MAX_DRAWS',
    default: 10_000_000_000,
    hard: 1e15,
    unit: 'random draws',
    description:
      'expected random draws per run, counted from every count distribution (applicants, contracts per applicant, tiers, approvals, renewals, matching ratios) over every year and trial; enforced again while the run simulates',
  },
  rows: {
    env: 'MAX_ROWS',
    default: 20_000_000,
    hard: 500_000_000,
    unit: 'rows',
    description: 'rows of the trials table per run (trials x years x programmes x funding levels)',
  },
} as const satisfies Record<string, LimitDefinition>

export type LimitName = keyof typeof LimitDefinitions
export type RunLimits = Record<LimitName, number>

/** The defaults of every run limit. */
export const defaultLimits: RunLimits = Object.fromEntries(
  Object.entries(LimitDefinitions).map(([k, d]) => [k, d.default]),
) as RunLimits

/** The largest trials a scenario may ask for (the schema's maximum). */
export const MAX_TRIALS_HARD = LimitDefinitions.trials.hard

/** Most applicants one programme may draw in one trial and year: a guard against absurd draws. */
export const MAX_APPLICANTS_PER_DRAW = 20_000_000

/** Most payable claims in one trial-year under first-come exhaustion (sort keys hold 21 index bits). */
export const MAX_CLAIMS_PER_YEAR = 2 ** 21

/**
 * How far a block of trials may run past its share of the run's draw limit before it is stopped
 * with LIMIT_EXCEEDED: a block may use `BLOCK_DRAW_SLACK` times its proportional share of the
 * limit, and never less than `MIN_BLOCK_DRAWS`. A run within its limit on average never meets
 * this; a run whose realised draws explode (a count distribution far beyond its expectation) is
 * stopped within one block instead of running for hours.
 */
export const BLOCK_DRAW_SLACK = 4
export const MIN_BLOCK_DRAWS = 2 ** 26

/** The draw budget of a block of `blockTrials` trials of a run of `trials` trials. */
export function blockDrawBudget(limits: Pick<RunLimits, 'draws'>, trials: number, blockTrials: number): number {
  return Math.max(MIN_BLOCK_DRAWS, Math.ceil((BLOCK_DRAW_SLACK * limits.draws * blockTrials) / Math.max(1, trials)))
}

/**
 * Read limits from environment variables (unset = default), checking each against its hard
 * maximum. Throws an Error naming the variable for a bad value.
 */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): RunLimits {
  const out = { ...defaultLimits }
  for (const [name, d] of Object.entries(LimitDefinitions) as [LimitName, LimitDefinition][]) {
    const raw = env[d.env]
    if (raw === undefined || raw.trim() === '') continue
    const n = Number(raw.trim().replace(/_/g, ''))
    if (!/^[0-9_]+(e[0-9]+)?$/i.test(raw.trim()) || !Number.isFinite(n) || !Number.isInteger(n) || n < 1 || n > d.hard)
      throw new Error(`${d.env}: must be a whole number between 1 and ${d.hard.toLocaleString('en-US')} (${d.unit}), got "${raw}"`)
    out[name] = n
  }
  return out
}

/** The expected work of a run, as counted against the limits. */
export interface RunSize {
  trials: number
  draws: number
  applications: number
  rows: number
}

/** Throw LIMIT_EXCEEDED (413 over HTTP) with every figure when a run is larger than its limits. */
export function checkRunSize(size: RunSize, limits: RunLimits, options: { rows?: boolean } = {}): void {
  const problems: { path: string; message: string }[] = []
  const fmt = (x: number) => (x >= 1e7 ? x.toExponential(2) : Math.round(x).toLocaleString('en-US'))
  if (size.trials > limits.trials)
    problems.push({ path: 'trials', message: `${fmt(size.trials)} trials exceed the limit of ${fmt(limits.trials)} (${LimitDefinitions.trials.env})` })
  if (!(size.draws <= limits.draws))
    problems.push({
      path: 'trials',
      message: `about ${fmt(size.draws)} random draws expected (${fmt(size.draws / Math.max(1, size.trials))} per trial), over the limit of ${fmt(limits.draws)} (${LimitDefinitions.draws.env})`,
    })
  if ((options.rows ?? true) && size.rows > limits.rows)
    problems.push({ path: 'trials', message: `${fmt(size.rows)} result rows exceed the limit of ${fmt(limits.rows)} (${LimitDefinitions.rows.env})` })
  if (problems.length > 0)
    throw new BudgetSimError('LIMIT_EXCEEDED', `the run is too large: ${problems.map((p) => p.message).join('; ')}`, {
      issues: problems,
      detail: { size, limits },
    })
}
