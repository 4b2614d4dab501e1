// Why: a programme is a combination of mechanisms (who claims and for how much, caps, quotas,
// budgets, funding and matching between levels, exhaustion of appropriations). Each mechanism is
// one module that owns its parameters' schema, their checks, their compilation and its part of the
// simulation (its kernel, at a fixed stage of a programme-year or a year). This file is the
// contract between such a module and the engine; the registry lists the modules.
import type { TSchema } from 'typebox'
import type { Issue } from '../errors.js'
import type { Stream } from '../random/Stream.js'
import type { MoneyColumn, CountColumn } from '../simulate/TrialColumns.js'

/** The parameters of one programme in one year, as resolved (name -> value). */
export type Parameters = Record<string, any>

/**
 * Stages of a programme-year, in order. A mechanism's kernel runs at the stages it implements:
 * - renew: grants that recur from earlier years enter as claims (quota with `recurring`)
 * - draw: the claim source draws its units and keeps the claims (one source per programme)
 * - attributes: per-unit attributes drawn over every unit, kept for claims (tiers)
 * - select: claims compete for places (quota and selection)
 * - entitle: each claim's entitlement (rate x basis + flat amount)
 * - limit: per-claim limits (caps)
 * - budget: the programme's own budget for the year (first come or pro rata)
 */
export const ProgrammeStages = ['renew', 'draw', 'attributes', 'select', 'entitle', 'limit', 'budget'] as const
export type ProgrammeStage = (typeof ProgrammeStages)[number]

/**
 * Stages of a year across programmes, in order:
 * - levels: each programme's outlay split over funding levels, then matching obligations
 * - allocate: each level's appropriation applied under the exhaustion rule (paid amounts)
 */
export const YearStages = ['levels', 'allocate'] as const
export type YearStage = (typeof YearStages)[number]

/** Where a mechanism's parameters live: in each programme, or once for the scenario. */
export type MechanismScope = 'programme' | 'scenario'

/** The claims of one programme-year, as parallel typed arrays (no object per claim). */
export interface Claims {
  /** claims held: renewals first, then new claims in unit order */
  count: number
  /** claims that are renewals of earlier grants (the first `renewals` entries) */
  renewals: number
  /** basis of the entitlement (sum of contract values, prior-year revenue, loss) */
  basis: Float64Array
  /** index of the unit (applicant) among the year's new units; -1 for renewals */
  unit: Int32Array
  /** tier index (0 without tiers) */
  tier: Int32Array
  /** flat amount of the claim (the programme's amount, or its tier's) */
  flat: Float64Array
  /** entitlement, then after limits and budget, what the programme owes */
  amount: Float64Array
  /** arrival draw (32 random bits) when something is first come, first served */
  arrival: Float64Array
}

/** Totals of a programme-year, filled by the kernels, written to the trials table. */
export interface ProgrammeTotals {
  /**
   * What the programme owes: the sum of the claims' amounts in claim order. Every stage that sets
   * or changes amounts (entitle, limit, budget, a source that sets them) sums them again as it goes,
   * so the engine need not loop over the claims once more.
   */
  demand: number
  /** new units drawn (applicants, exposures) */
  applicants: number
  /** new units that became claims (approved applications, defaults) */
  approved: number
  capped: number
  quotaRejected: number
  budgetRejected: number
  recipients: number
  capSaved: number
  budgetCut: number
}

/** What a kernel sees of the simulation: the keys of the draw streams, and the work accounting. */
export interface SimulationContext {
  trial: number
  /** calendar year and its index among the scenario years */
  year: number
  yearIndex: number
  /** index of the programme in the plan, and its part of every stream key */
  programme: number
  programmeKey: number
  /** a stream keyed by (trial, year, programme, purpose); reuse it only until the next stream() call for the same slot */
  stream(purpose: number, slot?: number): Stream
  /** count draws made (work limits) */
  countDraws(n: number): void
  /** stop here if the run is cancelled or past its draw budget; `pending` draws are about to be made */
  checkpoint(pending: number): void
  /** whether claims need an arrival draw (something is first come, first served) */
  arrivals: boolean
}

/** Per-trial state a programme's mechanism keeps from one year to the next (quota places, grantees). */
export type ProgrammeState = Record<string, any>

