// Why: most programmes pay applicants: a number of applicants a year (growing over the years), each
// with a basis (the sum of their contract values, or one drawn amount such as prior-year revenue)
// and an approval on the merits. This is that claim source. It draws every applicant in order from
// its own streams, keeps the approved ones as claims, and can redraw the basis of grantees whose
// grants recur.
import { Type } from '../validation/Type.js'
import { CountKind, compileCount, countMean, sampleCount, type CountDistribution } from '../distributions/CountDistribution.js'
import { checkCountSpec, checkValueSpec } from '../distributions/checkDistribution.js'
import { CountDistributionSchema, GrowingCountSchema, ValueDistributionSchema, type GrowingCountSpec, type ValueDistributionSpec } from '../distributions/schema.js'
import { compileValue, sampleValue, ValueKind, type ValueDistribution } from '../distributions/ValueDistribution.js'
import { describeCount } from '../distributions/CountDistribution.js'
import { describeValue } from '../distributions/ValueDistribution.js'
import { BudgetSimError, type Issue } from '../errors.js'
import { MAX_APPLICANTS_PER_DRAW } from '../limits.js'
import { poissonQuantile } from '../random/poisson.js'
import { standardNormal } from '../random/standardNormal.js'
import { uniformOf, type Stream } from '../random/Stream.js'
import type { Mechanism, ProgrammeYear } from './Mechanism.js'

/** Work between two checks of cancellation and the draw budget, inside a programme-year. */
export const CHECK_EVERY = 4096

export const ApplicationPurposes = {
  applicantCount: 1,
  contractCount: 2,
  contractValue: 3,
  basis: 4,
  approval: 6,
  arrival: 7,
  renewalBasis: 8,
  renewalContractCount: 10,
  renewalArrival: 11,
} as const

export interface ApplicationsPlan {
  applicants: CountDistribution
  contracts: CountDistribution | null
  contractValue: ValueDistribution | null
  basis: ValueDistribution | null
  /** approve when a 32-bit draw is below this (approval_rate x 2^32) */
  approvalThreshold: number
}

const Share = (description: string) => Type.Number({ minimum: 0, maximum: 1, description })

