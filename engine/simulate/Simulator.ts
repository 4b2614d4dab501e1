// Why: this is the engine's hot path, and it knows no policy rule. For each trial and year it runs
// each programme's mechanisms at their stages (claims drawn, selected, entitled, limited, budgeted;
// see mechanisms/Mechanism.ts), then the year's level stages (funding shares, matching) and the
// exhaustion of appropriations, and writes the trial's rows. Claims live in reused typed arrays and
// draws come from a few re-keyed streams: no object per application and no closure per draw.
import { BudgetSimError } from '../errors.js'
import { MAX_APPLICANTS_PER_DRAW, MAX_CLAIMS_PER_YEAR } from '../limits.js'
import type { Claims, Mechanism, ProgrammeState, ProgrammeTotals, ProgrammeYear, SimulationContext, YearWork } from '../mechanisms/Mechanism.js'
import { ProgrammeStages } from '../mechanisms/Mechanism.js'
import { mechanism } from '../mechanisms/registry.js'
import type { Plan } from '../plan/compilePlan.js'
import { Stream } from '../random/Stream.js'
import { viewColumns, type TrialColumns } from './TrialColumns.js'

export { MAX_APPLICANTS_PER_DRAW, MAX_CLAIMS_PER_YEAR }

const TWO_POW_21 = 2 ** 21
/** Stream slots a kernel may hold open at once. */
const SLOTS = 8

/** Optional hooks a caller (a worker) passes to stop early, to count progress and to bound work. */
export interface SimulationControl {
  /** checked between trials and every few thousand draws inside a trial; true stops the block */
  cancelled?: () => boolean
  /** called after each completed trial */
  trialDone?: () => void
  /** most random draws the block may make; beyond it the block fails with LIMIT_EXCEEDED */
  drawBudget?: number
}

export interface SimulatedBlock {
  columns: TrialColumns
  /** new applications simulated (applicant draws summed over trials, years, programmes) */
  applications: number
  /** random draws made (see Plan.expectedDrawsPerTrial for what counts) */
  draws: number
  /** trials completed (less than requested only when cancelled) */
  completed: number
}

/** Thrown inside a trial when the caller cancels; caught by `simulate`. */
class Cancelled {}

type StageKernel = (work: ProgrammeYear, compiled: unknown) => void
type YearKernel = (work: YearWork, compiled: unknown, p: number) => void

/** A programme's kernels for one year, resolved once: stage -> [kernel, compiled] pairs. */
interface ProgrammeYearKernels {
  stages: { kernel: StageKernel; compiled: unknown }[][]
  levels: { kernel: YearKernel; compiled: unknown }[]
  source: { mechanism: Mechanism<any>; compiled: unknown } | null
}

/**
 * Simulates blocks of trials of one plan. Create one per worker and plan; call `simulate` for
 * each block. Results depend only on the plan and the trial indices, never on block boundaries.
 *
 * @example
 * const sim = new Simulator(compilePlan(resolved))
 * const { columns } = sim.simulate(0, 100) // rows = 100 x plan.rowsPerTrial
 */
export class Simulator {
  private readonly plan: Plan
  private readonly nYears: number
  private readonly nProgrammes: number
  private readonly nLevels: number
  /** first row of programme p in year y within a trial: rowOffset[y * nProgrammes + p] */
  private readonly rowOffset: Int32Array
  private readonly kernels: ProgrammeYearKernels[][]
  private readonly scenarioKernels: { kernel: YearKernel; compiled: unknown }[][]
  /** whether the year's claims are registered for first-come allocation across programmes */
  private readonly registerClaims: boolean[]
  /** per programme: each mechanism's per-trial state */
  private readonly states: { mechanism: Mechanism<any>; state: ProgrammeState }[][]
  private readonly stateById: Record<string, ProgrammeState>[]

  private readonly streams: Stream[]
  private readonly context: SimulationContext
  private readonly work: ProgrammeYear
  private readonly year: YearWork

  // per trial-year, per programme
  private readonly progSaved: Float64Array
  private readonly progBudgetCut: Float64Array
  private readonly progCounts: Int32Array

