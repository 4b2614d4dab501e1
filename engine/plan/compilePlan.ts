// Why: workers take plain numbers, not YAML-shaped objects. A Plan is the resolved scenario
// compiled to flat numeric descriptors and typed arrays: structured-clonable, and shaped for the
// hot loop (thresholds precomputed, growth applied per year, matching in dependency order).
import { compileCount, countMean, type CountDistribution } from '../distributions/CountDistribution.js'
import { compileValue, ValueKind, type ValueDistribution } from '../distributions/ValueDistribution.js'
import { deriveMasterKey } from '../random/masterKey.js'
import { hashString } from '../random/fmix32.js'
import { matchingOrder } from '../scenario/checkProgramme.js'
import type { ResolvedScenario } from '../scenario/resolveScenario.js'
import type { ValueDistributionSpec } from '../distributions/schema.js'
import { LevelNames, type Level } from '../scenario/schema.js'

export const Exhaustion = { record: 0, pro_rata: 1, first_come: 2 } as const

export interface MatchingPlan {
  /** plan level index that pays the matching */
  level: number
  /** plan level index whose outlay is matched */
  of: number
  ratio: ValueDistribution
}

export interface ProgrammePlan {
  id: string
  /** hash of the id: the programme's part of every stream key */
  key: number
  /** 1 where the programme runs in the scenario year of that index */
  active: Uint8Array
  /** applicant count distribution per scenario year (growth applied) */
  applicants: CountDistribution[]
  contracts: CountDistribution | null
  contractValue: ValueDistribution | null
  basis: ValueDistribution | null
  /** approve when a 32-bit draw is below this (approval_rate x 2^32) */
  approvalThreshold: number
  rate: number
  amount: number
  tierCumulative: Float64Array | null
  tierAmounts: Float64Array | null
  tierNames: string[]
  cap: number
  quotaPerYear: number
  quotaTotal: number
  recurring: boolean
  selectByScore: boolean
  /** funding share per plan level */
  shares: Float64Array
  matching: MatchingPlan[]
  /** plan level indices this programme has result rows for */
  levels: Int32Array
  /** expected new applicants per trial over all years */
  expectedApplicants: number
  /** expected random draws per trial over all years (see Plan.expectedDrawsPerTrial) */
  expectedDraws: number
}

export interface Plan {
  masterKey: Uint32Array
  years: Int32Array
  levels: Level[]
  programmes: ProgrammePlan[]
  /** appropriation[level * years + yearIndex]; NaN where none */
  appropriation: Float64Array
  exhaustion: number
  rowsPerTrial: number
  /** layout of one trial's rows: year index, programme index, plan level index */
  rowYear: Int32Array
  rowProgramme: Int32Array
  rowLevel: Int32Array
  expectedApplicationsPerTrial: number
  /**
   * Expected random draws per trial: per programme and active year, one applicant count, each
   * matching ratio that is a distribution, and per applicant its contract count and contract
   * values (or its basis), tier, arrival (first come) and approval; renewals of recurring grants
   * are counted at most the quota. Work limits count these; the simulator counts the same draws.
   */
  expectedDrawsPerTrial: number
}

/**
 * Compile a resolved scenario into a Plan.
 *
 * @example const plan = compilePlan(resolveScenario(parseScenarioText(text)))
 */
