// Why: "the province matches national support at no less than 1:2": one level's outlay obliges
// another level to pay a ratio of it. Any level can match any other; obligations may chain (a level
// matches a level that itself matches), in dependency order; a ratio may be a distribution, drawn per
// trial and year (provinces that over-match).
import { Type } from '../validation/Type.js'
import { checkValueSpec } from '../distributions/checkDistribution.js'
import { ValueDistributionSchema, type ValueDistributionSpec } from '../distributions/schema.js'
import { compileValue, describeValue, sampleValue, ValueKind, type ValueDistribution } from '../distributions/ValueDistribution.js'
import type { Issue } from '../errors.js'
import { levelIds } from '../policy/levels.js'
import type { Mechanism } from './Mechanism.js'

/** Matching obligation m draws its ratio from purpose MATCHING_PURPOSE + m. */
export const MATCHING_PURPOSE = 32

export interface MatchingPlan {
  /** in dependency order: plan level that pays, plan level matched, the ratio */
  rules: { level: number; of: number; ratio: ValueDistribution }[]
}

export const matching: Mechanism<MatchingPlan> = {
  id: 'matching',
  title: 'Matching: a level pays a ratio (a number or a distribution) of another level’s outlay',
  scope: 'programme',
  get parameters() {
    const levels = levelIds()
    const rule = Type.Object(
      {
        of: Type.Enum([...levels], { description: 'the funding level whose outlay is matched' }),
        ratio: Type.Union([Type.Number({ minimum: 0, maximum: 1000 }), ValueDistributionSchema], {
          description: 'matching = ratio x matched outlay; a number, or a distribution drawn per trial and year',
        }),
      },
      { additionalProperties: false },
    )
    return {
      matching: Type.Union([Type.Object(Object.fromEntries(levels.map((l) => [l, Type.Optional(rule)])), { additionalProperties: false }), Type.Null()], {
        description: 'matching obligations; null removes seeded ones',
      }),
    }
  },
  purposes: { matchingRatio: MATCHING_PURPOSE },

  check(p, at) {
    const m = p.matching as Record<string, { of: string; ratio: unknown }> | null | undefined
    if (!m) return []
    const issues: Issue[] = []
    const funded = new Set(Object.entries((p.funding ?? {}) as Record<string, number>).filter(([, s]) => s > 0).map(([l]) => l))
    for (const [level, rule] of Object.entries(m)) {
      if (!rule) continue
      const path = `${at}.matching.${level}`
      if (rule.of === level) issues.push({ path: `${path}.of`, message: `a level cannot match itself (${level})` })
      else if (!funded.has(rule.of) && !m[rule.of])
        issues.push({ path: `${path}.of`, message: `${rule.of} neither funds this programme nor matches another level, so there is nothing to match` })
      if (typeof rule.ratio === 'object') issues.push(...checkValueSpec(rule.ratio as ValueDistributionSpec, `${path}.ratio`))
    }
    if (matchingOrder(m) === null) issues.push({ path: `${at}.matching`, message: 'matching obligations form a cycle' })
    return issues
  },

  levels: (p) => Object.keys(p.matching ?? {}),

  compile(p, ctx) {
    const m = p.matching as Record<string, { of: string; ratio: number | ValueDistributionSpec }> | null | undefined
    if (!m || Object.keys(m).length === 0) return null
    const order = matchingOrder(m) ?? []
    return {
      rules: order.map((l) => {
        const rule = m[l]
        const ratio = typeof rule.ratio === 'number' ? compileValue({ fixed: { value: rule.ratio } }) : compileValue(rule.ratio)
        return { level: ctx.levels.indexOf(l), of: ctx.levels.indexOf(rule.of), ratio }
      }),
    }
  },

  expectedDraws: (c) => c.rules.filter((r) => r.ratio.kind !== ValueKind.fixed).length,

  yearStages: {
    levels(work, c, p) {
      const nl = work.nLevels
      const coef = work.coef
      for (let m = 0; m < c.rules.length; m++) {
        const rule = c.rules[m]
        let ratio: number
        if (rule.ratio.kind === ValueKind.fixed) ratio = rule.ratio.a
        else {
          ratio = sampleValue(rule.ratio, work.ctx.programmeStream(p, MATCHING_PURPOSE + m))
          work.ctx.countDraws(1)
        }
        coef[p * nl + rule.level] += ratio * coef[p * nl + rule.of]
      }
    },
  },

  describe(name, value) {
    if (name !== 'matching') return undefined
    if (value === null) return 'none'
    return Object.entries(value as Record<string, any>)
      .map(([k, r]) => `${k} matches ${r.of} at ${typeof r.ratio === 'number' ? `${r.ratio}:1` : describeValue(r.ratio)}`)
      .join('; ')
  },
}

/** Levels with a matching obligation, ordered so each comes after the level it matches; null on a cycle. */
export function matchingOrder(m: Record<string, { of: string } | undefined> | null | undefined): string[] | null {
  const order: string[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (level: string): boolean => {
    const rule = m?.[level]
    if (!rule) return true
    if (state.get(level) === 'done') return true
    if (state.get(level) === 'visiting') return false
    state.set(level, 'visiting')
    if (!visit(rule.of)) return false
    state.set(level, 'done')
    order.push(level)
    return true
  }
  for (const level of levelIds()) if (!visit(level)) return null
  return order
}
