// Why: most rules cap what one recipient may receive in a year ("at most 5,000,000 CNY per
// enterprise per year"). The cap cuts each claim's entitlement and records how often it binds and
// how much it saves.
import { Type } from '../validation/Type.js'
import type { Mechanism } from './Mechanism.js'

export interface CapPlan {
  cap: number
}

export const cap: Mechanism<CapPlan> = {
  id: 'cap',
  title: 'A cap on what one recipient is paid in a year',
  scope: 'programme',
  parameters: {
    cap: Type.Unsafe<number | null>({
      type: ['number', 'null'],
      minimum: 0,
      maximum: 1e15,
      description: 'most paid per applicant and year (CNY); null for no cap',
    }),
  },
  columns: ['capped', 'cap_saved'],
  defaults: { cap: { value: null, note: 'no cap' } },

  compile: (p) => (p.cap === null || p.cap === undefined ? null : { cap: p.cap }),

  stages: {
    limit(work, c) {
      const { claims, totals } = work
      const cap = c.cap
      const amount = claims.amount
      const m = claims.count
      let capped = 0
      let saved = 0
      let demand = 0
      for (let j = 0; j < m; j++) {
        const e = amount[j]
        if (e > cap) {
          capped++
          saved += e - cap
          amount[j] = cap
          demand += cap
        } else demand += e
      }
      totals.demand = demand
      totals.capped += capped
      totals.capSaved += saved
    },
  },

  describe: (name, value) => (name === 'cap' ? (value === null ? 'none' : `${Number(value).toLocaleString('en-US')} CNY`) : undefined),
}
