// Why: rules that span several parameters of a programme (shares sum to 1, a rate needs a basis,
// matching must not be circular, an uncapped entitlement needs a distribution with a finite mean
// and variance and amounts within the money limit) cannot be said in JSON Schema; they are checked
// here, on the parameters after seed defaults and overrides are combined.
import {
  checkCountSpec,
  checkHeavyTail,
  checkValueMagnitude,
  checkValueSpec,
  formatAmount,
  MAX_MATCHING_RATIO,
  MONEY_LIMIT,
} from '../distributions/checkDistribution.js'
import type { GrowingCountSpec, ValueDistributionSpec } from '../distributions/schema.js'
import { countUpperQuantile, valueUpperQuantile } from '../distributions/upperQuantile.js'
import { compileValue, valueMean } from '../distributions/ValueDistribution.js'
import type { Issue } from '../errors.js'
import { LevelNames, type Level, type ProgrammeParameters } from './schema.js'

const TOLERANCE = 1e-9

/** Problems with one programme's combined parameters; `at` is `programmes.<id>`. */
export function checkProgramme(p: ProgrammeParameters, at: string): Issue[] {
  const issues: Issue[] = []
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
  if ((p.rate ?? 0) > 0 && !hasContracts && p.basis === undefined)
    issues.push({ path: `${at}.rate`, message: `a rate of ${p.rate} needs something to apply to: contract_value (with contracts_per_applicant) or basis` })

  if (p.tier_shares || p.tier_amounts) {
    if (!p.tier_shares) issues.push({ path: `${at}.tier_shares`, message: 'is required when tier_amounts is given' })
    else if (!p.tier_amounts) issues.push({ path: `${at}.tier_amounts`, message: 'is required when tier_shares is given' })
    else {
      const shareKeys = Object.keys(p.tier_shares).sort()
      const amountKeys = Object.keys(p.tier_amounts).sort()
      if (shareKeys.join() !== amountKeys.join())
        issues.push({ path: `${at}.tier_shares`, message: `must name the same tiers as tier_amounts (${amountKeys.join(', ')}), got ${shareKeys.join(', ')}` })
      const total = Object.values(p.tier_shares).reduce((a, b) => a + b, 0)
      if (Math.abs(total - 1) > TOLERANCE) issues.push({ path: `${at}.tier_shares`, message: `must sum to 1, got ${round(total)}` })
    }
    if ((p.amount ?? 0) > 0) issues.push({ path: `${at}.amount`, message: 'give either amount or tier_amounts, not both' })
  }

  if (!p.funding || Object.keys(p.funding).length === 0) {
    issues.push({ path: `${at}.funding`, message: 'is required: which levels pay the programme, e.g. { municipal: 1.0 }' })
  } else {
    const total = Object.values(p.funding).reduce((a, b) => a + (b ?? 0), 0)
    if (Math.abs(total - 1) > TOLERANCE) issues.push({ path: `${at}.funding`, message: `shares must sum to 1, got ${round(total)}` })
  }

  if (p.matching) issues.push(...checkMatching(p, at))
  if (issues.length === 0) issues.push(...checkMagnitudes(p, at))
  return issues
}

/**
 * Numerical honesty of a programme that is otherwise valid: plausible draws (the 1-in-10^9 upper
 * quantile) of contract values, bases and matching ratios within their limits; with no cap, a
 * basis whose mean and variance are finite and an entitlement within the money limit.
 */