  // work accounting and the caller's control
  private draws = 0
  private drawBudget = Infinity
  private control: SimulationControl = {}

  constructor(plan: Plan) {
    this.plan = plan
    this.nYears = plan.years.length
    this.nProgrammes = plan.programmes.length
    this.nLevels = plan.levels.length
    const np = this.nProgrammes
    const nl = this.nLevels
    this.rowOffset = new Int32Array(this.nYears * np)
    let row = 0
    for (let y = 0; y < this.nYears; y++)
      for (let p = 0; p < np; p++) {
        this.rowOffset[y * np + p] = row
        row += plan.programmes[p].levels.length
      }

    this.kernels = plan.programmes.map((prog) =>
      prog.mechanisms.map((list, y) => {
        const stages = ProgrammeStages.map((stage) =>
          list.flatMap((a) => {
            const kernel = mechanism(a.id).stages?.[stage]
            return kernel ? [{ kernel: kernel as StageKernel, compiled: a.compiled }] : []
          }),
        )
        const levels = list.flatMap((a) => {
          const kernel = mechanism(a.id).yearStages?.levels
          return kernel ? [{ kernel: kernel as YearKernel, compiled: a.compiled }] : []
        })
        const s = prog.source[y] >= 0 ? list[prog.source[y]] : null
        return { stages, levels, source: s ? { mechanism: mechanism(s.id), compiled: s.compiled } : null }
      }),
    )
    this.scenarioKernels = plan.scenario.map((list) =>
      list.flatMap((a) => {
        const kernel = mechanism(a.id).yearStages?.allocate
        return kernel ? [{ kernel: kernel as YearKernel, compiled: a.compiled }] : []
      }),
    )
    this.registerClaims = plan.scenario.map((list) => list.some((a) => mechanism(a.id).needsArrivals?.(a.compiled) ?? false))
    const ids = plan.programmes.map((prog) => [...new Set(prog.mechanisms.flat().map((a) => a.id))])
    this.states = ids.map((list) => list.flatMap((id) => (mechanism(id).createState ? [{ mechanism: mechanism(id), state: mechanism(id).createState!() }] : [])))
    this.stateById = this.states.map((list) => Object.fromEntries(list.map((s) => [s.mechanism.id, s.state])))

    this.streams = Array.from({ length: SLOTS }, () => new Stream(plan.masterKey))
    const self = this
    const streams = this.streams
    this.context = {
      trial: 0,
      year: 0,
      yearIndex: 0,
      programme: 0,
      programmeKey: 0,
      arrivals: false,
      stream(purpose: number, slot = 0) {
        return streams[slot].reset(this.trial, this.year, this.programmeKey, purpose)
      },
      countDraws(n: number) {
        self.draws += n
      },
      checkpoint(pending: number) {
        self.checkpoint(pending)
      },
    }
    const claims: Claims = {
      count: 0,
      renewals: 0,
      basis: new Float64Array(1024),
      unit: new Int32Array(1024),
      tier: new Int32Array(1024),
      flat: new Float64Array(1024),
      amount: new Float64Array(1024),
      arrival: new Float64Array(1024),
    }
    const totals: ProgrammeTotals = { demand: 0, applicants: 0, approved: 0, capped: 0, quotaRejected: 0, budgetRejected: 0, recipients: 0, capSaved: 0, budgetCut: 0 }
    this.work = {
      ctx: this.context,
      claims,
      totals,
      ensure(n: number) {
        if (n <= claims.basis.length) return
        const size = Math.max(n, claims.basis.length * 2)
        claims.basis = grown(claims.basis, size)
        claims.unit = grown(claims.unit, size)
        claims.tier = grown(claims.tier, size)
        claims.flat = grown(claims.flat, size)
        claims.amount = grown(claims.amount, size)
        claims.arrival = grown(claims.arrival, size)
      },
      source: { mechanism: null as unknown as Mechanism<any>, compiled: null },
      state: {},
    }
    const context = this.context
    this.year = {
      ctx: {
        trial: 0,
        year: 0,
        yearIndex: 0,
        programmeStream(p: number, purpose: number) {
          return streams[SLOTS - 1].reset(this.trial, this.year, plan.programmes[p].key, purpose)
        },
        countDraws: (n: number) => context.countDraws(n),
      },
      nLevels: nl,
      nProgrammes: np,
      demand: new Float64Array(np),
      coef: new Float64Array(np * nl),
      paid: new Float64Array(np * nl),
      claims: { count: 0, amount: new Float64Array(4096), programme: new Int32Array(4096), key: new Float64Array(4096) },
    }
    this.progSaved = new Float64Array(np)
    this.progBudgetCut = new Float64Array(np)
    this.progCounts = new Int32Array(np * COUNTS)
  }

