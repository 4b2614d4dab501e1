// Why: a report a bureau can file is one self-contained HTML document (inline CSS and SVG, no
// script, no request for anything outside it) that Chromium prints to A4 as it is. A report is a
// list of sections, each a heading and a body of markup; this module renders any such list with
// the print rules every section shares (a title page, a contents list, page numbers and the
// report's identity in the footer, charts never cut across pages, table headers repeated on each
// page, black and white), and offers the building blocks sections are made of (tables whose cells
// carry their raw values, chart figures, notes).
//
// Adding a section (another kind of result, such as a tornado or budget-impact analysis): build a
// `ReportSection` — `{ id, title, body }`, with `body` made by `html\`...\`` (which escapes what it
// interpolates) from `dataTable`, `numberCell`, `chartFigure` and SVG from ./svgCharts.ts — and put
// it in a `ReportDocument`'s `sections`, usually after `titleSection(...)` and before the sections a
// run report shares (`provenanceSection(...)` in ./runReport.ts says where every figure comes from).
// `renderReportHtml(doc)` makes the HTML; `printPdf(html)` (./printPdf.ts) makes the PDF. Nothing in
// this module knows what a run is.
import { attrs, escapeHtml, html, raw, type Html, type HtmlValue } from './html.js'

export interface ReportSection {
  /** unique in the document: the anchor (#id) and data-section */
  id: string
  /** the heading, also listed in the contents ('' for none) */
  title: string
  /** markup of the section (headings below the title are h3) */
  body: Html
  /** start on a new page */
  newPage?: boolean
  /** list in the contents (default: when it has a title) */
  inContents?: boolean
}

export interface ReportDocument {
  /** the document's <title> */
  title: string
  /** printed at the foot of every page after the title page, beside the page number */
  footer: string
  /** the title page: the first section, alone on its page, followed by the contents */
  titlePage: ReportSection
  sections: ReportSection[]
}

/** A CSS string literal of `text` (for `content:` in the page margins); safe inside <style>. */
export function cssString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\r\n]+/g, ' ').replace(/</g, '\\3C ').replace(/>/g, '\\3E ')}"`
}

/** Fonts with Chinese glyphs first: Debian's fonts-wqy-microhei, then other common CJK fonts. */
export const REPORT_FONTS = `'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'DejaVu Sans', sans-serif`

const STYLES = `
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
@page :first { @bottom-left { content: none; } @bottom-right { content: none; } }
* { box-sizing: border-box; }
html { font-size: 9.5pt; }
body { margin: 0; font-family: ${REPORT_FONTS}; color: #000; background: #fff; line-height: 1.4; }
@media screen { body { max-width: 190mm; margin: 0 auto; padding: 10mm 6mm; } section.report-section.new-page { border-top: 1px solid #999; margin-top: 10mm; padding-top: 6mm; } }
h1 { font-size: 20pt; margin: 0 0 4mm; line-height: 1.2; }
h2 { font-size: 14pt; margin: 0 0 3mm; border-bottom: 1.5pt solid #000; padding-bottom: 1mm; break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; }
h4 { font-size: 10pt; margin: 3mm 0 1.5mm; break-after: avoid; }
p { margin: 0 0 2.5mm; orphans: 3; widows: 3; }
code, .mono { font-family: 'DejaVu Sans Mono', ui-monospace, monospace; font-size: 0.92em; overflow-wrap: anywhere; }
.muted { color: #444; }
.small { font-size: 8.5pt; }
section.report-section { margin-bottom: 6mm; }
section.new-page { break-before: page; }
/* the title page stands alone */
.title-page { break-after: page; }
.title-page .kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 9pt; margin: 20mm 0 2mm; }
.title-page .scenario-name { font-size: 11pt; margin-bottom: 6mm; }
.title-page .description { font-size: 10pt; max-width: 160mm; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 1.2mm 6mm; margin: 6mm 0; font-size: 9.5pt; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
nav.contents { margin-top: 8mm; }
nav.contents ol { margin: 1mm 0 0 5mm; padding: 0; }
nav.contents a { color: #000; text-decoration: none; }
/* tables: headers repeat on every page, no row is split */
table.data { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 1mm 0 4mm; }
table.data caption { caption-side: top; text-align: left; font-weight: bold; font-size: 9pt; padding-bottom: 1.5mm; }
table.data thead { display: table-header-group; }
table.data tr { break-inside: avoid; }
table.data th, table.data td { border: 0.6pt solid #777; padding: 0.8mm 1.4mm; vertical-align: top; text-align: left; }
table.data thead th { background: #e6e6e6; vertical-align: bottom; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data tr.total td, table.data tr.total th { font-weight: bold; }
table.data .se { display: block; color: #333; font-size: 7pt; }
table.data th[scope='row'] { font-weight: normal; }
table.provenance td, table.provenance th { font-size: 8pt; }
table.provenance td.value { width: 28%; }
table.provenance td.origin { width: 10%; white-space: nowrap; }
/* charts are never cut across pages */
figure.chart { margin: 0 0 4mm; break-inside: avoid; }
figure.chart svg { width: 100%; height: auto; display: block; }
figure.chart figcaption { font-size: 8.5pt; margin-top: 1mm; }
.chart-title { font-weight: bold; font-size: 9.5pt; margin-bottom: 1mm; }
.chart-row { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; break-inside: avoid; margin-bottom: 5mm; }
.chart-row figure.chart { margin: 0; }
.chart-group { break-inside: avoid; margin-bottom: 4mm; }
svg text { font-family: ${REPORT_FONTS}; }
.lead { font-size: 11pt; border: 1pt solid #000; padding: 3mm 4mm; margin: 0 0 4mm; break-inside: avoid; }
.lead strong { font-size: 12pt; }
.badge { display: inline-block; border: 0.8pt solid #000; border-radius: 1mm; padding: 0 1.2mm; font-size: 7.5pt; text-transform: uppercase; letter-spacing: 0.04em; }
.badge-policy { background: #000; color: #fff; }
.badge-assumption { border-style: dashed; }
.badge-scenario { border-style: dotted; }
q.quote { font-style: normal; quotes: '「' '」'; }
ul.citations { margin: 0; padding-left: 4mm; }
ul.citations li { margin: 0 0 1mm; }
.clause { font-weight: bold; }
.dated { margin: 0; padding: 0; list-style: none; }
.dated li { margin: 0 0 0.8mm; }
.programme-block { break-inside: auto; }
.note { font-size: 8.5pt; border-left: 1.5pt solid #000; padding-left: 2mm; margin: 1mm 0 3mm; }
`

