// The programme budget settles in whole yuan when it binds: the payments then sum exactly (no
// floating-point excess) to the budget, the shares stay within each claim, and claims beyond a
// first-come budget are counted as turned away.
import { describe, expect, it } from 'vitest'
import { budget } from '../../../engine/mechanisms/budget.js'
import type { ProgrammeYear } from '../../../engine/mechanisms/Mechanism.js'

function work(amounts: number[], arrivals?: number[]): ProgrammeYear {
  const m = amounts.length
  return {
    claims: {
      count: m,
      amount: Float64Array.from(amounts),
      arrival: Float64Array.from(arrivals ?? amounts.map((_, j) => j)),
    },
    totals: { demand: amounts.reduce((a, b) => a + b, 0), budgetRejected: 0, budgetCut: 0 },
  } as unknown as ProgrammeYear
}

/** Claims of awkward sizes: fractions of a yuan, and shares that are not whole. */
function awkwardClaims(m: number): number[] {
  return Array.from({ length: m }, (_, j) => 12_345.67 + ((j * 7919) % 1000) * 333.333)
}

describe('a binding programme budget', () => {
  it('pays pro rata in whole yuan summing to exactly the budget, each claim at most what it claimed', () => {
    const claims = awkwardClaims(997)
    const w = work(claims)
    const amount = 100_000_000.37
    budget.stages.budget!(w, { amount, firstCome: false })
    const paid = Array.from(w.claims.amount)
    expect(paid.reduce((a, b) => a + b, 0)).toBe(Math.floor(amount))
    paid.forEach((p, j) => {
      expect(Number.isInteger(p)).toBe(true)
      expect(p).toBeLessThanOrEqual(claims[j])
      // within a yuan of the exact share
      expect(Math.abs(p - (claims[j] * amount) / claims.reduce((a, b) => a + b, 0))).toBeLessThan(1)
    })
    expect(w.totals.demand).toBe(Math.floor(amount))
    expect(w.totals.budgetCut).toBeCloseTo(claims.reduce((a, b) => a + b, 0) - Math.floor(amount), 3)
  })

  it('pays first come, first served in whole yuan, never beyond the budget, and counts the claims turned away', () => {
    const claims = awkwardClaims(500)
    const arrivals = claims.map((_, j) => ((j * 104729) % 500) * 1000)
    const w = work(claims, arrivals)
    const amount = 3_000_000.9
    budget.stages.budget!(w, { amount, firstCome: true })
    const paid = Array.from(w.claims.amount)
    expect(paid.reduce((a, b) => a + b, 0)).toBe(Math.floor(amount))
    const order = [...claims.keys()].sort((a, b) => arrivals[a] - arrivals[b])
    // earlier arrivals are paid (whole yuan of) their claim in full until the money runs out
    const firstUnpaid = order.findIndex((j) => paid[j] < Math.floor(claims[j]))
    for (const j of order.slice(0, firstUnpaid)) expect(paid[j]).toBe(Math.floor(claims[j]))
    for (const j of order.slice(firstUnpaid + 1)) expect(paid[j]).toBe(0)
    expect(w.totals.budgetRejected).toBe(order.length - firstUnpaid - 1)
  })

  it('leaves claims untouched when the budget does not bind', () => {
    const claims = [10.5, 20.25]
    const w = work(claims)
    budget.stages.budget!(w, { amount: 100, firstCome: false })
    expect(Array.from(w.claims.amount)).toEqual(claims)
  })
})
