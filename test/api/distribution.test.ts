// Why: the page asks for the overrun chance of the funding levels that set an appropriation, taken
// together (GET /runs/:id/distribution?level=provincial,municipal); pin that several levels' rows
// are summed per trial, that the appropriation is theirs summed, and that a wrong level is named.
import { tableFromIPC } from 'apache-arrow'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPool } from '../../workers/createPool.js'
import { runAndWait, testServer } from './helpers.js'

const pool = createPool({ threads: 2 })
let app: FastifyInstance
let run: any
beforeAll(async () => {
  app = await testServer(pool)
  run = await runAndWait(app, { preset: 'guangzhou-2015-2017-baseline', trials: 300 })
})
afterAll(async () => {
  await app.close()
  await pool.destroy()
})

/** Each trial's demand over the rows of these levels in `year`, from the trials table itself. */
async function trialTotals(year: number, levels: string[]): Promise<number[]> {
  const table = tableFromIPC((await app.inject({ url: `/runs/${run.id}/trials?year=${year}&columns=trial,level,demand` })).rawPayload)
  const totals = new Array<number>(300).fill(0)
  for (const row of table) if (levels.includes(row.level)) totals[row.trial] += row.demand
  return totals
}

describe('GET /runs/:id/distribution over several funding levels', () => {
  it('sums the rows of every level listed, trial by trial', async () => {
    const d = (await app.inject({ url: `/runs/${run.id}/distribution?year=2015&level=provincial,municipal` })).json()
    expect(d.level).toBe('provincial,municipal')
    const totals = await trialTotals(2015, ['provincial', 'municipal'])
    const sorted = [...totals].sort((a, b) => a - b)
    expect(d.n).toBe(300)
    expect(d.min).toBeCloseTo(sorted[0], 3)
    expect(d.max).toBeCloseTo(sorted[299], 3)
    expect(d.mean).toBeCloseTo(totals.reduce((a, b) => a + b, 0) / 300, 3)
    // the exceedance curve is of the summed values
    for (const point of d.exceedance) expect(point.p).toBeCloseTo(sorted.filter((v) => v > point.x + 1e-6).length / 300, 12)
  })

  it('sums the appropriations of the levels listed when each has one', async () => {
    const both = (await app.inject({ url: `/runs/${run.id}/distribution?year=2015&level=municipal,provincial` })).json()
    expect(both.appropriation).toBe(170_000_000 + 50_000_000)
    const years = (await app.inject({ url: `/runs/${run.id}/distribution?level=provincial,municipal` })).json()
    expect(years.appropriation).toBe(170_000_000 + 190_000_000 + 210_000_000 + 3 * 50_000_000)
    // the national level sets none, so a selection with it has none
    const withNational = (await app.inject({ url: `/runs/${run.id}/distribution?year=2015&level=national,municipal` })).json()
    expect(withNational.appropriation).toBeNull()
  })

  it('treats a level listed twice as once and one level as before', async () => {
    const twice = (await app.inject({ url: `/runs/${run.id}/distribution?year=2015&level=municipal,municipal` })).json()
    const once = (await app.inject({ url: `/runs/${run.id}/distribution?year=2015&level=municipal` })).json()
    expect(twice.mean).toBe(once.mean)
    expect(twice.level).toBe('municipal')
    expect(once.appropriation).toBe(170_000_000)
  })

  it('names a level the run does not have', async () => {
    const res = await app.inject({ url: `/runs/${run.id}/distribution?level=municipal,district` })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors).toEqual([{ path: 'query.level', message: expect.stringMatching(/^district is not a funding level of this run/) }])
  })
})
