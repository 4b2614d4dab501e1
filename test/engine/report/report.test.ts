// The report's building blocks: the same words and numbers as the page, escaping that keeps user
// text as text, charts drawn from the numbers given, and sections another kind of result can add.
import { describe, expect, it } from 'vitest'
import { chartFigure, cssString, dataTable, numberCell, renderReportHtml, type ReportSection } from '../../../engine/report/document.js'
import * as report from '../../../engine/report/format.js'
import { html } from '../../../engine/report/html.js'
import { pdfPageCount } from '../../../engine/report/printPdf.js'
import { chartSelections } from '../../../engine/report/runReport.js'
import { exceedanceSvg, fanSvg, histogramSvg, niceTicks } from '../../../engine/report/svgCharts.js'
import * as cny from '../../../web/src/format/cny'
import * as odds from '../../../web/src/format/odds'
import * as parameters from '../../../web/src/format/parameters'

describe('the report writes numbers and parameters as the page does', () => {
  const amounts = [0, 1, 999, 12_345, 500_000, 5_000_000, 99_999_999, 100_000_000, 170_000_000, 1.2345e9, -2_229_0000, 1e15, Number.NaN]
  it('amounts in 万元 and 亿元, and in 万元 in tables', () => {
    for (const v of amounts) {
      expect(report.formatCny(v), String(v)).toBe(cny.formatCny(v))
      expect(report.formatCny(v, { exact: true }), String(v)).toBe(cny.formatCny(v, { exact: true }))
      expect(report.formatWan(v), String(v)).toBe(cny.formatWan(v))
    }
    expect(report.formatCny(null)).toBe('–')
  })

  it('chances in per cent and in words', () => {
    for (const p of [0, 0.0004, 0.004, 0.0493, 0.146, 0.5, 0.7, 0.996, 1, null]) {
      expect(report.formatPercent(p), String(p)).toBe(odds.formatPercent(p))
      for (const years of [1, 3]) expect(report.oddsInWords(p, { years, trials: 400 }), `${p} over ${years}`).toBe(odds.oddsInWords(p, { years, trials: 400 }))
    }
    for (const c of [0, 0.35, 2.5, 1700.5]) expect(report.formatCount(c)).toBe(odds.formatCount(c))
  })

  it('parameters in words', () => {
    const values: [string, unknown][] = [
      ['years', [2015, 2016, 2017]],
      ['rate', 0.05],
      ['approval_rate', 0.85],
      ['cap', 5_000_000],
      ['cap', null],
      ['amount', 1_000_000],
      ['quota', { total: 50, recurring: true }],
      ['quota', { per_year: 10 }],
      ['applicants', { poisson: { mean: 600 }, growth: 0.1078 }],
      ['contracts_per_applicant', { one_plus_poisson: { mean: 0.5 } }],
      ['contract_value', { lognormal: { median: 1_500_000, sigma: 1.3 } }],
      ['basis', { lognormal: { mean: 20_000_000, cv: 0.4 } }],
      ['funding', { municipal: 1 }],
      ['tier_shares', { national: 0.3, provincial: 0.7 }],
      ['tier_amounts', { national: 2_000_000, provincial: 1_000_000 }],
      ['matching', { provincial: { of: 'national', ratio: 2 } }],
      ['matching', { provincial: { of: 'national', ratio: { uniform: { min: 1, max: 3 } } } }],
      ['selection', 'score'],
    ]
    for (const [name, value] of values) {
      expect(report.describeValue(name, value), name).toBe(parameters.describeValue(name, value))
      expect(report.parameterName(name)).toBe(parameters.parameterName(name))
    }
  })
})

describe('report markup', () => {
  it('escapes every interpolated value, so a scenario title with markup prints as text', () => {
    const title = `<script>alert("x")</script> & 'quotes'`
    expect(html`<h1>${title}</h1>`.text).toBe('<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</h1>')
    expect(html`<p>${[html`<b>${'a<b'}</b>`, null, false, 3]}</p>`.text).toBe('<p><b>a&lt;b</b>3</p>')
    expect(numberCell('k"x', 1.5, '<1.5>').text).toBe('<td class="num" data-key="k&quot;x" data-value="1.5">&lt;1.5&gt;</td>')
    // the footer (a scenario's name) cannot close the style element or the CSS string
    expect(cssString('a"b\\c</style><script>')).toBe('"a\\"b\\\\c\\3C /style\\3E \\3C script\\3E "')
  })

  it('renders sections an analysis adds after the title page, listed in the contents, with their tables and charts', () => {
    const tornado: ReportSection = {
      id: 'tornado',
      title: 'Tornado: which assumption moves the answer most',
      newPage: true,
      body: html`${dataTable({ name: 'tornado', caption: 'Swing of P(over)', head: ['Assumption', 'Low', 'High'], numeric: [1, 2], rows: [html`<tr><th scope="row">applicants</th>${numberCell('applicants|low', 0.1, '10.0%')}${numberCell('applicants|high', 0.3, '30.0%')}</tr>`] })}${chartFigure({ name: 'tornado', title: 'Swing', svg: html`<svg viewBox="0 0 10 10"></svg>` })}`,
    }
    const text = renderReportHtml({ title: 'An analysis', footer: 'analysis · spec abc', titlePage: { id: 'title', title: '', body: html`<h1>An analysis</h1>` }, sections: [tornado] })
    expect(text).toContain('<li><a href="#tornado">Tornado: which assumption moves the answer most</a></li>')
    expect(text).toContain('<section id="tornado" class="report-section new-page" data-section="tornado"><h2>Tornado: which assumption moves the answer most</h2><table class="data" data-table="tornado"><caption>Swing of P(over)</caption><thead><tr><th scope="col">Assumption</th><th scope="col" class="num">Low</th>')
    expect(text).toContain('<figure class="chart" data-chart="tornado"><div class="chart-title">Swing</div><svg viewBox="0 0 10 10"></svg></figure>')
    expect(text).toContain('@bottom-left { content: "analysis · spec abc";')
  })

  it('counts the pages of a PDF from its page objects', () => {
    expect(pdfPageCount(Buffer.from('%PDF-1.4\n<< /Type /Pages /Count 2 >>\n<< /Type /Page >>\n<</Type/Page/Parent 1 0 R>>\n'))).toBe(2)
  })
})

