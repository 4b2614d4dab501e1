// Why: some programmes have a fixed budget of their own for the year, spent until it runs out: a
// voucher budget paid first come, first served, or a fund's annual cap shared pro rata. Unlike an
// appropriation (a funding level's line, over all its programmes), this limits what the programme
// itself owes: claims beyond the budget are not owed. It records how many claims it turns away and
// how much it cuts.
import { Type } from '../validation/Type.js'
import type { Mechanism } from './Mechanism.js'

export const BudgetRules = ['first_come', 'pro_rata'] as const

export interface BudgetPlan {
  amount: number
  firstCome: boolean
}

const TWO_POW_21 = 2 ** 21
let keys = new Float64Array(1024)
let before = new Float64Array(1024)

export const budget: Mechanism<BudgetPlan> = {
  id: 'budget',
  title: "The programme's own budget for the year, spent first come, first served or shared pro rata",
  scope: 'programme',
  parameters: {
    budget: Type.Union(
      [
        Type.Object(
          {
            amount: Type.Number({ minimum: 0, maximum: 1e15, description: 'the budget for the year (CNY)' }),
            rule: Type.Enum([...BudgetRules], { description: 'first_come: claims paid in order of arrival until the money runs out; pro_rata: every claim cut in proportion' }),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: "the programme's own budget per year (dated values give a budget per year); null for none" },
    ),
  },
  columns: ['budget_rejected', 'budget_cut'],

  compile: (p) => (p.budget ? { amount: p.budget.amount, firstCome: p.budget.rule === 'first_come' } : null),
  needsArrivals: (c) => c.firstCome,

  stages: {
    budget(work, c) {
      const { claims, totals } = work
      const m = claims.count
      let total = 0
      for (let j = 0; j < m; j++) total += claims.amount[j]
      if (total <= c.amount) return
      if (before.length < m) before = new Float64Array(Math.max(m, before.length * 2))
      before.set(claims.amount.subarray(0, m))
      // when the budget binds, payments are settled in whole yuan, so they sum exactly (integers
      // below 2^53 add without rounding) to no more than the budget
      const budgetYuan = Math.floor(c.amount)
      if (!c.firstCome) {
        // each claim gets the whole yuan of its share; the yuan left (fewer than m) go one each
        // to claims in order that still have a fraction of a yuan owed
        const f = c.amount / total
        let paid = 0
        for (let j = 0; j < m; j++) {
          const whole = Math.floor(claims.amount[j] * f)
          claims.amount[j] = whole
          paid += whole
        }
        let left = budgetYuan - paid
        for (let j = 0; left > 0 && j < m; j++) {
          if (claims.amount[j] + 1 <= before[j]) {
            claims.amount[j] += 1
            left--
          }
        }
      } else {
        // arrival order, ties by claim index: 31 arrival bits x 2^21 + index < 2^52 is exact
        if (keys.length < m) keys = new Float64Array(Math.max(m, keys.length * 2))
        for (let j = 0; j < m; j++) keys[j] = (claims.arrival[j] >>> 1) * TWO_POW_21 + j
        const order = keys.subarray(0, m).sort()
        let remaining = budgetYuan
        for (let k = 0; k < m; k++) {
          const j = order[k] % TWO_POW_21
          const a = Math.floor(claims.amount[j])
          const pay = a < remaining ? a : remaining
          claims.amount[j] = pay
          remaining -= pay
          if (pay === 0) totals.budgetRejected++
        }
      }
      let cut = 0
      let demand = 0
      for (let j = 0; j < m; j++) {
        cut += before[j] - claims.amount[j]
        demand += claims.amount[j]
      }
      totals.budgetCut += cut
      totals.demand = demand
    },
  },

  describe: (name, value) => {
    if (name !== 'budget') return undefined
    const v = value as { amount: number; rule: string } | null
    return v === null ? 'none' : `${v.amount.toLocaleString('en-US')} CNY a year, ${v.rule === 'first_come' ? 'first come, first served' : 'pro rata'}`
  },
}
