// Why: a programme's outlay falls on one or more funding levels in fixed shares ("a municipal plan
// paid from municipal S&T funds", "co-funded by province and city"). This sets each level's share of
// the programme's demand; matching obligations are added after it.
import { Type } from '../validation/Type.js'
import type { Issue } from '../errors.js'
import { levelIds } from '../policy/levels.js'
import type { Mechanism } from './Mechanism.js'

export interface FundingPlan {
  /** share per plan level (plan level order) */
  shares: Float64Array
}

const TOLERANCE = 1e-9

export const funding: Mechanism<FundingPlan> = {
  id: 'funding',
  title: 'Shares of the outlay paid by each funding level',
  scope: 'programme',
  get parameters() {
    return {
      funding: Type.Object(
        Object.fromEntries(levelIds().map((l) => [l, Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'share of the programme outlay paid by the level' }))])),
        { additionalProperties: false },
      ),
    }
  },

  check(p, at) {
    const issues: Issue[] = []
    if (!p.funding || Object.keys(p.funding).length === 0) issues.push({ path: `${at}.funding`, message: 'is required: which levels pay the programme, e.g. { municipal: 1.0 }' })
    else {
      const total = Object.values(p.funding as Record<string, number>).reduce((a, b) => a + (b ?? 0), 0)
      if (Math.abs(total - 1) > TOLERANCE) issues.push({ path: `${at}.funding`, message: `shares must sum to 1, got ${Math.round(total * 1e9) / 1e9}` })
    }
    return issues
  },

  levels: (p) => Object.entries((p.funding ?? {}) as Record<string, number>).filter(([, share]) => share > 0).map(([l]) => l),

  compile: (p, ctx) => ({ shares: Float64Array.from(ctx.levels.map((l) => p.funding?.[l] ?? 0)) }),

  yearStages: {
    levels(work, c, p) {
      const nl = work.nLevels
      for (let l = 0; l < nl; l++) work.coef[p * nl + l] = c.shares[l]
    },
  },

  describe: (name, value) =>
    name === 'funding' ? Object.entries(value as object).map(([k, a]) => `${k} ${+((a as number) * 100).toFixed(2)}%`).join(', ') : undefined,
}