export const applications: Mechanism<ApplicationsPlan> = {
  id: 'applications',
  title: 'Applicants a year, each with a basis (contracts or a drawn amount) and an approval on the merits',
  scope: 'programme',
  parameters: {
    applicants: GrowingCountSchema,
    contracts_per_applicant: CountDistributionSchema,
    contract_value: ValueDistributionSchema,
    basis: ValueDistributionSchema,
    approval_rate: Share('probability that an application is approved on its merits'),
  },
  purposes: ApplicationPurposes,
  defaults: { approval_rate: { value: 1, note: 'no approval screen: every applicant is eligible' } },
  columns: [],

  check(p, at) {
    const issues: Issue[] = []
    if (p.portfolio !== undefined && p.portfolio !== null) return issues
    if (!p.applicants) issues.push({ path: `${at}.applicants`, message: 'is required (the seed gives no default)' })
    else issues.push(...checkCountSpec(p.applicants, `${at}.applicants`))
    if (p.contracts_per_applicant) issues.push(...checkCountSpec(p.contracts_per_applicant as GrowingCountSpec, `${at}.contracts_per_applicant`))
    if (p.contract_value) issues.push(...checkValueSpec(p.contract_value, `${at}.contract_value`))
    if (p.basis) issues.push(...checkValueSpec(p.basis, `${at}.basis`))
    const hasContracts = p.contracts_per_applicant !== undefined || p.contract_value !== undefined
    if (hasContracts && (p.contracts_per_applicant === undefined || p.contract_value === undefined)) {
      const missing = p.contracts_per_applicant === undefined ? 'contracts_per_applicant' : 'contract_value'
      issues.push({ path: `${at}.${missing}`, message: 'is required: contracts_per_applicant and contract_value go together' })
    }
    if (hasContracts && p.basis !== undefined)
      issues.push({ path: `${at}.basis`, message: 'give either a basis or contracts (contracts_per_applicant and contract_value), not both' })
    return issues
  },

  compile(p, ctx) {
    if (p.portfolio !== undefined && p.portfolio !== null) return null
    const growth = p.applicants.growth ?? 0
    return {
      applicants: compileCount(p.applicants, Math.pow(1 + growth, ctx.years[ctx.yearIndex] - ctx.years[0])),
      contracts: p.contracts_per_applicant ? compileCount(p.contracts_per_applicant) : null,
      contractValue: p.contract_value ? compileValue(p.contract_value) : null,
      basis: p.basis ? compileValue(p.basis as ValueDistributionSpec) : null,
      approvalThreshold: (p.approval_rate ?? 1) * 4294967296,
    }
  },

  expectedUnits: (c) => countMean(c.applicants),

  expectedDraws(c, units, { arrivals }) {
    const basis = c.contracts ? 1 + countMean(c.contracts) : c.basis ? 1 : 0
    return 1 + units * (basis + 1 + (arrivals ? 1 : 0))
  },

  stages: {
    draw(work, c) {
      const { ctx, claims, totals } = work
      const n = sampleCount(c.applicants, ctx.stream(ApplicationPurposes.applicantCount))
      ctx.countDraws(1)
      ctx.checkpoint(n)
      if (n > MAX_APPLICANTS_PER_DRAW)
        throw new BudgetSimError(
          'LIMIT_EXCEEDED',
          `a programme drew ${n} applicants in ${ctx.year} (trial ${ctx.trial}); the limit per programme and year is ${MAX_APPLICANTS_PER_DRAW}`,
        )
      totals.applicants = n
      const from = claims.count
      const approved = c.contracts ? drawContracts(work, c, n) : drawBasis(work, c, n)
      totals.approved = approved
      if (ctx.arrivals) {
        // every applicant draws an arrival, in order; the claims keep theirs
        const rs = ctx.stream(ApplicationPurposes.arrival)
        let j = from
        for (let i = 0; i < n; i++) {
          const u = rs.nextU32()
          if (j < claims.count && claims.unit[j] === i) claims.arrival[j++] = u
        }
        ctx.countDraws(n)
      }
    },
  },

  redraw(work, c, from, count) {
    const { ctx, claims } = work
    const cs = c.contracts ? ctx.stream(ApplicationPurposes.renewalContractCount, 0) : null
    const vs = c.contracts || c.basis ? ctx.stream(ApplicationPurposes.renewalBasis, 1) : null
    const rs = ctx.arrivals ? ctx.stream(ApplicationPurposes.renewalArrival, 2) : null
    for (let r = 0; r < count; r++) {
      if ((r & (CHECK_EVERY - 1)) === CHECK_EVERY - 1) ctx.checkpoint(0)
      let basis = 0
      if (cs !== null) {
        const k = sampleCount(c.contracts!, cs)
        ctx.countDraws(k + 1)
        basis = sumValues(work, c.contractValue!, vs!, k)
      } else if (vs !== null) {
        ctx.countDraws(1)
        basis = sampleValue(c.basis!, vs)
      }
      claims.basis[from + r] = basis
      if (rs) {
        claims.arrival[from + r] = rs.nextU32()
        ctx.countDraws(1)
      }
    }
  },

  describe(name, value) {
    if (name === 'applicants' || name === 'contracts_per_applicant') return describeCount(value as GrowingCountSpec)
    if (name === 'contract_value' || name === 'basis') return describeValue(value as ValueDistributionSpec)
    if (name === 'approval_rate') return `${+((value as number) * 100).toFixed(4)}%`
    return undefined
  },
}

/**
 * Applicants are drawn in chunks of this many: each chunk's approval draws (and contract counts,
 * when one uniform makes a count) are filled at once, and cancellation is checked between chunks.
 */
const CHUNK = CHECK_EVERY
/** A chunk's 32-bit draws. Simulation is synchronous, so a thread's kernels can share these. */
const countBits = new Uint32Array(CHUNK)
const approvalBits = new Uint32Array(CHUNK)

