// Why: many programmes fund a fixed number of recipients ("10 institutions a year", "at most 50
// enterprises over three years"), chosen by score or by lot when more qualify, and some pay their
// selected recipients again every later year. This module holds the places used and the grantees
// of a trial from year to year, brings the grantees back as claims first, and selects new claims
// for the free places.
import { Type } from '../validation/Type.js'
import type { Mechanism, ProgrammeYear } from './Mechanism.js'

const strict = { additionalProperties: false } as const
export const SelectionOrders = ['score', 'random'] as const

export const QuotaSchema = Type.Object(
  {
    per_year: Type.Optional(Type.Integer({ minimum: 0, description: 'new selections per year at most' })),
    total: Type.Optional(Type.Integer({ minimum: 0, description: 'selections over all the programme years at most' })),
    recurring: Type.Optional(Type.Boolean({ description: 'selected applicants receive a grant again each later programme year' })),
  },
  { ...strict, minProperties: 1 },
)

export interface QuotaPlan {
  perYear: number
  total: number
  recurring: boolean
  byScore: boolean
}

interface QuotaState {
  used: number
  grantees: number
  tiers: Int32Array
}

let sortScratch = new Float64Array(1024)

export const quota: Mechanism<QuotaPlan> = {
  id: 'quota',
  title: 'A quota of places per year and/or in total, filled by score or by lot; grants may recur yearly',
  scope: 'programme',
  parameters: {
    quota: Type.Union([QuotaSchema, Type.Null()], { description: 'selection limits; null removes a seeded quota' }),
    selection: Type.Enum([...SelectionOrders], {
      description: 'who gets a slot when the quota binds: highest basis first (score) or by lot (random)',
    }),
  },
  columns: ['quota_rejected'],
  defaults: { selection: { value: 'random', note: 'by lot when a quota binds' } },

  compile(p) {
    const q = p.quota
    if (!q) return null
    return { perYear: q.per_year ?? Infinity, total: q.total ?? Infinity, recurring: q.recurring ?? false, byScore: p.selection === 'score' }
  },

  expectedDraws(c, units, { yearsActiveBefore, arrivals }) {
    // grantees are redrawn each later year: at most the places given so far
    if (!c.recurring || yearsActiveBefore === 0) return 0
    const places = Math.min(c.total, c.perYear * yearsActiveBefore, units * yearsActiveBefore)
    return places * (2 + (arrivals ? 1 : 0))
  },

  createState: (): QuotaState => ({ used: 0, grantees: 0, tiers: new Int32Array(64) }),
  resetState(state) {
    state.used = 0
    state.grantees = 0
  },

  stages: {
    renew(work, c) {
      const s = work.state.quota as QuotaState
      if (!c.recurring || s.grantees === 0) return
      const { claims } = work
      const from = claims.count
      work.ensure(from + s.grantees)
      work.source.mechanism.redraw!(work, work.source.compiled, from, s.grantees)
      for (let r = 0; r < s.grantees; r++) {
        claims.tier[from + r] = s.tiers[r]
        claims.unit[from + r] = -1
      }
      claims.count = from + s.grantees
      claims.renewals = claims.count
    },

    select(work, c) {
      const s = work.state.quota as QuotaState
      const { claims } = work
      const first = claims.renewals
      const m = claims.count - first
      const slots = Math.max(0, Math.min(m, c.perYear, c.total - s.used))
      let threshold = -Infinity
      let tiesAllowed = slots
      const byScore = c.byScore && slots < m
      if (byScore && slots > 0) {
        // the slots-th highest basis; claims above it are in, ties are taken in order
        if (sortScratch.length < m) sortScratch = new Float64Array(Math.max(m, sortScratch.length * 2))
        sortScratch.set(claims.basis.subarray(first, first + m))
        const sorted = sortScratch.subarray(0, m).sort()
        threshold = sorted[m - slots]
        let above = 0
        for (let i = 0; i < m; i++) if (claims.basis[first + i] > threshold) above++
        tiesAllowed = slots - above
      }
      let taken = 0
      for (let i = 0; i < m && taken < slots; i++) {
        const at = first + i
        if (byScore) {
          const basis = claims.basis[at]
          if (basis < threshold) continue
          if (basis === threshold) {
            if (tiesAllowed === 0) continue
            tiesAllowed--
          }
        }
        move(work, at, first + taken)
        taken++
        if (c.recurring) addGrantee(s, claims.tier[first + taken - 1])
      }
      claims.count = first + taken
      s.used += taken
      work.totals.quotaRejected += m - taken
    },
  },

  describe(name, value) {
    const v = value as any
    if (name === 'quota') {
      if (v === null) return 'none'
      return [v.per_year !== undefined ? `${v.per_year} a year` : '', v.total !== undefined ? `${v.total} over the programme years` : '', v.recurring ? 'grants recur yearly' : '']
        .filter(Boolean)
        .join(', ')
    }
    if (name === 'selection') return v === 'score' ? 'highest basis first' : 'by lot'
    return undefined
  },
}

/** Move claim `from` to slot `to` (to <= from), attributes and all. */
function move(work: ProgrammeYear, from: number, to: number): void {
  if (from === to) return
  const c = work.claims
  c.basis[to] = c.basis[from]
  c.unit[to] = c.unit[from]
  c.tier[to] = c.tier[from]
  c.arrival[to] = c.arrival[from]
}

function addGrantee(s: QuotaState, tier: number): void {
  if (s.grantees === s.tiers.length) {
    const grown = new Int32Array(s.tiers.length * 2)
    grown.set(s.tiers)
    s.tiers = grown
  }
  s.tiers[s.grantees++] = tier
}
