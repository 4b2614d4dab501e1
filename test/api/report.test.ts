// The report of a run (GET /runs/:id/report.html and report.pdf) without Chromium: the HTML's numbers
// are the summary's, every parameter appears with its clause or assumption, dated values year by
// year, user text stays text; with ?against= the budget impact against a baseline, every cell as
// GET /runs/:id/compare gives it; the PDF route says how to install Chromium when it is missing,
// prints at most REPORT_CONCURRENCY reports at once and stops a Chromium that takes too long. A
// stand-in "Chromium" (a shell script) plays the browser here; test/e2e/report.test.ts prints with the real one.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRunSpec } from '../../engine/run/RunSpec.js'
import { listPresets, loadPresetData } from '../../engine/scenario/presets.js'
import { resolveScenario } from '../../engine/scenario/resolveScenario.js'
import { scenarioView } from '../../engine/scenario/scenarioView.js'
import { createPool } from '../../workers/createPool.js'
import { fakeChromium as fakeChromiumIn } from '../helpers/fakeChromium.js'
import { fact, keyedCells, pctText, provenanceRow } from '../helpers/reportHtml.js'
import { runAndWait, testServer } from './helpers.js'

const pool = createPool({ threads: 2 })
const dir = mkdtempSync(join(tmpdir(), 'budget-sim-report-api-'))
let app: FastifyInstance
let run: any
let html: string
let summary: { metadata: Record<string, unknown>; rows: any[] }
let scenario: any

/** A stand-in for Chromium (test/helpers/fakeChromium.ts) in this test's directory. */
const fakeChromium = (name: string, seconds: number) => fakeChromiumIn(dir, name, seconds)

const rowFor = (year: string, programme: string, level: string, measure: string) =>
  summary.rows.find((r) => String(r.year ?? 'all') === year && r.programme === programme && r.level === level && r.measure === measure)

beforeAll(async () => {
  app = await testServer(pool, { chromiumPath: join(dir, 'no-chromium-here') })
  run = await runAndWait(app, { preset: 'guangzhou-2015-2017-baseline', trials: 300 })
  const res = await app.inject({ url: `/runs/${run.id}/report.html` })
  expect(res.statusCode).toBe(200)
  html = res.body
  summary = (await app.inject({ url: `/runs/${run.id}/summary` })).json()
  scenario = (await app.inject({ url: `/runs/${run.id}/scenario` })).json()
})

afterAll(async () => {
  await app.close()
  await pool.destroy()
})

