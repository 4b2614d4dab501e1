// Why: a funding level's appropriation for a year is the money it has for all its programmes.
// What happens when their demand exceeds it is a rule of the scenario: record the overrun (pay all
// demand; the summary gives the chance and size of the overrun), cut every claim pro rata, or pay
// claims in order of arrival until the money runs out. A binding appropriation is then settled in
// whole yuan, so the paid total equals the appropriation to the yuan and no sum of paid amounts can
// exceed it by a rounding error.
import { Type } from '../validation/Type.js'
import type { Issue } from '../errors.js'
import { levelIds } from '../policy/levels.js'
import { KeyPatterns } from '../scenario/keyPatterns.js'
import type { Mechanism } from './Mechanism.js'

export const ExhaustionRules = ['record', 'pro_rata', 'first_come'] as const
export type ExhaustionRule = (typeof ExhaustionRules)[number]
export const Exhaustion = { record: 0, pro_rata: 1, first_come: 2 } as const

const TWO_POW_21 = 2 ** 21

export interface ExhaustionPlan {
  rule: number
  /** appropriation per plan level for the year (NaN where none) */
  appropriation: Float64Array
}

export const exhaustion: Mechanism<ExhaustionPlan> = {
  id: 'exhaustion',
  title: "Appropriations per funding level and year, and the rule when demand exceeds them (record, pro rata, first come)",
  scope: 'scenario',
  get parameters() {
    const YearAmounts = Type.Record(
      Type.String({ pattern: KeyPatterns.year.pattern }),
      Type.Union([Type.Number({ minimum: 0, maximum: 1e15, description: 'appropriation for the year (CNY)' }), Type.Null()]),
      { additionalProperties: false, description: 'appropriation per year; null removes an inherited year' },
    )
    return {
      appropriations: Type.Object(Object.fromEntries(levelIds().map((l) => [l, Type.Optional(Type.Union([YearAmounts, Type.Null()]))])), {
        additionalProperties: false,
        description: 'per funding level and year (CNY)',
      }),
      on_exhaustion: Type.Enum([...ExhaustionRules], {
        description: 'when demand exceeds an appropriation: record it, pay pro rata, or pay first come first served',
      }),
    }
  },

  check(p, at, ctx) {
    const issues: Issue[] = []
    void ctx
    for (const [level, byYear] of Object.entries((p.appropriations ?? {}) as Record<string, Record<string, number | null> | null>)) {
      if (!byYear) continue
      for (const year of Object.keys(byYear))
        if (!(p.years as number[]).includes(Number(year)))
          issues.push({ path: `${at ? `${at}.` : ''}appropriations.${level}.${year}`, message: `${year} is not one of the scenario's years (${(p.years as number[]).join(', ')})` })
    }
    return issues
  },

  levels: (p) => Object.entries((p.appropriations ?? {}) as Record<string, object | null>).filter(([, v]) => v && Object.keys(v).length > 0).map(([l]) => l),

  compile(p, ctx) {
    const year = String(ctx.years[ctx.yearIndex])
    return {
      rule: Exhaustion[(p.on_exhaustion ?? 'record') as ExhaustionRule],
      appropriation: Float64Array.from(ctx.levels.map((l) => {
        const a = p.appropriations?.[l]?.[year]
        return a === undefined || a === null ? NaN : a
      })),
    }
  },

  needsArrivals: (c) => c.rule === Exhaustion.first_come,

  yearStages: {
    allocate(work, c) {
      const nl = work.nLevels
      const np = work.nProgrammes
      const { coef, demand, paid } = work
      let sortedClaims: Float64Array | null = null
      for (let l = 0; l < nl; l++) {
        let total = 0
        for (let p = 0; p < np; p++) total += coef[p * nl + l] * demand[p]
        const budget = c.appropriation[l]
        const binding = c.rule !== Exhaustion.record && budget === budget && total > budget
        if (!binding) {
          for (let p = 0; p < np; p++) paid[p * nl + l] = coef[p * nl + l] * demand[p]
          continue
        }
        const ideal = scratch(np).ideal
        const claim = scratch(np).claim
        for (let p = 0; p < np; p++) {
          claim[p] = coef[p * nl + l] * demand[p]
          ideal[p] = 0
        }
        if (c.rule === Exhaustion.pro_rata) {
          const f = budget / total
          for (let p = 0; p < np; p++) ideal[p] = claim[p] * f
        } else {
          const claims = work.claims
          if (sortedClaims === null) sortedClaims = claims.key.subarray(0, claims.count).sort()
          let remaining = budget
          for (let k = 0; k < sortedClaims.length && remaining > 0; k++) {
            const index = sortedClaims[k] % TWO_POW_21
            const p = claims.programme[index]
            const amount = coef[p * nl + l] * claims.amount[index]
            const pay = amount < remaining ? amount : remaining
            ideal[p] += pay
            remaining -= pay
          }
        }
        allocateWholeYuan(ideal, claim, Math.floor(budget), scratch(np).frac, scratch(np).order, np)
        for (let p = 0; p < np; p++) paid[p * nl + l] = ideal[p]
      }
    },
  },

  describe: (name, value) => (name === 'on_exhaustion' ? String(value) : undefined),
}

let space = { ideal: new Float64Array(16), claim: new Float64Array(16), frac: new Float64Array(16), order: new Int32Array(16) }
function scratch(n: number) {
  if (space.ideal.length < n) space = { ideal: new Float64Array(n), claim: new Float64Array(n), frac: new Float64Array(n), order: new Int32Array(n) }
  return space
}

/**
 * Settle an ideal allocation in whole yuan: each share is rounded down (never above its claim),
 * then the yuan left to reach `total` go one each to the shares with the largest fractional parts
 * (ties to the lower index), and any still left to shares with whole yuan of claim unpaid, never
 * above a share's claim. Integers sum exactly in floating point,
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
  // shares paid in full cannot take a yuan above their claim: whatever is still left goes, in the
  // same order, to shares with whole yuan of claim unpaid (first come, the claim that crossed the line)
  for (let i = 0; left > 0 && i < n; i++) {
    const p = order[i]
    const room = Math.floor(claim[p]) - ideal[p]
    if (room > 0) {
      const give = room < left ? room : left
      ideal[p] += give
      left -= give
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
