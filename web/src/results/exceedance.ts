// Why: the exceedance chart answers "how likely is outlay to exceed x?" for any x by eye; a planner
// with a figure in mind (a budget line under discussion, 1.8亿) wants the number. This reads it off
// the same curve the chart draws (GET /runs/:id/distribution's exceedance points, a step function),
// so the answer and the picture agree.
import type { Distribution } from '../api/types'

/** P(outlay > x) from the exceedance curve: 1 below the smallest trial, 0 from the largest. */
export function chanceAbove(d: Pick<Distribution, 'exceedance' | 'min' | 'max'>, x: number): number {
  if (x < d.min) return 1
  if (x >= d.max) return 0
  let p = 1
  for (const point of d.exceedance) {
    if (point.x > x) break
    p = point.p
  }
  return p
}
