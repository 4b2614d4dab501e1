// The report of an analysis (GET /analyses/:id/report.html and report.pdf) without Chromium: a
// sensitivity analysis's tornado and contribution and a goal seek's answer and points, every number
// as GET /analyses/:id gives it; 409 for an analysis that failed (saying why) or is not done; the
// PDF printed through the run reports' printer (the same REPORT_CONCURRENCY allowance; 503 without
// Chromium). A stand-in "Chromium" plays the browser; test/e2e/analysis.test.ts prints with the real one.
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPool } from '../../workers/createPool.js'
import { fakeChromium } from '../helpers/fakeChromium.js'
import { fact, keyedCells } from '../helpers/reportHtml.js'
import * as page from '../../web/src/format/analysis'
import { runAndWait, testServer } from './helpers.js'

const pool = createPool({ threads: 2 })
const dir = mkdtempSync(join(tmpdir(), 'budget-sim-analysis-report-'))
let app: FastifyInstance

const sensitivity = {
  kind: 'sensitivity',
  preset: 'guangzhou-2015-2017-baseline',
  trials: 300,
  target: { level: 'municipal', year: 2017, statistic: 'p_exceed' },
  ranges: [
    { path: 'programmes.tech-transaction-subsidy.cap', low: 2_000_000, high: 8_000_000 },
    { path: 'programmes.tech-transaction-subsidy.approval_rate', low: 0.7, high: 0.95 },
    { path: 'programmes.torch-pilot-matching.approval_rate', low: 0.7, high: 1 },
  ],
  seeded_ranges: false,
  contribution: { vectors: 8, trials_per_vector: 4 },
}
const goalSeek = {
  kind: 'goal_seek',
  preset: 'guangzhou-2015-2017-baseline',
  trials: 300,
  parameter: 'programmes.tech-transaction-subsidy.cap',
  target: { level: 'municipal', year: 2017, statistic: 'p_exceed', op: '<=', value: 0.1 },
  interval: [1_000_000, 5_000_000],
  replicates: 2,
}

