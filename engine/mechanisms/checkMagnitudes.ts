// Why: a programme can be valid field by field and still be numerically dishonest: draws that
// overflow or exceed the money limit, or an uncapped sum whose mean or variance is infinite (no
// standard error). These checks span mechanisms (the basis of the claim source, the entitlement's
// rate and amounts, the cap), so they run on the programme's combined parameters, once the checks
// of each mechanism have passed.
import { checkHeavyTail, checkValueMagnitude, formatAmount, MAX_MATCHING_RATIO, MONEY_LIMIT } from '../distributions/checkDistribution.js'
import type { ValueDistributionSpec } from '../distributions/schema.js'
import { countUpperQuantile, valueUpperQuantile } from '../distributions/upperQuantile.js'
import { compileValue, valueMean } from '../distributions/ValueDistribution.js'
import type { Issue } from '../errors.js'
import type { Parameters } from './Mechanism.js'

/**
 * Numerical honesty of a programme: plausible draws (the 1-in-10^9 upper quantile) of contract
 * values, bases, portfolio exposures and matching ratios within their limits; with no cap, a basis
 * whose mean and variance are finite and an entitlement within the money limit.
 */
export function checkMagnitudes(p: Parameters, at: string): Issue[] {
  const issues: Issue[] = []
  const uncapped = p.cap === null || p.cap === undefined
  const rate = p.rate ?? 0
  const exposed = uncapped && rate > 0
  for (const field of ['contract_value', 'basis'] as const) {
    const spec = p[field] as ValueDistributionSpec | undefined
    if (!spec) continue
    const path = `${at}.${field}`
    const tail = exposed ? checkHeavyTail(spec, path, 'the entitlement is not capped (cap: null)', 'set a cap, or give alpha above 2') : []
    issues.push(...(tail.length > 0 ? tail : checkValueMagnitude(spec, path)))
  }
  for (const [name, k] of Object.entries((p.portfolio ?? {}) as Record<string, { amount: ValueDistributionSpec; cap?: number }>)) {
    const path = `${at}.portfolio.${name}.amount`
    const tail = k.cap === undefined ? checkHeavyTail(k.amount, path, 'the compensation of this class is not capped', 'give the class a cap, or alpha above 2') : []
    issues.push(...(tail.length > 0 ? tail : checkValueMagnitude(k.amount, path)))
  }
  for (const [level, rule] of Object.entries((p.matching ?? {}) as Record<string, { ratio: unknown } | null>)) {
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
  const flat = Math.max(p.amount ?? 0, ...Object.values((p.tier_amounts ?? {}) as Record<string, number>))
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
