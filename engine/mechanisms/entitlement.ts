// Why: what a claim is entitled to: a rate applied to its basis plus a flat amount, where the flat
// amount may depend on a tier the applicant falls in (national or provincial recognition). Tiers are
// drawn for every applicant in order from their own stream, so a reform of amounts or rates leaves
// every draw in place.
import { Type } from '../validation/Type.js'
import type { Issue } from '../errors.js'
import { KeyPatterns } from '../scenario/keyPatterns.js'
import type { Mechanism } from './Mechanism.js'

const strict = { additionalProperties: false } as const
const Share = (description: string) => Type.Number({ minimum: 0, maximum: 1, description })
const Money = (description: string) => Type.Number({ minimum: 0, maximum: 1e15, description })
const tierMap = <T extends Parameters<typeof Type.Optional>[0]>(value: T, description: string) =>
  Type.Record(Type.String({ pattern: KeyPatterns.tier.pattern }), value, { ...strict, minProperties: 1, description })
const TOLERANCE = 1e-9

export const TierPurpose = 5

export interface EntitlementPlan {
  rate: number
  amount: number
  /** cumulative tier shares, and each tier's flat amount (null without tiers) */
  tierCumulative: Float64Array | null
  tierAmounts: Float64Array | null
  tierNames: string[]
}

export const entitlement: Mechanism<EntitlementPlan> = {
  id: 'entitlement',
  title: 'Entitlement: rate x basis plus a flat amount, the flat amount by tier when tiers are given',
  scope: 'programme',
  parameters: {
    rate: Share('entitlement rate applied to the basis (sum of contract values, or basis)'),
    amount: Money('flat amount per recipient (CNY)'),
    tier_shares: tierMap(Share('probability of the tier'), 'probability that an applicant falls in each tier'),
    tier_amounts: tierMap(Money('flat amount for the tier (CNY)'), 'flat amount per recipient in each tier'),
  },
  purposes: { tier: TierPurpose },
  defaults: { rate: { value: 0, note: 'no rate' }, amount: { value: 0, note: 'no flat amount' } },

  check(p, at) {
    const issues: Issue[] = []
    const hasBasis = p.contracts_per_applicant !== undefined || p.contract_value !== undefined || p.basis !== undefined
    if ((p.rate ?? 0) > 0 && !hasBasis && !p.portfolio)
      issues.push({ path: `${at}.rate`, message: `a rate of ${p.rate} needs something to apply to: contract_value (with contracts_per_applicant) or basis` })
    if (p.tier_shares || p.tier_amounts) {
      if (!p.tier_shares) issues.push({ path: `${at}.tier_shares`, message: 'is required when tier_amounts is given' })
      else if (!p.tier_amounts) issues.push({ path: `${at}.tier_amounts`, message: 'is required when tier_shares is given' })
      else {
        const shareKeys = Object.keys(p.tier_shares).sort()
        const amountKeys = Object.keys(p.tier_amounts).sort()
        if (shareKeys.join() !== amountKeys.join())
          issues.push({ path: `${at}.tier_shares`, message: `must name the same tiers as tier_amounts (${amountKeys.join(', ')}), got ${shareKeys.join(', ')}` })
        const total = Object.values(p.tier_shares as Record<string, number>).reduce((a, b) => a + b, 0)
        if (Math.abs(total - 1) > TOLERANCE) issues.push({ path: `${at}.tier_shares`, message: `must sum to 1, got ${Math.round(total * 1e9) / 1e9}` })
      }
      if ((p.amount ?? 0) > 0) issues.push({ path: `${at}.amount`, message: 'give either amount or tier_amounts, not both' })
    }
    return issues
  },

  compile(p) {
    if (p.portfolio) return null
    const tierNames = p.tier_amounts ? Object.keys(p.tier_amounts) : []
    let tierCumulative: Float64Array | null = null
    let tierAmounts: Float64Array | null = null
    if (tierNames.length > 0) {
      tierAmounts = Float64Array.from(tierNames.map((t) => p.tier_amounts[t]))
      tierCumulative = new Float64Array(tierNames.length)
      let acc = 0
      tierNames.forEach((t, i) => {
        acc += p.tier_shares[t]
        tierCumulative![i] = acc
      })
      tierCumulative[tierNames.length - 1] = 1
    }
    return { rate: p.rate ?? 0, amount: p.amount ?? 0, tierCumulative, tierAmounts, tierNames }
  },

  expectedDraws: (c, units) => (c.tierCumulative ? units : 0),

  stages: {
    attributes(work, c) {
      if (!c.tierCumulative) return
      // every applicant draws its tier, in order; the claims keep theirs
      const { ctx, claims } = work
      const ts = ctx.stream(TierPurpose, 3)
      const n = work.totals.applicants
      const cumulative = c.tierCumulative
      let j = claims.renewals
      for (let i = 0; i < n; i++) {
        const tier = tierIndex(cumulative, ts.nextFloat())
        if (j < claims.count && claims.unit[j] === i) claims.tier[j++] = tier
      }
      ctx.countDraws(n)
    },
    entitle(work, c) {
      const { claims } = work
      const { rate, amount, tierAmounts } = c
      const m = claims.count
      const out = claims.amount
      const basis = claims.basis
      let demand = 0
      if (tierAmounts === null)
        for (let j = 0; j < m; j++) {
          const e = amount + rate * basis[j]
          out[j] = e
          demand += e
        }
      else {
        const tier = claims.tier
        for (let j = 0; j < m; j++) {
          const e = tierAmounts[tier[j]] + rate * basis[j]
          out[j] = e
          demand += e
        }
      }
      work.totals.demand = demand
    },
  },

  describe(name, value) {
    if (name === 'rate') return `${+((value as number) * 100).toFixed(4)}%`
    if (name === 'amount') return `${Number(value).toLocaleString('en-US')} CNY`
    if (name === 'tier_amounts') return Object.entries(value as object).map(([k, a]) => `${k} ${Number(a).toLocaleString('en-US')} CNY`).join(', ')
    if (name === 'tier_shares') return Object.entries(value as object).map(([k, a]) => `${k} ${+((a as number) * 100).toFixed(2)}%`).join(', ')
    return undefined
  },
}

/** Tier of a uniform draw: the first tier whose cumulative share reaches it. */
export function tierIndex(cumulative: Float64Array, u: number): number {
  for (let i = 0; i < cumulative.length - 1; i++) if (u <= cumulative[i]) return i
  return cumulative.length - 1
}