/**
 * Applicants with contracts: each draws its contract count, then each contract's value, then its
 * approval, from three streams (applicant i takes the next draws after applicant i - 1).
 * Returns the approved count; their basis is appended to the claims.
 */
function drawContracts(work: ProgrammeYear, c: ApplicationsPlan, n: number): number {
  const { ctx, claims } = work
  const cs = ctx.stream(ApplicationPurposes.contractCount, 0)
  const vs = ctx.stream(ApplicationPurposes.contractValue, 1)
  const as = ctx.stream(ApplicationPurposes.approval, 2)
  const contracts = c.contracts!
  const values = c.contractValue!
  const threshold = c.approvalThreshold
  // 1 + Poisson by inversion takes exactly one uniform per applicant: fill them by the chunk
  const onePlusPoisson = contracts.kind === CountKind.onePlusPoisson && contracts.factor === 1
  const lambda = contracts.a
  const expNegLambda = contracts.b
  const lognormal = values.kind === ValueKind.lognormal
  const mu = values.a
  const sigma = values.b
  let m = claims.count
  let draws = 0
  work.ensure(m + Math.min(n, 1 << 16))
  let basisOut = claims.basis
  let unitOut = claims.unit
  for (let start = 0; start < n; start += CHUNK) {
    const len = Math.min(CHUNK, n - start)
    if (onePlusPoisson) cs.fillU32(countBits, len)
    as.fillU32(approvalBits, len)
    for (let r = 0; r < len; r++) {
      const k = onePlusPoisson ? 1 + poissonQuantile(uniformOf(countBits[r]), lambda, expNegLambda) : sampleCount(contracts, cs)
      draws += k + 2
      let basis = 0
      if (k > CHECK_EVERY) {
        ctx.checkpoint(draws)
        basis = sumValues(work, values, vs, k)
      } else if (lognormal) for (let j = 0; j < k; j++) basis += Math.exp(mu + sigma * standardNormal(vs))
      else for (let j = 0; j < k; j++) basis += sampleValue(values, vs)
      if (approvalBits[r] >= threshold) continue
      if (m === basisOut.length) {
        work.ensure(m + 1)
        basisOut = claims.basis
        unitOut = claims.unit
      }
      basisOut[m] = basis
      unitOut[m] = start + r
      m++
    }
    if (start + len < n) ctx.checkpoint(draws)
  }
  ctx.countDraws(draws)
  const approved = m - claims.count
  claims.count = m
  return approved
}

/** Applicants with one drawn basis (or none): basis, then approval. Returns the approved count. */
function drawBasis(work: ProgrammeYear, c: ApplicationsPlan, n: number): number {
  const { ctx, claims } = work
  const vs = c.basis ? ctx.stream(ApplicationPurposes.basis, 1) : null
  const as = ctx.stream(ApplicationPurposes.approval, 2)
  const threshold = c.approvalThreshold
  let m = claims.count
  work.ensure(m + Math.min(n, 1 << 16))
  for (let i = 0; i < n; i++) {
    if ((i & (CHECK_EVERY - 1)) === CHECK_EVERY - 1) ctx.checkpoint(0)
    const basis = vs !== null ? sampleValue(c.basis!, vs) : 0
    if (as.nextU32() >= threshold) continue
    if (m === claims.basis.length) work.ensure(m + 1)
    claims.basis[m] = basis
    claims.unit[m] = i
    m++
  }
  ctx.countDraws(n * (vs !== null ? 2 : 1))
  const approved = m - claims.count
  claims.count = m
  return approved
}

/** The sum of k values from `vs`, in chunks with checks between them when k is large. */
function sumValues(work: ProgrammeYear, values: ValueDistribution, vs: Stream, k: number): number {
  let basis = 0
  if (k <= CHECK_EVERY) {
    for (let j = 0; j < k; j++) basis += sampleValue(values, vs)
    return basis
  }
  for (let j = 0; j < k; ) {
    const end = Math.min(k, j + CHECK_EVERY * 16)
    for (; j < end; j++) basis += sampleValue(values, vs)
    work.ctx.checkpoint(0)
  }
  return basis
}