describe('GET /runs/:id/report.html', () => {
  it('is one HTML document that asks for nothing outside it: no script, no link, no remote resource', async () => {
    const res = await app.inject({ url: `/runs/${run.id}/report.html` })
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.headers['content-disposition']).toMatch(/^inline; filename="guangzhou-2015-2017-baseline-[0-9a-f]{8}-report\.html"$/)
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`)
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|url\(\s*["']?(https?:|\/\/)/i)
    expect(html.match(/href="([^"]*)"/g)?.every((h) => h.startsWith('href="#'))).toBe(true)
    expect(html).toContain("'WenQuanYi Micro Hei'")
  })

  it("has a title page with the scenario's name and title, the date, engine version, seed, trials, spec hash and seeds hash", () => {
    const m = summary.metadata
    expect(html).toContain('<h1>Guangzhou S&amp;T service programmes 2015-2017, baseline</h1>')
    expect(fact(html, 'scenario')).toBe('guangzhou-2015-2017-baseline')
    expect(fact(html, 'date')).toMatch(new RegExp(`^${new Date().toISOString().slice(0, 10)} \\d\\d:\\d\\d UTC$`))
    expect(fact(html, 'engine_version')).toBe(`budget-sim ${m.engine_version} (Node ${m.node_version})`)
    expect(fact(html, 'seed')).toBe('20150827')
    expect(fact(html, 'trials')).toBe('300')
    expect(fact(html, 'spec_hash')).toBe(m.spec_hash)
    expect(fact(html, 'seeds_hash')).toBe(m.seeds_hash)
    expect(fact(html, 'scenario_hash')).toBe(m.scenario_hash)
    expect(fact(html, 'run')).toContain(run.id)
    // the title page stands alone, then the contents list every section
    expect(html).toMatch(/class="report-section title-page"[\s\S]*<nav class="contents"[\s\S]*The answer: chance of overrunning the appropriation[\s\S]*The scenario[\s\S]*Charts[\s\S]*Tables[\s\S]*Where every figure comes from/)
  })

  it('shows the headline and the tables with the numbers of GET /runs/:id/summary', () => {
    const cells = keyedCells(html).filter((c) => c.key.split('|').length === 5)
    let checked = 0
    for (const cell of cells) {
      const [year, programme, level, measure, column] = cell.key.split('|')
      const row = rowFor(year, programme, level, measure)
      expect(row, cell.key).toBeDefined()
      const value = row[column === 'p_exceed_interval' ? 'p_exceed_lo' : column]
      if (value === null) {
        expect(cell.value, cell.key).toBe('')
        continue
      }
      expect(Number(cell.value), cell.key).toBe(value)
      if (column === 'p_exceed') expect(cell.text, cell.key).toBe(pctText(value))
      if (column === 'p_exceed_interval') expect(cell.text, cell.key).toBe(`${pctText(row.p_exceed_lo)}–${pctText(row.p_exceed_hi)}`)
      checked++
    }
    expect(checked).toBeGreaterThan(300)
    // the headline answers every level with an appropriation, every year and the period, with its interval
    const headline = html.slice(html.indexOf('data-section="headline"'), html.indexOf('data-section="scenario"'))
    for (const level of ['municipal', 'provincial'])
      for (const year of ['2015', '2016', '2017', 'all']) {
        const row = rowFor(year, 'all', level, 'demand')
        expect(row.appropriation, `${year} ${level}`).not.toBeNull()
        expect(headline).toContain(`data-key="${year}|all|${level}|demand|p_exceed" data-value="${row.p_exceed}">${pctText(row.p_exceed)}`)
        expect(headline).toContain(`data-key="${year}|all|${level}|demand|p_exceed_interval" data-value="${row.p_exceed_lo}">${pctText(row.p_exceed_lo)}–${pctText(row.p_exceed_hi)}`)
        expect(headline).toContain(`data-key="${year}|all|${level}|demand|expected_excess" data-value="${row.expected_excess}"`)
      }
    // the lead sentence is the page's headline: municipal 2015
    const lead = rowFor('2015', 'all', 'municipal', 'demand')
    expect(headline).toContain(`<p class="lead" data-p-exceed="${lead.p_exceed}">Municipal outlay in 2015: <strong>${pctText(lead.p_exceed)}</strong> chance`)
    // the tables: each year and level with its standard error, each programme
    const tables = html.slice(html.indexOf('data-section="tables"'))
    for (const year of ['2015', '2016', '2017', 'all'])
      for (const level of ['national', 'provincial', 'municipal', 'all']) {
        const row = rowFor(year, 'all', level, 'demand')
        expect(tables).toContain(`data-key="${year}|all|${level}|demand|mean_se" data-value="${row.mean_se}"`)
      }
    for (const p of scenario.programmes) expect(tables).toContain(`data-key="all|${p.id}|all|demand|mean" data-value="${rowFor('all', p.id, 'all', 'demand').mean}"`)
  })

  it("draws each chart from the run's numbers: the fan chart's medians and appropriations, each histogram's appropriation", async () => {
    const fan = /<figure class="chart" data-chart="fan" data-level="municipal">([\s\S]*?)<\/figure>/.exec(html)![1]
    for (const year of [2015, 2016, 2017]) {
      const row = rowFor(String(year), 'all', 'municipal', 'demand')
      expect(fan).toContain(`data-year="${year}" data-p50="${row.p50}"`)
      expect(fan).toContain(`data-year="${year}" data-value="${row.appropriation}"`)
    }
    const histograms = [...html.matchAll(/<figure class="chart" data-chart="histogram" data-level="([a-z]+)" data-year="(\w+)" data-appropriation="(\d+)">([\s\S]*?)<\/figure>/g)]
    expect(histograms.map((h) => `${h[1]} ${h[2]}`)).toEqual(['municipal 2015', 'municipal 2016', 'municipal 2017', 'municipal all', 'provincial 2015', 'provincial 2016', 'provincial 2017', 'provincial all'])
    for (const [, level, year, appropriation, body] of histograms) {
      expect(Number(appropriation)).toBe(rowFor(year, 'all', level, 'demand').appropriation)
      // the bars are the distribution's: shares of 300 trials that sum to 1
      const shares = [...body.matchAll(/data-share="([\d.e-]+)"/g)].map((m) => Number(m[1]))
      expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10)
      for (const s of shares) expect(Math.abs(s * 300 - Math.round(s * 300))).toBeLessThan(1e-9)
    }
    const dist = (await app.inject({ url: `/runs/${run.id}/distribution?year=2015&level=municipal&bins=30` })).json()
    const h2015 = histograms[0][4]
    const p50 = /data-label="P50" data-value="([\d.e+-]+)"/.exec(h2015)![1]
    expect(Number(p50)).toBe(dist.quantiles.p50)
  })

  it('gives every parameter of GET /runs/:id/scenario with its policy clause and quote, or its assumption with its rationale and facts', () => {
    let policy = 0
    let assumption = 0
    for (const p of scenario.programmes)
      for (const [name, prov] of Object.entries<any>(p.provenance)) {
        const row = provenanceRow(html, p.id, name)
        expect(row, `${p.id}.${name}`).not.toBeNull()
        expect(row!.origin, `${p.id}.${name}`).toBe(prov.origin)
        const text = row!.markup.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"')
        if (prov.origin === 'policy') {
          for (const c of prov.source) {
            expect(text, `${p.id}.${name}`).toContain(`${c.document.slice(0, 3)} ${c.clause}`)
            if (c.quote) expect(text, `${p.id}.${name}`).toContain(c.quote)
          }
          policy++
        }
        if (prov.origin === 'assumption') {
          expect(text, `${p.id}.${name}`).toContain(prov.assumption.replace(/\s+/g, ' ').trim().slice(0, 60))
          for (const f of prov.informed_by ?? []) expect(text, `${p.id}.${name}`).toContain(f.fact)
          assumption++
        }
        if (prov.origin === 'scenario') expect(text).toContain(`Set by the scenario <code>${prov.scenario}</code>`)
      }
    expect(policy).toBeGreaterThan(15)
    expect(assumption).toBeGreaterThan(10)
    // a quote in Chinese, as the seed has it; the appropriations' assumption from the scenario
    expect(provenanceRow(html, 'tech-transaction-subsidy', 'cap')!.markup).toContain('每个企业单一年度补助金额不超过 500 万元')
    expect(html).toContain(`data-assumption="appropriations"><span class="badge badge-assumption">Assumption</span> <code>appropriations</code>: ${scenario.assumptions.appropriations}`)
  })

  it('gives a dated value year by year, each year with its own provenance', async () => {
    const dated = await runAndWait(app, {
      preset: 'guangzhou-2015-2017-baseline',
      trials: 50,
      overrides: { name: 'cap-from-2017', title: 'Cap <b>3m</b> from 2017 & after', programmes: { 'tech-transaction-subsidy': { cap: { by_year: { '2017': 3000000 } }, note: 'the cap is lowered from 2017' } } },
    })
    const view = (await app.inject({ url: `/runs/${dated.id}/scenario` })).json()
    const cap = view.programmes.find((p: any) => p.id === 'tech-transaction-subsidy').dated.cap
    expect(cap.map((d: any) => [d.year, d.value, d.provenance.origin])).toEqual([
      [2015, 5000000, 'policy'],
      [2016, 5000000, 'policy'],
      [2017, 3000000, 'scenario'],
    ])
    const report = (await app.inject({ url: `/runs/${dated.id}/report.html` })).body
    const row = provenanceRow(report, 'tech-transaction-subsidy', 'cap')!
    expect(row.origin).toBe('dated')
    expect(row.markup).toMatch(/<li data-year="2015"><strong>2015<\/strong>: 500 万元<\/li><li data-year="2016"><strong>2016<\/strong>: 500 万元<\/li><li data-year="2017"><strong>2017<\/strong>: 300 万元<\/li>/)
    expect(row.markup).toMatch(/<li data-year="2015"><strong>2015<\/strong>: <ul class="citations"><li><span class="clause">000 §四\(一\)2<\/span>/)
    expect(row.markup).toContain('<li data-year="2017"><strong>2017</strong>: <p>Set by the scenario <code>cap-from-2017</code> from 2017: the cap is lowered from 2017</p>')
    // what a user typed is printed as text, never as markup
    expect(report).toContain('<h1>Cap &lt;b&gt;3m&lt;/b&gt; from 2017 &amp; after</h1>')
    expect(report).not.toContain('<b>3m</b>')
  })

  it('answers 409 for a run that has not finished and 404 for no run', async () => {
    const queued = await app.inject({ method: 'POST', url: '/runs', payload: { preset: 'guangzhou-2015-2017-baseline', trials: 100_000 } })
    const id = queued.json().id
    const res = await app.inject({ url: `/runs/${id}/report.html` })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('RUN_NOT_READY')
    await app.inject({ method: 'DELETE', url: `/runs/${id}` })
    const missing = await app.inject({ url: '/runs/00000000-0000-0000-0000-000000000000/report.pdf' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json().code).toBe('RUN_NOT_FOUND')
  })

  it('is documented in the OpenAPI document, and linked from a finished run', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json()
    expect(doc.paths['/runs/{id}/report.html'].get.summary).toMatch(/HTML/)
    expect(Object.keys(doc.paths['/runs/{id}/report.pdf'].get.responses)).toEqual(expect.arrayContaining(['404', '409', '503', '504']))
    expect(run.links).toMatchObject({ report_html: `/runs/${run.id}/report.html`, report_pdf: `/runs/${run.id}/report.pdf` })
  })
})

describe("the CLI's view of a scenario", () => {
  it('is the view the server answers, dated values and assumptions included', async () => {
    const documents = [...listPresets().map((name) => loadPresetData(name)), { name: 'dated', extends: 'guangzhou-2015-2017-baseline', programmes: { 'tech-transaction-subsidy': { cap: { by_year: { '2016': 3000000 } } } } }]
    for (const doc of documents) {
      const spec = createRunSpec(resolveScenario(doc))
      const res = await app.inject({ method: 'POST', url: '/scenarios/validate', payload: doc })
      expect(res.statusCode, spec.name).toBe(200)
      expect(JSON.parse(JSON.stringify(scenarioView(spec))), spec.name).toEqual(res.json().scenario)
    }
  })
})

describe('GET /runs/:id/report.pdf', () => {
  it('answers 503 with how to install Chromium when CHROMIUM_PATH names no file, while the HTML report still works', async () => {
    const res = await app.inject({ url: `/runs/${run.id}/report.pdf` })
    expect(res.statusCode).toBe(503)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    const problem = res.json()
    expect(problem).toMatchObject({ status: 503, code: 'CHROMIUM_MISSING', type: '/problems#CHROMIUM_MISSING' })
    expect(problem.detail).toContain(`not found at ${join(dir, 'no-chromium-here')} (CHROMIUM_PATH)`)
    expect(problem.detail).toContain('apt-get install -y chromium fonts-wqy-microhei')
    expect((await app.inject({ url: `/runs/${run.id}/report.html` })).statusCode).toBe(200)
    expect((await app.inject({ url: '/problems' })).json()).toContainEqual({ code: 'REPORT_BUSY', status: 503, title: 'Too many reports are being printed' })
  })

  it('prints at most REPORT_CONCURRENCY reports at once and answers 503 with Retry-After beyond', async () => {
    const other = await testServer(pool, { chromiumPath: fakeChromium('slow-chromium', 2), reportConcurrency: 1 })
    try {
      const done = await runAndWait(other, { preset: 'guangzhou-2015-2017-baseline', trials: 50 })
      const first = other.inject({ url: `/runs/${done.id}/report.pdf` })
      const pidFile = join(dir, 'slow-chromium.pid')
      for (let i = 0; i < 200 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 25))
      expect(existsSync(pidFile)).toBe(true)
      const second = await other.inject({ url: `/runs/${done.id}/report.pdf` })
      expect(second.statusCode).toBe(503)
      expect(second.json().code).toBe('REPORT_BUSY')
      expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      const printed = await first
      expect(printed.statusCode).toBe(200)
      expect(printed.headers['content-type']).toBe('application/pdf')
      expect(printed.rawPayload.subarray(0, 5).toString()).toBe('%PDF-')
      // once it is printed, the next one is
      expect((await other.inject({ url: `/runs/${done.id}/report.pdf` })).statusCode).toBe(200)
    } finally {
      await other.close()
    }
  })

  it('stops a Chromium that takes longer than REPORT_TIMEOUT_SECONDS (504) and leaves none of its processes behind', async () => {
    const other = await testServer(pool, { chromiumPath: fakeChromium('stuck-chromium', 60), reportTimeoutSeconds: 1 })
    try {
      const done = await runAndWait(other, { preset: 'guangzhou-2015-2017-baseline', trials: 50 })
      const started = Date.now()
      const res = await other.inject({ url: `/runs/${done.id}/report.pdf` })
      expect(res.statusCode).toBe(504)
      expect(res.json().code).toBe('REPORT_TIMEOUT')
      expect(Date.now() - started).toBeLessThan(10_000)
      const pid = Number(readFileSync(join(dir, 'stuck-chromium.pid'), 'utf8'))
      expect(() => process.kill(pid, 0)).toThrow()
      // the slot is free again
      const again = await other.inject({ url: `/runs/${done.id}/report.pdf` })
      expect(again.statusCode).toBe(504)
    } finally {
      await other.close()
    }
  })
})

describe('GET /runs/:id/report.html?against=<baseline>', () => {
  it('adds the budget impact against the baseline after the answer, every cell as GET /runs/:id/compare gives it', async () => {
    const reform = await runAndWait(app, { preset: 'reform-cap-3m', trials: 300 })
    const res = await app.inject({ url: `/runs/${reform.id}/report.html?against=${run.id}` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-disposition']).toBe(`inline; filename="reform-cap-3m-${reform.id.slice(0, 8)}-vs-guangzhou-2015-2017-baseline-${run.id.slice(0, 8)}-report.html"`)
    const report = res.body
    const compare = (await app.inject({ url: `/runs/${reform.id}/compare?against=${run.id}` })).json()
    const cells = new Map(keyedCells(report).map((c) => [c.key, c]))
    expect(compare.rows).toHaveLength(16)
    for (const row of compare.rows)
      for (const column of ['mean_before', 'mean_after', 'difference', 'difference_se', 'p95_before', 'p95_after', 'p_exceed_before', 'p_exceed_after', 'appropriation_after']) {
        const cell = cells.get(`impact|${row.year}|${row.level}|${column}`)
        expect(cell, `${row.year} ${row.level} ${column}`).toBeDefined()
        expect(cell!.value, `${row.year} ${row.level} ${column}`).toBe(row[column] === null ? '' : String(row[column]))
      }
    expect(cells.get('impact|2017|municipal|p_exceed_after')!.text).toBe(pctText(compare.rows.find((r: any) => r.year === 2017 && r.level === 'municipal').p_exceed_after))
    // after the answer, listed in the contents; the title page names the baseline
    const sections = [...report.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1])
    expect(sections).toEqual(['title', 'headline', 'budget-impact', 'scenario', 'charts', 'tables', 'provenance'])
    expect(report).toContain('<li><a href="#budget-impact">Budget impact against guangzhou-2015-2017-baseline</a></li>')
    expect(fact(report, 'baseline')).toBe(`guangzhou-2015-2017-baseline (Guangzhou S&T service programmes 2015-2017, baseline), run ${run.id}, on the same draws`)
    // the reform's own report is unchanged by it
    expect((await app.inject({ url: `/runs/${reform.id}/report.html` })).body).not.toContain('budget-impact')
  })

  it('refuses a baseline on other draws (400) or no run (404), naming query.against', async () => {
    const other = await runAndWait(app, { preset: 'guangzhou-2015-2017-baseline', trials: 200 })
    const refused = await app.inject({ url: `/runs/${run.id}/report.html?against=${other.id}` })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().errors[0]).toMatchObject({ path: 'query.against' })
    const missing = await app.inject({ url: `/runs/${run.id}/report.pdf?against=00000000-0000-0000-0000-000000000000` })
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toMatchObject({ code: 'RUN_NOT_FOUND', errors: [{ path: 'query.against' }] })
    expect((await app.inject({ url: `/runs/${run.id}/report.html?against=nope` })).statusCode).toBe(400)
  })
})
