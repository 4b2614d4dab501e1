// Why: this is the engine's hot path. For each trial, year and programme it draws applicants and
// their attributes, applies the programme's rule (flat or tiered amount + rate x basis), the
// per-applicant cap, quotas (per year, over years, recurring grants, selection order), splits the
// outlay over funding levels with matching obligations, and applies each level's appropriation
// under the exhaustion rule. It works on typed arrays and a few re-keyed streams: no object per
// application and no closure per draw.
import { CountKind, sampleCount } from '../distributions/CountDistribution.js'
import { sampleValue, ValueKind } from '../distributions/ValueDistribution.js'
import { BudgetSimError } from '../errors.js'
import { Exhaustion, type Plan, type ProgrammePlan } from '../plan/compilePlan.js'
import { poissonInversion } from '../random/poisson.js'
import { standardNormal } from '../random/standardNormal.js'
import { Purpose, Stream } from '../random/Stream.js'
import { viewColumns, type TrialColumns } from './TrialColumns.js'

/** Most applicants one programme may draw in one trial-year (a guard against absurd scenarios). */
export const MAX_APPLICANTS_PER_DRAW = 20_000_000
/** Most payable claims in one trial-year under first-come exhaustion (sort keys hold 21 index bits). */
export const MAX_CLAIMS_PER_YEAR = 2 ** 21

const TWO_POW_21 = 2 ** 21

/** Optional hooks a caller (a worker) passes to stop early and to count progress. */
export interface SimulationControl {
  /** checked before each trial; returning true stops the block */
  cancelled?: () => boolean
  /** called after each completed trial */
  trialDone?: () => void
}

export interface SimulatedBlock {
  columns: TrialColumns
  /** new applications simulated (applicant draws summed over trials, years, programmes) */
  applications: number
  /** trials completed (less than requested only when cancelled) */
  completed: number
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
  }

  /** Simulate trials [trialStart, trialStart + trialCount). */
  simulate(trialStart: number, trialCount: number, control: SimulationControl = {}): SimulatedBlock {
    const rowsPerTrial = this.plan.rowsPerTrial
    const columns = viewColumns(trialCount * rowsPerTrial)
    let applications = 0
    let completed = 0
    for (let i = 0; i < trialCount; i++) {
      if (control.cancelled?.()) break
      applications += this.simulateTrial(trialStart + i, columns, i * rowsPerTrial)
      completed++
      control.trialDone?.()
    }
    return { columns, applications, completed }
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
      else ratio = sampleValue(rule.ratio, this.ratioStream.reset(trial, year, prog.key, Purpose.matchingRatio + m))
      c[p * nl + rule.level] += ratio * c[p * nl + rule.of]
    }
  }

  private simulateProgrammeYear(trial: number, year: number, y: number, p: number, prog: ProgrammePlan): number {
    const n = sampleCount(prog.applicants[y], this.countStream.reset(trial, year, prog.key, Purpose.applicantCount))
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
    for (let i = 0; i < n; i++) {
      const k = onePlusPoisson ? 1 + poissonInversion(cs, contracts.a, contracts.b) : sampleCount(contracts, cs)
      let basis = 0
      if (lognormal) for (let j = 0; j < k; j++) basis += Math.exp(mu + sigma * standardNormal(vs))
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
    return approved
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
    let m = 0
    for (let i = 0; i < n; i++) {
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
      let basis = 0
      for (let j = 0; j < k; j++) basis += sampleValue(prog.contractValue!, vs!)
      return basis
    }
    return vs !== null ? sampleValue(prog.basis!, vs) : 0
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
      const basis = this.drawBasis(prog, cs, vs)
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

  /** Paid per programme and level after each level's appropriation for year y. */
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
      } else if (plan.exhaustion === Exhaustion.pro_rata) {
        const f = budget / total
        for (let p = 0; p < np; p++) this.paidPL[p * nl + l] = c[p * nl + l] * this.progDemand[p] * f
      } else {
        if (sortedClaims === null) sortedClaims = this.claimKey.subarray(0, this.claimCount).sort()
        for (let p = 0; p < np; p++) this.paidPL[p * nl + l] = 0
        let remaining = budget
        for (let k = 0; k < sortedClaims.length && remaining > 0; k++) {
          const index = sortedClaims[k] % TWO_POW_21
          const p = this.claimProgramme[index]
          const amount = c[p * nl + l] * this.claimAmount[index]
          const pay = amount < remaining ? amount : remaining
          this.paidPL[p * nl + l] += pay
          remaining -= pay
        }
      }
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