  /** Simulate trials [trialStart, trialStart + trialCount). */
  simulate(trialStart: number, trialCount: number, control: SimulationControl = {}): SimulatedBlock {
    const rowsPerTrial = this.plan.rowsPerTrial
    const columns = viewColumns(trialCount * rowsPerTrial)
    let applications = 0
    let completed = 0
    this.draws = 0
    this.drawBudget = control.drawBudget ?? Infinity
    this.control = control
    try {
      for (let i = 0; i < trialCount; i++) {
        if (control.cancelled?.()) break
        applications += this.simulateTrial(trialStart + i, columns, i * rowsPerTrial)
        completed++
        control.trialDone?.()
      }
    } catch (e) {
      if (!(e instanceof Cancelled)) throw e
    } finally {
      this.control = {}
    }
    return { columns, applications, draws: this.draws, completed }
  }

  /** Between chunks of work inside a trial: stop when cancelled or past the draw budget. */
  private checkpoint(pending: number): void {
    if (this.draws + pending > this.drawBudget)
      throw new BudgetSimError(
        'LIMIT_EXCEEDED',
        `a block of trials made more than ${Math.round(this.drawBudget).toLocaleString('en-US')} random draws, its share of the run's draw limit (MAX_DRAWS); the scenario's counts are far larger than the limit allows`,
      )
    if (this.control.cancelled?.()) throw new Cancelled()
  }

  private simulateTrial(trial: number, out: TrialColumns, base: number): number {
    const plan = this.plan
    const np = this.nProgrammes
    for (const list of this.states) for (const s of list) s.mechanism.resetState?.(s.state)
    const ctx = this.context
    const year = this.year
    ctx.trial = trial
    year.ctx.trial = trial
    let applications = 0
    for (let y = 0; y < this.nYears; y++) {
      const yearValue = plan.years[y]
      ctx.year = yearValue
      ctx.yearIndex = y
      year.ctx.year = yearValue
      year.ctx.yearIndex = y
      year.claims.count = 0
      for (let p = 0; p < np; p++) {
        if (plan.programmes[p].active[y] === 0) {
          year.demand[p] = 0
          this.progSaved[p] = 0
          this.progBudgetCut[p] = 0
          this.progCounts.fill(0, p * COUNTS, (p + 1) * COUNTS)
          continue
        }
        applications += this.simulateProgrammeYear(p, y)
      }
      // funding shares and matching, for every programme (ratios are drawn every year)
      year.coef.fill(0)
      for (let p = 0; p < np; p++) for (const k of this.kernels[p][y].levels) k.kernel(year, k.compiled, p)
      // paid amounts: as demanded, unless an allocation says otherwise
      const nl = this.nLevels
      for (let p = 0; p < np; p++) for (let l = 0; l < nl; l++) year.paid[p * nl + l] = year.coef[p * nl + l] * year.demand[p]
      for (const k of this.scenarioKernels[y]) k.kernel(year, k.compiled, -1)
      this.writeRows(out, base, y)
    }
    return applications
  }

