import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { tableFromIPC } from 'apache-arrow'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { SummaryColumnNames } from '../../engine/results/buildSummaryTable.js'
import { createPool } from '../../workers/createPool.js'
import { cellDifferences, objectCells, readCsvWithPython, tableCells } from '../helpers/readCsv.js'
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

describe('GET /runs/:id/summary', () => {
  it('answers JSON by default, with the metadata and every row', async () => {
    const res = await app.inject({ url: `/runs/${run.id}/summary` })
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    const body = res.json()
    expect(body.metadata).toMatchObject({ scenario_name: 'guangzhou-2015-2017-baseline', trials: 300, seed: '20150827' })
    const total = body.rows.find((r: any) => r.year === 2015 && r.programme === 'all' && r.level === 'municipal' && r.measure === 'demand')
    expect(total).toMatchObject({ appropriation: 170000000, n: 300 })
    expect(total.p_exceed_lo).toBeLessThanOrEqual(total.p_exceed)
  })

  it('answers Arrow by Accept or suffix, and CSV', async () => {
    const stream = await app.inject({ url: `/runs/${run.id}/summary`, headers: { accept: 'application/vnd.apache.arrow.stream' } })
    expect(stream.headers['content-type']).toBe('application/vnd.apache.arrow.stream')
    const table = tableFromIPC(stream.rawPayload)
    const json = (await app.inject({ url: `/runs/${run.id}/summary` })).json()
    expect(table.numRows).toBe(json.rows.length)
    const file = await app.inject({ url: `/runs/${run.id}/summary.arrow` })
    expect(file.headers['content-type']).toBe('application/vnd.apache.arrow.file')
    expect(tableFromIPC(file.rawPayload).numRows).toBe(json.rows.length)
    const csv = await app.inject({ url: `/runs/${run.id}/summary`, headers: { accept: 'text/csv' } })
    expect(csv.body.split('\n')[0]).toMatch(/^year,programme,level,measure,n,mean,mean_se/)
  })

  it('answers CSV (summary.csv and trials.csv) whose every cell, read by pandas and polars, is the value of the JSON summary and the Arrow trials', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'budget-sim-api-csv-'))
    const summaryCsv = await app.inject({ url: `/runs/${run.id}/summary.csv` })
    expect(summaryCsv.headers['content-type']).toMatch(/^text\/csv/)
    writeFileSync(join(dir, 'summary.csv'), summaryCsv.rawPayload)
    writeFileSync(join(dir, 'trials.csv'), (await app.inject({ url: `/runs/${run.id}/trials.csv` })).rawPayload)
    const rows = (await app.inject({ url: `/runs/${run.id}/summary` })).json().rows
    const trials = tableFromIPC((await app.inject({ url: `/runs/${run.id}/trials.arrow` })).rawPayload)
    const seen = readCsvWithPython(join(dir, 'summary.csv'), join(dir, 'trials.csv'))
    for (const reader of ['pandas', 'polars'] as const) {
      const tolerance = { relative: reader === 'pandas' ? 1e-14 : 0 }
      const summary = seen[join(dir, 'summary.csv')][reader]
      expect(summary.columns).toEqual([...SummaryColumnNames])
      expect(cellDifferences(summary, objectCells(rows, SummaryColumnNames), tolerance), `summary.csv read by ${reader}`).toEqual([])
      expect(summary.rows.filter((r) => r[1] === 'torch-pilot-matching' && r[2] === 'provincial').length).toBeGreaterThan(0)
      const trialsSeen = seen[join(dir, 'trials.csv')][reader]
      expect(cellDifferences(trialsSeen, tableCells(trials), tolerance), `trials.csv read by ${reader}`).toEqual([])
    }
  })

  it('answers 406 when nothing offered is acceptable', async () => {
    const res = await app.inject({ url: `/runs/${run.id}/summary`, headers: { accept: 'application/xml' } })
    expect(res.statusCode).toBe(406)
    expect(res.json()).toMatchObject({ code: 'NOT_ACCEPTABLE' })
  })
})