/** One programme-year's working area, shared by the programme's kernels. */
export interface ProgrammeYear {
  ctx: SimulationContext
  claims: Claims
  totals: ProgrammeTotals
  /** make room for `n` claims (keeps the first `count`) */
  ensure(n: number): void
  /** the programme's claim source, for kernels that need more claims drawn (renewals) */
  source: { mechanism: Mechanism<any>; compiled: unknown }
  /** per-trial state of each mechanism of the programme, by mechanism id */
  state: Record<string, ProgrammeState>
}

/** A year across programmes: each programme's demand, level coefficients and paid amounts. */
export interface YearWork {
  ctx: {
    trial: number
    year: number
    yearIndex: number
    /** a stream keyed by (trial, year, programme p, purpose) */
    programmeStream(p: number, purpose: number): Stream
    countDraws(n: number): void
  }
  nLevels: number
  nProgrammes: number
  /** what each programme owes in the year (after its own limits and budget) */
  demand: Float64Array
  /** coef[p * nLevels + l]: level l's outlay per unit of programme p's demand */
  coef: Float64Array
  /** paid[p * nLevels + l] after appropriations (initially coef x demand) */
  paid: Float64Array
  /** the year's claims over all programmes, for first-come allocation across programmes */
  claims: { count: number; amount: Float64Array; programme: Int32Array; key: Float64Array }
}

/** What compile() is told about the scenario around a programme. */
export interface CompileContext {
  /** the scenario years and this one's index */
  years: number[]
  yearIndex: number
  /** the funding levels the plan uses, in order */
  levels: string[]
  /** the scenario's exhaustion rule, and its appropriations by level and year */
  scenario: Parameters
}

/** Columns of the trials table a mechanism can make non-zero when it is active. */
export type ResultColumn = MoneyColumn | CountColumn

/**
 * A mechanism module. `P` is its compiled form: plain numbers and typed arrays only (it travels
 * to worker threads and other machines by structured clone or JSON).
 */
export interface Mechanism<P = unknown> {
  /** stable id (part of plans and stream purposes) */
  id: string
  /** one line for `budget-sim programmes` and the README */
  title: string
  scope: MechanismScope
  /** the parameters it owns: name -> JSON Schema (TypeBox) of the value */
  parameters: Record<string, TSchema>
  /** stream purposes it draws from (unique across the registry; part of stream keys: never renumber) */
  purposes?: Record<string, number>
  /** values its parameters take when neither the seed nor the scenario gives one ("no such rule") */
  defaults?: Record<string, { value: unknown; note: string }>
  /** problems with the parameters that a schema cannot express; `all` is every parameter of the programme (or scenario) */
  check?(all: Parameters, at: string, ctx: { levels: readonly string[] }): Issue[]
  /** the compiled form for one year, or null when the mechanism is inactive for these parameters */
  compile(all: Parameters, ctx: CompileContext): P | null
  /** funding levels the mechanism involves (so the plan has rows for them) */
  levels?(all: Parameters): string[]
  /** result columns it may make non-zero when active */
  columns?: ResultColumn[]
  /** expected random draws in one programme-year, given the expected new units (for work limits) */
  expectedDraws?(compiled: P, expectedUnits: number, ctx: { yearsActiveBefore: number; arrivals: boolean }): number
  /** whether claims need arrival draws for this mechanism (something first come, first served) */
  needsArrivals?(compiled: P): boolean
  /** expected new units in a programme-year (claim sources only) */
  expectedUnits?(compiled: P): number
  /** per-trial state (programme scope): made once per simulator, reset at the start of every trial */
  createState?(): ProgrammeState
  resetState?(state: ProgrammeState): void
  /** kernels at programme-year stages */
  stages?: Partial<Record<ProgrammeStage, (work: ProgrammeYear, compiled: P) => void>>
  /** a claim source's service: draw `count` renewal claims' bases into claims[from, from + count) */
  redraw?(work: ProgrammeYear, compiled: P, from: number, count: number): void
  /** kernels at year stages (scenario scope, or programme scope for `levels`) */
  yearStages?: Partial<Record<YearStage, (work: YearWork, compiled: P, p: number) => void>>
  /** a short phrase for a parameter's value (`budget-sim programmes`) */
  describe?(name: string, value: unknown): string | undefined
}