function checkMagnitudes(p: ProgrammeParameters, at: string): Issue[] {
  const issues: Issue[] = []
  const uncapped = p.cap === null || p.cap === undefined
  const rate = p.rate ?? 0
  const exposed = uncapped && rate > 0
  for (const field of ['contract_value', 'basis'] as const) {
    const spec = p[field]
    if (!spec) continue
    const path = `${at}.${field}`
    const tail = exposed ? checkHeavyTail(spec, path, 'the entitlement is not capped (cap: null)', 'set a cap, or give alpha above 2') : []
    issues.push(...(tail.length > 0 ? tail : checkValueMagnitude(spec, path)))
  }
  for (const [level, rule] of Object.entries(p.matching ?? {})) {
    if (!rule || typeof rule.ratio !== 'object') continue
    const spec = rule.ratio as ValueDistributionSpec
    const path = `${at}.matching.${level}.ratio`
    const tail = checkHeavyTail(spec, path, 'it is a matching ratio (matching has no cap)', 'give alpha above 2')
    issues.push(...(tail.length > 0 ? tail : checkValueMagnitude(spec, path, MAX_MATCHING_RATIO, `the largest matching ratio, ${MAX_MATCHING_RATIO}`, '')))
  }
  if (issues.length > 0 || !exposed) return issues

  // the entitlement of a plausible applicant: the flat (or largest tier) amount plus the rate times
  // a plausible basis; for contracts, the largest plausible number of contracts at their mean value
  // plus one contract at its plausible upper value (the bulk of the sum and its largest term)
  let basis = 0
  let basisWords = ''
  if (p.basis) {
    basis = valueUpperQuantile(p.basis)
    basisWords = `a 1-in-10^9 basis of ${formatAmount(basis)} CNY`
  } else if (p.contract_value && p.contracts_per_applicant) {
    const contracts = countUpperQuantile(p.contracts_per_applicant)
    basis = contracts * valueMean(compileValue(p.contract_value)) + valueUpperQuantile(p.contract_value)
    basisWords = `a plausible basis of ${formatAmount(basis)} CNY from up to ${formatAmount(contracts)} contracts`
  }
  const flat = Math.max(p.amount ?? 0, ...Object.values(p.tier_amounts ?? {}))
  const entitlement = flat + rate * basis
  if (entitlement > MONEY_LIMIT) {
    const rateFits = MONEY_LIMIT > flat && basis > 0 ? `, or a rate at most ${formatAmount((MONEY_LIMIT - flat) / basis)}` : ''
    issues.push({
      path: `${at}.rate`,
      message: `must keep an uncapped entitlement (cap: null) within the money limit of ${formatAmount(MONEY_LIMIT)} CNY, got ${formatAmount(entitlement)} CNY (rate ${rate} x ${basisWords}${flat > 0 ? ` + ${formatAmount(flat)}` : ''}); set a cap${rateFits}`,
    })
  }
  return issues
}

function checkMatching(p: ProgrammeParameters, at: string): Issue[] {
  const issues: Issue[] = []
  const matching = p.matching!
  const funded = new Set(LevelNames.filter((l) => (p.funding?.[l] ?? 0) > 0))
  for (const level of LevelNames) {
    const rule = matching[level]
    if (!rule) continue
    const path = `${at}.matching.${level}`
    if (rule.of === level) issues.push({ path: `${path}.of`, message: `a level cannot match itself (${level})` })
    else if (!funded.has(rule.of) && !matching[rule.of])
      issues.push({ path: `${path}.of`, message: `${rule.of} neither funds this programme nor matches another level, so there is nothing to match` })
    if (typeof rule.ratio === 'object') issues.push(...checkValueSpec(rule.ratio as ValueDistributionSpec, `${path}.ratio`))
  }
  if (matchingOrder(matching) === null) issues.push({ path: `${at}.matching`, message: 'matching obligations form a cycle' })
  return issues
}

/** Levels with a matching obligation, ordered so each comes after the level it matches; null on a cycle. */
export function matchingOrder(matching: ProgrammeParameters['matching']): Level[] | null {
  const order: Level[] = []
  const state = new Map<Level, 'visiting' | 'done'>()
  const visit = (level: Level): boolean => {
    const rule = matching?.[level]
    if (!rule) return true
    if (state.get(level) === 'done') return true
    if (state.get(level) === 'visiting') return false
    state.set(level, 'visiting')
    if (!visit(rule.of)) return false
    state.set(level, 'done')
    order.push(level)
    return true
  }
  for (const level of LevelNames) if (!visit(level)) return null
  return order
}

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9
}