describe('GET /runs/:id/trials', () => {
  it('answers an Arrow IPC stream by default, with every row', async () => {
    const res = await app.inject({ url: `/runs/${run.id}/trials` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/vnd.apache.arrow.stream')
    const table = tableFromIPC(res.rawPayload)
    expect(table.numRows).toBe(300 * 18)
    expect(table.schema.metadata.get('row_count')).toBe(String(300 * 18))
  })

  it('answers the IPC file format by .arrow suffix or Accept, and CSV', async () => {
    const suffix = await app.inject({ url: `/runs/${run.id}/trials.arrow` })
    const accepted = await app.inject({ url: `/runs/${run.id}/trials`, headers: { accept: 'application/vnd.apache.arrow.file' } })
    expect(suffix.headers['content-type']).toBe('application/vnd.apache.arrow.file')
    expect(suffix.rawPayload.equals(accepted.rawPayload)).toBe(true)
    expect(suffix.rawPayload.subarray(0, 6).toString()).toBe('ARROW1')
    const csv = await app.inject({ url: `/runs/${run.id}/trials.csv` })
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    expect(csv.body.trim().split('\n')).toHaveLength(300 * 18 + 1)
  })

  it('filters by year, programme and level and selects columns', async () => {
    const res = await app.inject({ url: `/runs/${run.id}/trials?year=2016,2017&programme=torch-pilot-matching&level=provincial&columns=trial,year,demand` })
    const table = tableFromIPC(res.rawPayload)
    expect(table.numRows).toBe(300 * 2)
    expect(table.schema.fields.map((f) => f.name)).toEqual(['trial', 'year', 'demand'])
    expect(table.schema.metadata.get('row_count')).toBe('600')
    expect(new Set(table.getChild('year')!.toArray())).toEqual(new Set([2016, 2017]))
    const repeated = await app.inject({ url: `/runs/${run.id}/trials.csv?level=national&level=provincial&year=2015` })
    expect(repeated.body.trim().split('\n')).toHaveLength(300 * 2 + 1)
  })

  it('rejects filters that do not match the run, naming them', async () => {
    const res = await app.inject({ url: `/runs/${run.id}/trials?year=2019&programme=nope&level=district&columns=trial,bogus` })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors).toEqual([
      { path: 'query.year', message: '2019 is not a year of this run (2015, 2016, 2017)' },
      { path: 'query.programme', message: expect.stringMatching(/^nope is not a programme of this run/) },
      { path: 'query.level', message: 'district is not a funding level of this run (national, provincial, municipal)' },
      { path: 'query.columns', message: expect.stringMatching(/^unknown column bogus/) },
    ])
    expect((await app.inject({ url: `/runs/${run.id}/trials?colour=red` })).statusCode).toBe(400)
  })

  it('is gzip-compressed when the client accepts it', async () => {
    const res = await app.inject({ url: `/runs/${run.id}/trials`, headers: { 'accept-encoding': 'gzip' } })
    expect(res.headers['content-encoding']).toBe('gzip')
    const table = tableFromIPC(gunzipSync(res.rawPayload))
    expect(table.numRows).toBe(300 * 18)
  })

  it('answers 409 while a run is not done, and 406 for an unacceptable type', async () => {
    const pending = (await app.inject({ method: 'POST', url: '/runs', payload: { preset: 'bench-tech-transaction', trials: 50_000 } })).json()
    const res = await app.inject({ url: `/runs/${pending.id}/trials` })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'RUN_NOT_READY', detail: expect.stringMatching(/the run is (queued|running)/) })
    await app.inject({ method: 'DELETE', url: `/runs/${pending.id}` })
    expect((await app.inject({ url: `/runs/${run.id}/trials`, headers: { accept: 'application/json' } })).statusCode).toBe(406)
  })
})

describe('GET /runs/:id/distribution', () => {
  it('gives the histogram, exceedance curve and quantiles of a per-trial total, matching the summary', async () => {
    const d = (await app.inject({ url: `/runs/${run.id}/distribution?year=2015&level=municipal&bins=20` })).json()
    const summary = (await app.inject({ url: `/runs/${run.id}/summary` })).json()
    const row = summary.rows.find((r: any) => r.year === 2015 && r.programme === 'all' && r.level === 'municipal' && r.measure === 'demand')
    expect(d.n).toBe(300)
    expect(d.mean).toBeCloseTo(row.mean, 3)
    expect(d.quantiles.p95).toBeCloseTo(row.p95, 3)
    expect(d.appropriation).toBe(170000000)
    expect(d.histogram.counts.reduce((a: number, b: number) => a + b, 0)).toBe(300)
    expect(d.histogram.edges).toHaveLength(21)
    expect(d.exceedance[0].p).toBeCloseTo(299 / 300, 12)
    expect(d.exceedance.at(-1)).toEqual({ x: d.max, p: 0 })
  })

  it('gives the paired per-trial difference against a run on the same draws', async () => {
    const reform = await runAndWait(app, { preset: 'reform-cap-3m', trials: 300 })
    const d = (await app.inject({ url: `/runs/${reform.id}/distribution?programme=tech-transaction-subsidy&against=${run.id}` })).json()
    // a lower cap never raises any trial's outlay: every paired difference is <= 0
    expect(d.max).toBeLessThanOrEqual(0)
    expect(d.min).toBeLessThan(0)
    const mismatch = await runAndWait(app, { preset: 'reform-cap-3m', trials: 100 })
    const res = await app.inject({ url: `/runs/${mismatch.id}/distribution?against=${run.id}` })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors[0].path).toBe('query.against')
  })

  it('bins over a fixed range, counting values outside it, so two runs can share bins', async () => {
    const d = (await app.inject({ url: `/runs/${run.id}/distribution?year=2015&level=municipal&bins=10&range=150000000,170000000` })).json()
    expect(d.histogram.edges[0]).toBe(150000000)
    expect(d.histogram.edges[10]).toBe(170000000)
    const inside = d.histogram.counts.reduce((a: number, b: number) => a + b, 0)
    expect(inside + d.histogram.below + d.histogram.above).toBe(300)
    expect(d.histogram.above).toBeGreaterThan(0)
    const bad = await app.inject({ url: `/runs/${run.id}/distribution?range=5,1` })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors).toEqual([{ path: 'query.range', message: 'must be two finite numbers min,max with min < max, got "5,1"' }])
  })

  it('rejects a selection that does not match the run', async () => {
    const res = await app.inject({ url: `/runs/${run.id}/distribution?year=1999&level=district&measure=bogus` })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors[0]).toMatchObject({ path: 'query.measure' })
  })
})

describe('GET /runs/:id/scenario', () => {
  it("gives the run's parameters with their provenance", async () => {
    const s = (await app.inject({ url: `/runs/${run.id}/scenario` })).json()
    const torch = s.programmes.find((p: any) => p.id === 'torch-pilot-matching')
    expect(torch.provenance.matching.origin).toBe('policy')
    expect(torch.provenance.basis.origin).toBe('assumption')
    expect(torch.provenance.years.origin).toBe('scenario')
  })
})