  private simulateProgrammeYear(p: number, y: number): number {
    const prog = this.plan.programmes[p]
    const kernels = this.kernels[p][y]
    const work = this.work
    const ctx = this.context
    ctx.programme = p
    ctx.programmeKey = prog.key
    ctx.arrivals = prog.arrivals[y] === 1
    work.state = this.stateById[p]
    work.source.mechanism = kernels.source?.mechanism as Mechanism<any>
    work.source.compiled = kernels.source?.compiled
    const claims = work.claims
    claims.count = 0
    claims.renewals = 0
    const t = work.totals
    t.demand = 0
    t.applicants = 0
    t.approved = 0
    t.capped = 0
    t.quotaRejected = 0
    t.budgetRejected = 0
    t.recipients = 0
    t.capSaved = 0
    t.budgetCut = 0
    const stages = kernels.stages
    for (let s = 0; s < stages.length; s++) {
      const stage = stages[s]
      for (let k = 0; k < stage.length; k++) stage[k].kernel(work, stage[k].compiled)
    }
    const m = claims.count
    this.year.demand[p] = t.demand
    this.progSaved[p] = t.capSaved
    this.progBudgetCut[p] = t.budgetCut
    const c = p * COUNTS
    this.progCounts[c] = t.applicants
    this.progCounts[c + 1] = t.approved
    this.progCounts[c + 2] = t.capped
    this.progCounts[c + 3] = t.quotaRejected
    this.progCounts[c + 4] = t.budgetRejected
    this.progCounts[c + 5] = m - t.budgetRejected
    if (this.registerClaims[y]) this.registerYearClaims(p)
    return t.applicants
  }

  /** Add the programme-year's claims to the year's list, for first-come allocation across programmes. */
  private registerYearClaims(p: number): void {
    const claims = this.work.claims
    const list = this.year.claims
    for (let j = 0; j < claims.count; j++) {
      const c = list.count
      if (c === MAX_CLAIMS_PER_YEAR) throw new BudgetSimError('LIMIT_EXCEEDED', `more than ${MAX_CLAIMS_PER_YEAR} paid claims in one year under first_come exhaustion`)
      if (c === list.amount.length) {
        list.amount = grown(list.amount, c * 2)
        list.programme = grown(list.programme, c * 2)
        list.key = grown(list.key, c * 2)
      }
      list.amount[c] = claims.amount[j]
      list.programme[c] = p
      // arrival order, ties by claim index: 31 arrival bits x 2^21 + index < 2^52 is exact
      list.key[c] = (claims.arrival[j] >>> 1) * TWO_POW_21 + c
      list.count = c + 1
    }
  }

  private writeRows(out: TrialColumns, base: number, y: number): void {
    const nl = this.nLevels
    const { coef, demand: progDemand, paid: paidPL } = this.year
    const { demand, paid, shortfall, cap_saved, budget_cut } = out.money
    const { applicants, approved, capped, quota_rejected, budget_rejected, recipients } = out.counts
    const counts = this.progCounts
    for (let p = 0; p < this.nProgrammes; p++) {
      const levels = this.plan.programmes[p].levels
      const row0 = base + this.rowOffset[y * this.nProgrammes + p]
      const c = p * COUNTS
      for (let k = 0; k < levels.length; k++) {
        const l = levels[k]
        const r = row0 + k
        const d = coef[p * nl + l] * progDemand[p]
        const pd = paidPL[p * nl + l]
        demand[r] = d
        paid[r] = pd
        shortfall[r] = d > pd ? d - pd : 0
        cap_saved[r] = coef[p * nl + l] * this.progSaved[p]
        budget_cut[r] = coef[p * nl + l] * this.progBudgetCut[p]
        applicants[r] = counts[c]
        approved[r] = counts[c + 1]
        capped[r] = counts[c + 2]
        quota_rejected[r] = counts[c + 3]
        budget_rejected[r] = counts[c + 4]
        recipients[r] = counts[c + 5]
      }
    }
  }
}

/** Counts kept per programme-year: applicants, approved, capped, quota-rejected, budget-rejected, recipients. */
const COUNTS = 6

/** A copy of a typed array in a longer one of the same type. */
function grown<T extends Float64Array | Int32Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length)
  b.set(a)
  return b
}