function pageRules(footer: string): string {
  return `@page { @bottom-left { content: ${cssString(footer)}; font-family: ${REPORT_FONTS}; font-size: 7.5pt; color: #333; } @bottom-right { content: "Page " counter(page) " of " counter(pages); font-family: ${REPORT_FONTS}; font-size: 7.5pt; } }`
}

/** Where the report may fetch anything from: nowhere (inline styles, inline SVG and data: images only). */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'"

function sectionHtml(s: ReportSection, extraClass = ''): Html {
  return html`<section${attrs({ id: s.id, class: `report-section${s.newPage ? ' new-page' : ''}${extraClass ? ` ${extraClass}` : ''}`, 'data-section': s.id })}>${s.title ? html`<h2>${s.title}</h2>` : ''}${s.body}</section>`
}

/** The whole document as HTML text: self-contained, printable as it is. */
export function renderReportHtml(doc: ReportDocument): string {
  const listed = doc.sections.filter((s) => (s.inContents ?? s.title !== '') && s.title !== '')
  const contents = listed.length > 0 ? html`<nav class="contents" aria-label="Contents"><h3>Contents</h3><ol>${listed.map((s) => html`<li><a href="#${s.id}">${s.title}</a></li>`)}</ol></nav>` : ''
  const titlePage = html`<section${attrs({ id: doc.titlePage.id, class: 'report-section title-page', 'data-section': doc.titlePage.id })}>${doc.titlePage.body}${contents}</section>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="budget-sim">
<title>${escapeHtml(doc.title)}</title>
<style>${STYLES}${pageRules(doc.footer)}</style>
</head>
<body>
${titlePage}
${doc.sections.map((s) => sectionHtml(s).text).join('\n')}
</body>
</html>
`
}

// ---- building blocks

/** A number cell with its raw value (data-value, '' for none) and key, and optionally its error under it. */
export function numberCell(key: string, value: number | null | undefined, text: string, error?: { key: string; value: number | null | undefined; text: string } | null): Html {
  const err = error && error.value !== null && error.value !== undefined ? html`<span${attrs({ class: 'se', 'data-key': error.key, 'data-value': String(error.value) })}>${error.text}</span>` : ''
  return html`<td${attrs({ class: 'num', 'data-key': key, 'data-value': value === null || value === undefined ? '' : String(value) })}>${text}${err}</td>`
}

export interface TableSpec {
  /** data-table: a stable name */
  name: string
  caption: HtmlValue
  /** header cells (text or markup); numeric columns are right-aligned by `numeric` */
  head: HtmlValue[]
  /** indexes of numeric columns (headers right-aligned) */
  numeric?: number[]
  rows: Html[]
  className?: string
}

/** A table whose header row repeats on every page it spans. */
export function dataTable(t: TableSpec): Html {
  const numeric = new Set(t.numeric ?? [])
  return html`<table${attrs({ class: `data${t.className ? ` ${t.className}` : ''}`, 'data-table': t.name })}><caption>${t.caption}</caption><thead><tr>${t.head.map((h, i) => html`<th scope="col"${numeric.has(i) ? raw(' class="num"') : ''}>${h}</th>`)}</tr></thead><tbody>${t.rows}</tbody></table>`
}

export interface FigureSpec {
  name: string
  title: HtmlValue
  svg: Html
  caption?: HtmlValue
  /** data-* attributes of the figure (what it shows) */
  data?: Record<string, string | number | null | undefined>
}

/** A chart with its title and caption, kept on one page. */
export function chartFigure(f: FigureSpec): Html {
  const data: Record<string, string | number | null | undefined> = { class: 'chart', 'data-chart': f.name }
  for (const [k, v] of Object.entries(f.data ?? {})) data[`data-${k}`] = v
  return html`<figure${attrs(data)}><div class="chart-title">${f.title}</div>${f.svg}${f.caption ? html`<figcaption>${f.caption}</figcaption>` : ''}</figure>`
}