export function compilePlan(s: ResolvedScenario, seed: number | string = s.seed): Plan {
  const years = Int32Array.from(s.years)
  const used = new Set<Level>()
  for (const p of s.programmes) {
    for (const l of LevelNames) if ((p.parameters.funding?.[l] ?? 0) > 0 || p.parameters.matching?.[l]) used.add(l)
  }
  for (const l of LevelNames) if (s.appropriations[l]) used.add(l)
  const levels = LevelNames.filter((l) => used.has(l))
  const levelIndex = (l: Level) => levels.indexOf(l)

  const programmes = s.programmes.map((rp): ProgrammePlan => {
    const p = rp.parameters
    const activeYears = new Set(p.years ?? s.years)
    const growth = p.applicants!.growth ?? 0
    const applicants = s.years.map((y) => compileCount(p.applicants!, Math.pow(1 + growth, y - s.years[0])))
    const active = Uint8Array.from(s.years.map((y) => (activeYears.has(y) ? 1 : 0)))
    const tierNames = p.tier_amounts ? Object.keys(p.tier_amounts) : []
    let tierCumulative: Float64Array | null = null
    let tierAmounts: Float64Array | null = null
    if (tierNames.length > 0) {
      tierAmounts = Float64Array.from(tierNames.map((t) => p.tier_amounts![t]))
      tierCumulative = new Float64Array(tierNames.length)
      let acc = 0
      tierNames.forEach((t, i) => {
        acc += p.tier_shares![t]
        tierCumulative![i] = acc
      })
      tierCumulative[tierNames.length - 1] = 1
    }
    const shares = Float64Array.from(levels.map((l) => p.funding?.[l] ?? 0))
    const order = matchingOrder(p.matching) ?? []
    const matching = order.map((l) => {
      const rule = p.matching![l]!
      const ratio = typeof rule.ratio === 'number' ? compileValue({ fixed: { value: rule.ratio } }) : compileValue(rule.ratio as ValueDistributionSpec)
      return { level: levelIndex(l), of: levelIndex(rule.of), ratio }
    })
    const rowLevels = levels.map((l, i) => i).filter((i) => shares[i] > 0 || matching.some((m) => m.level === i))
    const contracts = p.contracts_per_applicant ? compileCount(p.contracts_per_applicant) : null
    const contractValue = p.contract_value ? compileValue(p.contract_value) : null
    const expectedApplicants = applicants.reduce((sum, d, i) => sum + (active[i] ? countMean(d) : 0), 0)
    const basisDraws = contracts ? 1 + countMean(contracts) : p.basis ? 1 : 0
    const perApplicant = basisDraws + (tierNames.length > 0 ? 1 : 0) + (s.on_exhaustion === 'first_come' ? 1 : 0) + 1
    const yearsActive = active.reduce((a, b) => a + b, 0)
    const randomRatios = matching.filter((m) => m.ratio.kind !== ValueKind.fixed).length
    // recurring grantees are re-drawn each later year: at most the quota's places, each year
    const renewalPlaces = p.quota?.recurring ? Math.min(p.quota.total ?? Infinity, (p.quota.per_year ?? Infinity) * yearsActive, expectedApplicants) : 0
    const renewals = renewalPlaces * Math.max(0, yearsActive - 1) * (basisDraws + (s.on_exhaustion === 'first_come' ? 1 : 0))
    const expectedDraws = yearsActive * (1 + randomRatios) + expectedApplicants * perApplicant + renewals
    return {
      id: rp.id,
      key: hashString(rp.id),
      active,
      applicants,
      contracts,
      contractValue,
      basis: p.basis ? compileValue(p.basis) : null,
      approvalThreshold: (p.approval_rate ?? 1) * 4294967296,
      rate: p.rate ?? 0,
      amount: p.amount ?? 0,
      tierCumulative,
      tierAmounts,
      tierNames,
      cap: p.cap === null || p.cap === undefined ? Infinity : p.cap,
      quotaPerYear: p.quota?.per_year ?? Infinity,
      quotaTotal: p.quota?.total ?? Infinity,
      recurring: p.quota?.recurring ?? false,
      selectByScore: p.selection === 'score',
      shares,
      matching,
      levels: Int32Array.from(rowLevels),
      expectedApplicants,
      expectedDraws,
    }
  })

  const appropriation = new Float64Array(levels.length * years.length).fill(NaN)
  levels.forEach((l, li) => {
    const byYear = s.appropriations[l]
    if (!byYear) return
    s.years.forEach((y, yi) => {
      const a = byYear[String(y)]
      if (a !== undefined) appropriation[li * years.length + yi] = a
    })
  })

  const rowYear: number[] = []
  const rowProgramme: number[] = []
  const rowLevel: number[] = []
  s.years.forEach((_, yi) => {
    programmes.forEach((p, pi) => {
      for (const li of p.levels) {
        rowYear.push(yi)
        rowProgramme.push(pi)
        rowLevel.push(li)
      }
    })
  })

  return {
    masterKey: deriveMasterKey(seed),
    years,
    levels,
    programmes,
    appropriation,
    exhaustion: Exhaustion[s.on_exhaustion],
    rowsPerTrial: rowYear.length,
    rowYear: Int32Array.from(rowYear),
    rowProgramme: Int32Array.from(rowProgramme),
    rowLevel: Int32Array.from(rowLevel),
    expectedApplicationsPerTrial: programmes.reduce((sum, p) => sum + p.expectedApplicants, 0),
    expectedDrawsPerTrial: programmes.reduce((sum, p) => sum + p.expectedDraws, 0),
  }
}