describe('report charts', () => {
  const dist = {
    n: 10,
    min: 100e6,
    max: 200e6,
    quantiles: { p05: 105e6, p50: 150e6, p95: 195e6 },
    histogram: { edges: [100e6, 125e6, 150e6, 175e6, 200e6], counts: [1, 4, 3, 2] },
    exceedance: [
      { x: 100e6, p: 0.9 },
      { x: 150e6, p: 0.4 },
      { x: 200e6, p: 0 },
    ],
    appropriation: 170e6,
  }

  it('draws the histogram as the share of trials per bin, hatching the bins beyond the appropriation', () => {
    const svg = histogramSvg(dist, { id: 'h', label: 'Distribution <of> outlay' }).text
    expect([...svg.matchAll(/data-share="([\d.]+)"/g)].map((m) => Number(m[1]))).toEqual([0.1, 0.4, 0.3, 0.2])
    expect([...svg.matchAll(/<rect data-x1="(\d+)"[^>]*fill="([^"]+)"/g)].map((m) => [Number(m[1]), m[2]])).toEqual([
      [100e6, '#c8c8c8'],
      [125e6, '#c8c8c8'],
      [150e6, '#c8c8c8'],
      [175e6, 'url(#hatch-h)'],
    ])
    expect(svg).toContain('<g class="appropriation" data-value="170000000">')
    expect(svg).toContain('>Appropriation 1.70 亿元</text>')
    expect(svg).toContain('aria-label="Distribution &lt;of&gt; outlay"')
    expect([...svg.matchAll(/data-label="(P\d+)" data-value="(\d+)"/g)].map((m) => [m[1], Number(m[2])])).toEqual([
      ['P5', 105e6],
      ['P50', 150e6],
      ['P95', 195e6],
    ])
  })

  it('marks the chance of exceeding the appropriation on the exceedance curve, and the appropriations on the fan chart', () => {
    const svg = exceedanceSvg(dist, { id: 'e', label: 'Exceedance', pExceed: 0.2 }).text
    expect(svg).toContain('<g class="p-exceed" data-value="0.2">')
    expect(svg).toContain('>20.0% exceed 1.70 亿元</text>')
    const fan = fanSvg(
      [
        { year: 2016, p05: 1e8, p25: 1.2e8, p50: 1.3e8, p75: 1.4e8, p95: 1.6e8, appropriation: 1.5e8 },
        { year: 2015, p05: 0.9e8, p25: 1.1e8, p50: 1.2e8, p75: 1.3e8, p95: 1.5e8, appropriation: null },
      ],
      { id: 'f', label: 'Fan' },
    ).text
    expect([...fan.matchAll(/data-year="(\d+)" data-p50="([\d.e+]+)"/g)].map((m) => [Number(m[1]), Number(m[2])])).toEqual([
      [2015, 1.2e8],
      [2016, 1.3e8],
    ])
    expect([...fan.matchAll(/<path data-year="(\d+)" data-value="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])])).toEqual([[2016, 1.5e8]])
  })

  it('puts round ticks on the axes', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    expect(niceTicks(1.31, 2.19, 4)).toEqual([1.4, 1.6, 1.8, 2])
    expect(niceTicks(0, 0.083, 4)).toEqual([0, 0.02, 0.04, 0.06, 0.08])
  })

  it('chooses the distributions to draw: each year and the whole period of each level with an appropriation, the city first', () => {
    const row = (year: number | null, level: string, appropriation: number | null) => ({ year, programme: 'all', level, measure: 'demand', appropriation }) as any
    const rows = [2015, 2016, null].flatMap((y) => [row(y, 'national', null), row(y, 'provincial', y === 2016 || y === null ? null : 1), row(y, 'municipal', 2), row(y, 'all', null)])
    expect(chartSelections(rows)).toEqual([
      { level: 'municipal', year: 2015 },
      { level: 'municipal', year: 2016 },
      { level: 'municipal', year: 'all' },
      { level: 'provincial', year: 2015 },
      { level: 'provincial', year: 2016 },
    ])
    expect(chartSelections(rows.map((r) => ({ ...r, appropriation: null })))).toEqual([
      { level: 'all', year: 2015 },
      { level: 'all', year: 2016 },
      { level: 'all', year: 'all' },
    ])
  })
})
