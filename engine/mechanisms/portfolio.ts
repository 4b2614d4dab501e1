// Why: a risk compensation fund does not pay applicants; it pays part of the losses of a portfolio.
// This claim source draws, per trial and year, each class of exposure (angel investments, first
// loans): how many are outstanding, how large each is, which fail (default events), the loss given
// failure, and the share of the loss the fund compensates, capped per item. The fund's own annual
// cap is the programme budget; its split between province and city is the funding.
import { Type } from '../validation/Type.js'
import { compileCount, countMean, describeCount, sampleCount, type CountDistribution } from '../distributions/CountDistribution.js'
import { checkCountSpec, checkValueSpec } from '../distributions/checkDistribution.js'
import { GrowingCountSchema, ValueDistributionSchema } from '../distributions/schema.js'
import { compileValue, describeValue, sampleValue, type ValueDistribution } from '../distributions/ValueDistribution.js'
import { BudgetSimError, type Issue } from '../errors.js'
import { MAX_APPLICANTS_PER_DRAW } from '../limits.js'
import { KeyPatterns } from '../scenario/keyPatterns.js'
import { CHECK_EVERY, ApplicationPurposes } from './applications.js'
import type { Mechanism } from './Mechanism.js'

const strict = { additionalProperties: false } as const
const Share = (description: string) => Type.Number({ minimum: 0, maximum: 1, description })

export const PortfolioClassSchema = Type.Object(
  {
    exposures: GrowingCountSchema,
    amount: ValueDistributionSchema,
    default_rate: Share('probability that an exposure fails (and is claimed) in a year'),
    loss_given_default: Share('share of the exposure lost when it fails'),
    compensated_share: Share('share of the loss the fund pays'),
    cap: Type.Optional(Type.Number({ minimum: 0, maximum: 1e15, description: 'most the fund pays for one failed exposure (CNY)' })),
  },
  strict,
)

/** Stream purposes of class c: PORTFOLIO_PURPOSE + 8c + (0 count, 1 amount, 2 default). */
export const PORTFOLIO_PURPOSE = 64

export interface PortfolioClassPlan {
  exposures: CountDistribution
  amount: ValueDistribution
  defaultThreshold: number
  lossGivenDefault: number
  share: number
  cap: number
}

export interface PortfolioPlan {
  classes: PortfolioClassPlan[]
  names: string[]
}

export const portfolio: Mechanism<PortfolioPlan> = {
  id: 'portfolio',
  title: 'Losses of a portfolio (investments, loans): exposures, failures, loss given failure, the share compensated, a cap per item',
  scope: 'programme',
  parameters: {
    portfolio: Type.Record(Type.String({ pattern: KeyPatterns.tier.pattern }), PortfolioClassSchema, {
      ...strict,
      minProperties: 1,
      maxProperties: 8,
      description: 'classes of exposure (e.g. angel_investments, first_loans) whose losses the fund compensates',
    }),
  },
  purposes: { portfolio: PORTFOLIO_PURPOSE },
  columns: ['capped', 'cap_saved'],

  check(p, at) {
    if (!p.portfolio) return []
    const issues: Issue[] = []
    for (const [name, k] of Object.entries(p.portfolio as Record<string, any>)) {
      issues.push(...checkCountSpec(k.exposures, `${at}.portfolio.${name}.exposures`))
      issues.push(...checkValueSpec(k.amount, `${at}.portfolio.${name}.amount`))
    }
    for (const other of ['applicants', 'contracts_per_applicant', 'contract_value', 'basis', 'tier_shares', 'tier_amounts', 'quota'])
      if (p[other] !== undefined && p[other] !== null)
        issues.push({ path: `${at}.${other}`, message: 'a portfolio programme draws exposures, not applicants: remove it (or remove portfolio)' })
    if ((p.rate ?? 0) > 0 || (p.amount ?? 0) > 0)
      issues.push({ path: `${at}.rate`, message: 'a portfolio programme pays compensated_share x loss of each class: give no rate or amount' })
    return issues
  },

  compile(p, ctx) {
    if (!p.portfolio) return null
    const names = Object.keys(p.portfolio)
    return {
      names,
      classes: names.map((name) => {
        const k = p.portfolio[name]
        const growth = k.exposures.growth ?? 0
        return {
          exposures: compileCount(k.exposures, Math.pow(1 + growth, ctx.years[ctx.yearIndex] - ctx.years[0])),
          amount: compileValue(k.amount),
          defaultThreshold: k.default_rate * 4294967296,
          lossGivenDefault: k.loss_given_default,
          share: k.compensated_share,
          cap: k.cap ?? Infinity,
        }
      }),
    }
  },

  expectedUnits: (c) => c.classes.reduce((sum, k) => sum + countMean(k.exposures), 0),
  expectedDraws: (c, _units, { arrivals }) => c.classes.reduce((sum, k) => sum + 1 + countMean(k.exposures) * (2 + (arrivals ? 1 : 0)), 0),

  stages: {
    draw(work, c) {
      const { ctx, claims, totals } = work
      const from = claims.count
      let units = 0
      for (let k = 0; k < c.classes.length; k++) {
        const cls = c.classes[k]
        const base = PORTFOLIO_PURPOSE + 8 * k
        const n = sampleCount(cls.exposures, ctx.stream(base, 0))
        ctx.countDraws(1 + 2 * n)
        ctx.checkpoint(2 * n)
        if (n > MAX_APPLICANTS_PER_DRAW)
          throw new BudgetSimError('LIMIT_EXCEEDED', `a portfolio drew ${n} exposures in ${ctx.year} (trial ${ctx.trial}); the limit is ${MAX_APPLICANTS_PER_DRAW}`)
        const vs = ctx.stream(base + 1, 1)
        const ds = ctx.stream(base + 2, 2)
        for (let i = 0; i < n; i++) {
          if ((i & (CHECK_EVERY - 1)) === CHECK_EVERY - 1) ctx.checkpoint(0)
          const exposure = sampleValue(cls.amount, vs)
          if (ds.nextU32() >= cls.defaultThreshold) continue
          const loss = exposure * cls.lossGivenDefault
          let pay = cls.share * loss
          if (pay > cls.cap) {
            totals.capped++
            totals.capSaved += pay - cls.cap
            pay = cls.cap
          }
          const m = claims.count
          work.ensure(m + 1)
          claims.basis[m] = loss
          claims.unit[m] = units + i
          claims.tier[m] = k
          claims.amount[m] = pay
          totals.demand += pay
          claims.count = m + 1
        }
        units += n
      }
      totals.applicants = units
      totals.approved = claims.count - from
      if (ctx.arrivals) {
        const rs = ctx.stream(ApplicationPurposes.arrival)
        let j = from
        for (let i = 0; i < units; i++) {
          const u = rs.nextU32()
          if (j < claims.count && claims.unit[j] === i) claims.arrival[j++] = u
        }
        ctx.countDraws(units)
      }
    },
  },

  describe(name, value) {
    if (name !== 'portfolio') return undefined
    return Object.entries(value as Record<string, any>)
      .map(
        ([k, v]) =>
          `${k}: ${describeCount(v.exposures)} exposures of ${describeValue(v.amount)}, ${+(v.default_rate * 100).toFixed(2)}% fail a year, ${+(v.loss_given_default * 100).toFixed(0)}% lost, ${+(v.compensated_share * 100).toFixed(0)}% compensated${v.cap !== undefined ? `, at most ${v.cap.toLocaleString('en-US')} each` : ''}`,
      )
      .join('; ')
  },
}
