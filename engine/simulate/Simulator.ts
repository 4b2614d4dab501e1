// Why: this is the engine's hot path. For each trial, year and programme it draws applicants and
// their attributes, applies the programme's rule (flat or tiered amount + rate x basis), the
// per-applicant cap, quotas (per year, over years, recurring grants, selection order), splits the
// outlay over funding levels with matching obligations, and applies each level's appropriation
// under the exhaustion rule. It works on typed arrays and a few re-keyed streams: no object per
// application and no closure per draw.
import { CountKind, sampleCount } from '../distributions/CountDistribution.js'
import { sampleValue, ValueKind } from '../distributions/ValueDistribution.js'
import { BudgetSimError } from '../errors.js'
import { MAX_APPLICANTS_PER_DRAW, MAX_CLAIMS_PER_YEAR } from '../limits.js'
import { Exhaustion, type Plan, type ProgrammePlan } from '../plan/compilePlan.js'
import { poissonInversion } from '../random/poisson.js'
import { standardNormal } from '../random/standardNormal.js'
import { Purpose, Stream } from '../random/Stream.js'
import { viewColumns, type TrialColumns } from './TrialColumns.js'

export { MAX_APPLICANTS_PER_DRAW, MAX_CLAIMS_PER_YEAR }

const TWO_POW_21 = 2 ** 21
/** Applicants (or contracts of one applicant) between two checks of cancellation and the draw budget. */
const CHECK_EVERY = 4096

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

  private readonly countStream: Stream
  private readonly contractStream: Stream
  private readonly valueStream: Stream
  private readonly tierStream: Stream
  private readonly approvalStream: Stream
  private readonly arrivalStream: Stream
  private readonly ratioStream: Stream

  // per trial-year, per programme
  private readonly progDemand: Float64Array
  private readonly progSaved: Float64Array
  private readonly progApplicants: Int32Array
  private readonly progApproved: Int32Array
  private readonly progCapped: Int32Array
  private readonly progRejected: Int32Array
  private readonly progRecipients: Int32Array
  /** coef[p * nLevels + l]: level l's outlay per unit of programme p's entitlement */
  private readonly coef: Float64Array
  private readonly paidPL: Float64Array
  private readonly levelDemand: Float64Array

  // per trial, per programme: quota state
  private readonly quotaUsed: Float64Array
  private readonly recurringCount: Int32Array
  private readonly recurringTier: Int32Array[]

  // scratch for the approved applicants of one programme-year (quota selection)
  private listBasis = new Float64Array(1024)
  private listTier = new Int32Array(1024)
  private listArrival = new Float64Array(1024)
  private sortScratch = new Float64Array(1024)

  // claims of one trial-year (first-come exhaustion)
  private claimAmount = new Float64Array(4096)
  private claimProgramme = new Int32Array(4096)
  private claimKey = new Float64Array(4096)
  private claimCount = 0

  // work accounting and the caller's control, for checks inside a trial
  private draws = 0
  private drawBudget = Infinity
  private control: SimulationControl = {}

  // integer allocation of a binding appropriation (see allocateWholeYuan)
  private allocIdeal: Float64Array
  private allocClaim: Float64Array
  private allocOrder: Int32Array
  private allocFrac: Float64Array

  // accumulators of the programme-year being simulated
  private demand = 0
  private saved = 0
  private capped = 0
  private recipients = 0

  constructor(plan: Plan) {
    this.plan = plan
    this.nYears = plan.years.length
    this.nProgrammes = plan.programmes.length
    this.nLevels = plan.levels.length
    this.rowOffset = new Int32Array(this.nYears * this.nProgrammes)
    let row = 0
    for (let y = 0; y < this.nYears; y++)
      for (let p = 0; p < this.nProgrammes; p++) {
        this.rowOffset[y * this.nProgrammes + p] = row
        row += plan.programmes[p].levels.length
      }
    const key = plan.masterKey
    this.countStream = new Stream(key)
    this.contractStream = new Stream(key)
    this.valueStream = new Stream(key)
    this.tierStream = new Stream(key)
    this.approvalStream = new Stream(key)
    this.arrivalStream = new Stream(key)
    this.ratioStream = new Stream(key)
    const np = this.nProgrammes
    this.progDemand = new Float64Array(np)
    this.progSaved = new Float64Array(np)
    this.progApplicants = new Int32Array(np)
    this.progApproved = new Int32Array(np)
    this.progCapped = new Int32Array(np)
    this.progRejected = new Int32Array(np)
    this.progRecipients = new Int32Array(np)
    this.coef = new Float64Array(np * this.nLevels)
    this.paidPL = new Float64Array(np * this.nLevels)
    this.levelDemand = new Float64Array(this.nLevels)
    this.quotaUsed = new Float64Array(np)
    this.recurringCount = new Int32Array(np)
    this.recurringTier = plan.programmes.map(() => new Int32Array(64))
    this.allocIdeal = new Float64Array(np)
    this.allocClaim = new Float64Array(np)
    this.allocOrder = new Int32Array(np)
    this.allocFrac = new Float64Array(np)
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
    this.quotaUsed.fill(0)
    this.recurringCount.fill(0)
    let applications = 0
    for (let y = 0; y < this.nYears; y++) {
      const year = plan.years[y]
      this.claimCount = 0
      for (let p = 0; p < this.nProgrammes; p++) {
        const prog = plan.programmes[p]
        this.setCoefficients(trial, year, p, prog)
        if (prog.active[y] === 0) {
          this.progDemand[p] = 0
          this.progSaved[p] = 0
          this.progApplicants[p] = 0
          this.progApproved[p] = 0
          this.progCapped[p] = 0
          this.progRejected[p] = 0
          this.progRecipients[p] = 0
          continue
        }
        applications += this.simulateProgrammeYear(trial, year, y, p, prog)
      }
      this.applyAppropriations(y)
      this.writeRows(out, base, y)
    }
    return applications
  }

  /** Funding shares, then matching obligations in dependency order (ratios drawn if random). */
  private setCoefficients(trial: number, year: number, p: number, prog: ProgrammePlan): void {
    const nl = this.nLevels
    const c = this.coef
    for (let l = 0; l < nl; l++) c[p * nl + l] = prog.shares[l]
    for (let m = 0; m < prog.matching.length; m++) {
      const rule = prog.matching[m]
      let ratio: number
      if (rule.ratio.kind === ValueKind.fixed) ratio = rule.ratio.a
      else {
        ratio = sampleValue(rule.ratio, this.ratioStream.reset(trial, year, prog.key, Purpose.matchingRatio + m))
        this.draws++
      }
      c[p * nl + rule.level] += ratio * c[p * nl + rule.of]
    }
  }

  private simulateProgrammeYear(trial: number, year: number, y: number, p: number, prog: ProgrammePlan): number {
    const n = sampleCount(prog.applicants[y], this.countStream.reset(trial, year, prog.key, Purpose.applicantCount))
    this.draws++
    this.checkpoint(n)
    if (n > MAX_APPLICANTS_PER_DRAW)
      throw new BudgetSimError(
        'LIMIT_EXCEEDED',
        `programme ${prog.id} drew ${n} applicants in ${year} (trial ${trial}); the limit per programme and year is ${MAX_APPLICANTS_PER_DRAW}`,
      )
    const firstCome = this.plan.exhaustion === Exhaustion.first_come
    const hasQuota = prog.quotaPerYear !== Infinity || prog.quotaTotal !== Infinity
    this.demand = 0
    this.saved = 0
    this.capped = 0
    this.recipients = 0

    // grants recurring from earlier years come first: they hold their places
    if (prog.recurring && this.recurringCount[p] > 0) this.payRenewals(trial, year, p, prog, firstCome)

    let approved = 0
    let rejected = 0
    if (!hasQuota && !firstCome && prog.contracts !== null && prog.tierAmounts === null) {
      approved = this.contractsFastPath(trial, year, n, prog)
    } else {
      approved = this.drawApplicants(trial, year, n, prog, firstCome)
      rejected = this.selectAndPay(p, prog, approved, hasQuota, firstCome)
    }
    this.progDemand[p] = this.demand
    this.progSaved[p] = this.saved
    this.progApplicants[p] = n
    this.progApproved[p] = approved
    this.progCapped[p] = this.capped
    this.progRejected[p] = rejected
    this.progRecipients[p] = this.recipients
    return n
  }

  /**
   * The common case (contracts basis, no tiers, no quota, no first-come) in one fused loop:
   * contracts, their values and approval are drawn from their own streams per applicant.
   */
  private contractsFastPath(trial: number, year: number, n: number, prog: ProgrammePlan): number {
    const cs = this.contractStream.reset(trial, year, prog.key, Purpose.contractCount)
    const vs = this.valueStream.reset(trial, year, prog.key, Purpose.contractValue)
    const as = this.approvalStream.reset(trial, year, prog.key, Purpose.approval)
    const contracts = prog.contracts!
    const values = prog.contractValue!
    const threshold = prog.approvalThreshold
    const amount = prog.amount
    const rate = prog.rate
    const cap = prog.cap
    const onePlusPoisson = contracts.kind === CountKind.onePlusPoisson && contracts.factor === 1
    const lognormal = values.kind === ValueKind.lognormal
    const mu = values.a
    const sigma = values.b
    let approved = 0
    let demand = 0
    let saved = 0
    let capped = 0
    let draws = 0
    for (let i = 0; i < n; i++) {
      const k = onePlusPoisson ? 1 + poissonInversion(cs, contracts.a, contracts.b) : sampleCount(contracts, cs)
      draws += k + 2
      if ((i & (CHECK_EVERY - 1)) === CHECK_EVERY - 1 || k > CHECK_EVERY) this.checkpoint(draws)
      let basis = 0
      if (k > CHECK_EVERY) basis = this.sumLongBasis(values, vs, k, draws)
      else if (lognormal) for (let j = 0; j < k; j++) basis += Math.exp(mu + sigma * standardNormal(vs))
      else for (let j = 0; j < k; j++) basis += sampleValue(values, vs)
      if (as.nextU32() >= threshold) continue
      approved++
      const e = amount + rate * basis
      if (e > cap) {
        capped++
        saved += e - cap
        demand += cap
      } else demand += e
    }
    this.demand = demand
    this.saved = saved
    this.capped = capped
    this.recipients = approved
    this.draws += draws
    return approved
  }

  /** The sum of k contract values when k is large: in chunks, checking between them. */
  private sumLongBasis(values: ProgrammePlan['contractValue'] & object, vs: Stream, k: number, pending: number): number {
    let basis = 0
    for (let j = 0; j < k; ) {
      const end = Math.min(k, j + CHECK_EVERY * 16)
      for (; j < end; j++) basis += sampleValue(values, vs)
      this.checkpoint(pending)
    }
    return basis
  }

  /** Draw every applicant's basis, tier, arrival and approval; keep the approved in the list. */
  private drawApplicants(trial: number, year: number, n: number, prog: ProgrammePlan, firstCome: boolean): number {
    const cs = prog.contracts ? this.contractStream.reset(trial, year, prog.key, Purpose.contractCount) : null
    const vs =
      prog.contracts || prog.basis
        ? this.valueStream.reset(trial, year, prog.key, prog.contracts ? Purpose.contractValue : Purpose.basis)
        : null
    const ts = prog.tierCumulative ? this.tierStream.reset(trial, year, prog.key, Purpose.tier) : null
    const rs = firstCome ? this.arrivalStream.reset(trial, year, prog.key, Purpose.arrival) : null
    const as = this.approvalStream.reset(trial, year, prog.key, Purpose.approval)
    const threshold = prog.approvalThreshold
    const perApplicant = (ts ? 1 : 0) + (rs ? 1 : 0) + 1
    let m = 0
    for (let i = 0; i < n; i++) {
      if ((i & (CHECK_EVERY - 1)) === CHECK_EVERY - 1) this.checkpoint(0)
      this.draws += perApplicant
      const basis = this.drawBasis(prog, cs, vs)
      const tier = ts ? tierIndex(prog.tierCumulative!, ts.nextFloat()) : 0
      const arrival = rs ? rs.nextU32() : 0
      if (as.nextU32() >= threshold) continue
      if (m === this.listBasis.length) this.growList()
      this.listBasis[m] = basis
      this.listTier[m] = tier
      this.listArrival[m] = arrival
      m++
    }
    return m
  }

  private drawBasis(prog: ProgrammePlan, cs: Stream | null, vs: Stream | null): number {
    if (cs !== null) {
      const k = sampleCount(prog.contracts!, cs)
      this.draws += k + 1
      if (k > CHECK_EVERY) {
        this.checkpoint(0)
        return this.sumLongBasis(prog.contractValue!, vs!, k, 0)
      }
      let basis = 0
      for (let j = 0; j < k; j++) basis += sampleValue(prog.contractValue!, vs!)
      return basis
    }
    if (vs !== null) {
      this.draws++
      return sampleValue(prog.basis!, vs)
    }
    return 0
  }

  /**
   * Fill the quota's free places from the `m` approved applicants (all of them when it does not
   * bind), pay the selected, and remember them for recurring grants. Returns the quota-rejected.
   */
  private selectAndPay(p: number, prog: ProgrammePlan, m: number, hasQuota: boolean, firstCome: boolean): number {
    let slots = m
    if (hasQuota) slots = Math.max(0, Math.min(m, prog.quotaPerYear, prog.quotaTotal - this.quotaUsed[p]))
    let threshold = -Infinity
    let tiesAllowed = slots
    if (slots < m && prog.selectByScore && slots > 0) {
      // the slots-th highest basis; applicants above it are in, ties are taken in index order
      const sorted = this.sortScratch.length >= m ? this.sortScratch : (this.sortScratch = new Float64Array(this.listBasis.length))
      sorted.set(this.listBasis.subarray(0, m))
      const view = sorted.subarray(0, m).sort()
      threshold = view[m - slots]
      let above = 0
      for (let i = 0; i < m; i++) if (this.listBasis[i] > threshold) above++
      tiesAllowed = slots - above
    }
    let taken = 0
    for (let i = 0; i < m && taken < slots; i++) {
      const basis = this.listBasis[i]
      if (prog.selectByScore && slots < m) {
        if (basis < threshold) continue
        if (basis === threshold) {
          if (tiesAllowed === 0) continue
          tiesAllowed--
        }
      }
      taken++
      this.pay(p, prog, basis, this.listTier[i], this.listArrival[i], firstCome)
      if (prog.recurring) this.addRecurring(p, this.listTier[i])
    }
    this.quotaUsed[p] += taken
    return m - taken
  }

  private payRenewals(trial: number, year: number, p: number, prog: ProgrammePlan, firstCome: boolean): void {
    const cs = prog.contracts ? this.contractStream.reset(trial, year, prog.key, Purpose.renewalContractCount) : null
    const vs = prog.contracts || prog.basis ? this.valueStream.reset(trial, year, prog.key, Purpose.renewalBasis) : null
    const rs = firstCome ? this.arrivalStream.reset(trial, year, prog.key, Purpose.renewalArrival) : null
    const tiers = this.recurringTier[p]
    const count = this.recurringCount[p]
    for (let r = 0; r < count; r++) {
      if ((r & (CHECK_EVERY - 1)) === CHECK_EVERY - 1) this.checkpoint(0)
      const basis = this.drawBasis(prog, cs, vs)
      if (rs) this.draws++
      this.pay(p, prog, basis, tiers[r], rs ? rs.nextU32() : 0, firstCome)
    }
  }

  private pay(p: number, prog: ProgrammePlan, basis: number, tier: number, arrival: number, firstCome: boolean): void {
    const flat = prog.tierAmounts !== null ? prog.tierAmounts[tier] : prog.amount
    let e = flat + prog.rate * basis
    if (e > prog.cap) {
      this.capped++
      this.saved += e - prog.cap
      e = prog.cap
    }
    this.demand += e
    this.recipients++
    if (firstCome) {
      const c = this.claimCount
      if (c === MAX_CLAIMS_PER_YEAR)
        throw new BudgetSimError('LIMIT_EXCEEDED', `more than ${MAX_CLAIMS_PER_YEAR} paid claims in one year under first_come exhaustion`)
      if (c === this.claimAmount.length) this.growClaims()
      this.claimAmount[c] = e
      this.claimProgramme[c] = p
      // arrival order, ties by claim index: 31 arrival bits x 2^21 + index < 2^52 is exact
      this.claimKey[c] = (arrival >>> 1) * TWO_POW_21 + c
      this.claimCount = c + 1
    }
  }

  private addRecurring(p: number, tier: number): void {
    const c = this.recurringCount[p]
    if (c === this.recurringTier[p].length) this.recurringTier[p] = grown(this.recurringTier[p], c * 2)
    this.recurringTier[p][c] = tier
    this.recurringCount[p] = c + 1
  }

  /**
   * Paid per programme and level after each level's appropriation for year y. A binding
   * appropriation is shared out (pro rata, or first come first served) and then settled in whole
   * yuan, so the paid total equals the appropriation to the yuan and no sum of paid amounts can
   * exceed it by a rounding error (see allocateWholeYuan).
   */
  private applyAppropriations(y: number): void {
    const nl = this.nLevels
    const np = this.nProgrammes
    const plan = this.plan
    const c = this.coef
    let sortedClaims: Float64Array | null = null
    for (let l = 0; l < nl; l++) {
      let total = 0
      for (let p = 0; p < np; p++) total += c[p * nl + l] * this.progDemand[p]
      this.levelDemand[l] = total
      const budget = plan.appropriation[l * this.nYears + y]
      const binding = plan.exhaustion !== Exhaustion.record && budget === budget && total > budget
      if (!binding) {
        for (let p = 0; p < np; p++) this.paidPL[p * nl + l] = c[p * nl + l] * this.progDemand[p]
        continue
      }
      const ideal = this.allocIdeal
      const claim = this.allocClaim
      for (let p = 0; p < np; p++) {
        claim[p] = c[p * nl + l] * this.progDemand[p]
        ideal[p] = 0
      }
      if (plan.exhaustion === Exhaustion.pro_rata) {
        const f = budget / total
        for (let p = 0; p < np; p++) ideal[p] = claim[p] * f
      } else {
        if (sortedClaims === null) sortedClaims = this.claimKey.subarray(0, this.claimCount).sort()
        let remaining = budget
        for (let k = 0; k < sortedClaims.length && remaining > 0; k++) {
          const index = sortedClaims[k] % TWO_POW_21
          const p = this.claimProgramme[index]
          const amount = c[p * nl + l] * this.claimAmount[index]
          const pay = amount < remaining ? amount : remaining
          ideal[p] += pay
          remaining -= pay
        }
      }
      allocateWholeYuan(ideal, claim, Math.floor(budget), this.allocFrac, this.allocOrder, np)
      for (let p = 0; p < np; p++) this.paidPL[p * nl + l] = ideal[p]
    }
  }

  private writeRows(out: TrialColumns, base: number, y: number): void {
    const nl = this.nLevels
    const { demand, paid, shortfall, cap_saved } = out.money
    const { applicants, approved, capped, quota_rejected, recipients } = out.counts
    for (let p = 0; p < this.nProgrammes; p++) {
      const levels = this.plan.programmes[p].levels
      const row0 = base + this.rowOffset[y * this.nProgrammes + p]
      for (let k = 0; k < levels.length; k++) {
        const l = levels[k]
        const r = row0 + k
        const d = this.coef[p * nl + l] * this.progDemand[p]
        const pd = this.paidPL[p * nl + l]
        demand[r] = d
        paid[r] = pd
        shortfall[r] = d > pd ? d - pd : 0
        cap_saved[r] = this.coef[p * nl + l] * this.progSaved[p]
        applicants[r] = this.progApplicants[p]
        approved[r] = this.progApproved[p]
        capped[r] = this.progCapped[p]
        quota_rejected[r] = this.progRejected[p]
        recipients[r] = this.progRecipients[p]
      }
    }
  }

  private growList(): void {
    const n = this.listBasis.length * 2
    this.listBasis = grown(this.listBasis, n)
    this.listTier = grown(this.listTier, n)
    this.listArrival = grown(this.listArrival, n)
  }

  private growClaims(): void {
    const n = this.claimAmount.length * 2
    this.claimAmount = grown(this.claimAmount, n)
    this.claimProgramme = grown(this.claimProgramme, n)
    this.claimKey = grown(this.claimKey, n)
  }
}