async function analyse(server: FastifyInstance, body: object): Promise<any> {
  const res = await server.inject({ method: 'POST', url: '/analyses', payload: body, headers: { prefer: 'wait=60' } })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

const cellsOf = (markup: string) => new Map(keyedCells(markup).map((c) => [c.key, c]))

beforeAll(async () => {
  app = await testServer(pool, { chromiumPath: join(dir, 'no-chromium-here'), maxWaitSeconds: 60 })
})

afterAll(async () => {
  await app.close()
  await pool.destroy()
})

describe('GET /analyses/:id/report.html', () => {
  it('of a sensitivity analysis: the tornado and the contribution, every number as GET /analyses/:id gives it', async () => {
    const a = await analyse(app, sensitivity)
    expect(a.links).toMatchObject({ report_html: `/analyses/${a.id}/report.html`, report_pdf: `/analyses/${a.id}/report.pdf` })
    const res = await app.inject({ url: `/analyses/${a.id}/report.html` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.headers['content-disposition']).toBe(`inline; filename="guangzhou-2015-2017-baseline-sensitivity-${a.id.slice(0, 8)}-report.html"`)
    const markup = res.body
    expect(markup).not.toMatch(/<script|<link|src=|href="http/i)
    expect(fact(markup, 'analysis')).toMatch(new RegExp(`^${a.id}, finished `))
    expect(fact(markup, 'figure')).toBe('Chance of overrunning the appropriation, municipal level, 2017')
    expect(fact(markup, 'runs')).toBe(`${a.progress.runs_done} runs on the same random draws, ${a.draws.toLocaleString('en-US')} random draws in all`)
    const r = a.result
    const cells = cellsOf(markup)
    expect(r.bars).toHaveLength(3)
    for (const b of r.bars) {
      const k = (c: string) => cells.get(`tornado|${b.parameter}|${c}`)!
      for (const [col, value] of [
        ['low', b.low.value],
        ['high', b.high.value],
        ['low_input', b.low.input],
        ['high_input', b.high.input],
        ['swing', b.swing],
        ['swing_se', b.swing_se],
      ] as const)
        expect(k(col).value, `${b.parameter} ${col}`).toBe(String(value))
      expect(k('swing').text).toBe(`${page.formatStatisticChange('p_exceed', b.swing)}${b.crosses_zero ? ' *' : ''}`)
      // the chart draws the same numbers
      expect(markup).toContain(`<g class="tornado-bar" data-parameter="${b.parameter}" data-swing="${b.swing}" data-swing-se="${b.swing_se}" data-crosses-zero="${b.crosses_zero}">`)
      expect(markup).toContain(`<rect class="low" data-input="${b.low.input}" data-value="${b.low.value}"`)
      expect(markup).toContain(`<rect class="high" data-input="${b.high.input}" data-value="${b.high.value}"`)
    }
    // the torch programme has no municipal outlay: its swing is nothing, and marked as noise
    expect(r.bars.at(-1)).toMatchObject({ parameter: 'programmes.torch-pilot-matching.approval_rate', swing: 0, crosses_zero: true })
    for (const p of r.contribution.parameters) expect(cells.get(`contribution|${p.parameter}|share`)!.value).toBe(String(p.share))
    const sections = [...markup.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1])
    expect(sections).toEqual(['title', 'tornado', 'contribution', 'ranges', 'scenario', 'provenance'])
  })

  it('of a goal seek: the answer, its uncertainty, the statistic there and the points, as GET /analyses/:id gives them', async () => {
    const a = await analyse(app, goalSeek)
    const markup = (await app.inject({ url: `/analyses/${a.id}/report.html?download=true` })).body
    const r = a.result
    expect(markup).toContain(`<dd data-fact="answer" data-value="${r.answer}"><strong>${page.formatParameterValue(r.answer, 'CNY')}</strong>`)
    expect(markup).toContain(`<dd data-fact="uncertainty" data-value="${r.answer_sd}">± ${page.formatParameterValue(r.answer_sd, 'CNY')} (the standard deviation of the answers on 2 independent seeds)</dd>`)
    expect(markup).toContain(`<dd data-fact="at_answer" data-value="${r.at_answer.value}">${page.formatStatistic('p_exceed', r.at_answer.value)} ± `)
    const cells = cellsOf(markup)
    expect(r.points.length).toBeGreaterThanOrEqual(10)
    for (const p of r.points) expect(cells.get(`point|${p.input}|value`)!.value).toBe(String(p.value))
    for (const [i, x] of r.replicates.entries()) expect(cells.get(`replicate|${i}|answer`)!.value).toBe(x.answer === null ? '' : String(x.answer))
    expect(fact(markup, 'target')).toBe('Technology transaction subsidy: cap such that the chance of overrunning the appropriation is at most 10.0%')
  })

  it('answers 409 for an analysis that failed, saying why, or is not done, and 404 for none', async () => {
    const failed = await analyse(app, { ...goalSeek, trials: 100, target: { level: 'municipal', year: 2017, statistic: 'mean', op: '<=', value: 1000 }, replicates: 1 })
    expect(failed.status).toBe('failed')
    const res = await app.inject({ url: `/analyses/${failed.id}/report.html` })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('RUN_NOT_READY')
    expect(res.json().detail).toMatch(/^the goal seek failed \(GOAL_NOT_MET: mean <= 1000 is met at neither end of the interval/)
    expect(failed.links.report_html).toBeUndefined()
    const queued = (await app.inject({ method: 'POST', url: '/analyses', payload: { ...sensitivity, trials: 100_000, contribution: false } })).json()
    const busy = await app.inject({ url: `/analyses/${queued.id}/report.pdf` })
    expect(busy.statusCode).toBe(409)
    expect(busy.json().detail).toMatch(/^the sensitivity analysis is (queued|running); its report is ready when it is done$/)
    await app.inject({ method: 'DELETE', url: `/analyses/${queued.id}` })
    const missing = await app.inject({ url: '/analyses/00000000-0000-0000-0000-000000000000/report.html' })
    expect(missing.statusCode).toBe(404)
  })

  it('is in the OpenAPI document with its problems', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json()
    expect(doc.paths['/analyses/{id}/report.html'].get.summary).toMatch(/HTML/)
    expect(Object.keys(doc.paths['/analyses/{id}/report.pdf'].get.responses)).toEqual(expect.arrayContaining(['404', '409', '503', '504']))
    expect(doc.paths['/runs/{id}/report.pdf'].get.parameters.map((p: any) => p.name)).toContain('against')
  })
})

describe('GET /analyses/:id/report.pdf', () => {
  it('answers 503 with how to install Chromium when there is none, while the HTML report works', async () => {
    const a = (await app.inject({ url: '/analyses?status=done&limit=1' })).json().analyses[0]
    const res = await app.inject({ url: `/analyses/${a.id}/report.pdf` })
    expect(res.statusCode).toBe(503)
    expect(res.json().code).toBe('CHROMIUM_MISSING')
  })

  it('shares the run reports’ REPORT_CONCURRENCY allowance: a run’s report being printed makes it wait (503 with Retry-After)', async () => {
    const other = await testServer(pool, { chromiumPath: fakeChromium(dir, 'slow-chromium', 2), reportConcurrency: 1, maxWaitSeconds: 60 })
    try {
      const run = await runAndWait(other, { preset: 'guangzhou-2015-2017-baseline', trials: 50 })
      const a = await analyse(other, { ...sensitivity, trials: 50, contribution: false })
      const first = other.inject({ url: `/runs/${run.id}/report.pdf` })
      const pidFile = join(dir, 'slow-chromium.pid')
      for (let i = 0; i < 400 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 25))
      expect(existsSync(pidFile)).toBe(true)
      const second = await other.inject({ url: `/analyses/${a.id}/report.pdf` })
      expect(second.statusCode).toBe(503)
      expect(second.json().code).toBe('REPORT_BUSY')
      expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect((await first).statusCode).toBe(200)
      const printed = await other.inject({ url: `/analyses/${a.id}/report.pdf?download=true` })
      expect(printed.statusCode).toBe(200)
      expect(printed.headers['content-type']).toBe('application/pdf')
      expect(printed.headers['content-disposition']).toBe(`attachment; filename="guangzhou-2015-2017-baseline-sensitivity-${a.id.slice(0, 8)}-report.pdf"`)
      expect(printed.rawPayload.subarray(0, 5).toString()).toBe('%PDF-')
    } finally {
      await other.close()
    }
  })
})