/** A copy of a typed array in a longer one of the same type. */
function grown<T extends Float64Array | Int32Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length)
  b.set(a)
  return b
}

/** Tier of a uniform draw: the first tier whose cumulative share reaches it. */
function tierIndex(cumulative: Float64Array, u: number): number {
  for (let i = 0; i < cumulative.length - 1; i++) if (u <= cumulative[i]) return i
  return cumulative.length - 1
}

/**
 * Settle an ideal allocation in whole yuan: each share is rounded down (never above its claim),
 * then the yuan left to reach `total` go one each to the shares with the largest fractional parts
 * (ties to the lower index), never above a share's claim. Integers sum exactly in floating point,
 * so the paid amounts of any group of programmes, levels or years never exceed their
 * appropriations by a rounding error. `ideal` is overwritten with the whole-yuan amounts; `frac`
 * and `order` are scratch of length >= n.
 *
 * @example allocateWholeYuan(Float64Array.of(33.4, 33.3, 33.3), Float64Array.of(50, 50, 50), 100, frac, order, 3) // ideal = [34, 33, 33]
 */
export function allocateWholeYuan(ideal: Float64Array, claim: Float64Array, total: number, frac: Float64Array, order: Int32Array, n: number): void {
  let sum = 0
  for (let p = 0; p < n; p++) {
    const whole = Math.min(Math.floor(ideal[p]), Math.floor(claim[p]))
    frac[p] = ideal[p] - whole
    ideal[p] = whole
    sum += whole
    // insertion sort of indices by fractional part, descending; ties keep the lower index first
    let i = p
    while (i > 0 && frac[order[i - 1]] < frac[p]) {
      order[i] = order[i - 1]
      i--
    }
    order[i] = p
  }
  let left = total - sum
  for (let i = 0; left > 0 && i < n; i++) {
    const p = order[i]
    if (ideal[p] + 1 <= claim[p]) {
      ideal[p] += 1
      left--
    }
  }
  // the floors overshot a total that was not itself reached exactly: take yuan back, smallest fraction first
  for (let i = n - 1; left < 0 && i >= 0; i--) {
    const p = order[i]
    if (ideal[p] >= 1) {
      ideal[p] -= 1
      left++
    }
  }
}
