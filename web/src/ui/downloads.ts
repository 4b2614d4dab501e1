// Why: analysts take the results further in a notebook. This offers the run's tables as Arrow and
// CSV downloads and a polars snippet, with the run's real address and id, to copy; and a bureau
// files the run's report (PDF or HTML, see the README's "Reports"), with its budget impact against
// the baseline when the run is compared with one (?against=).
import type { Run } from '../api/types'
import { h } from './dom'

export function polarsSnippet(origin: string, runId: string): string {
  return `import io
import urllib.request

import polars as pl

BASE = "${origin}"
RUN = "${runId}"


def get(path):
    with urllib.request.urlopen(BASE + path) as response:
        return response.read()


trials = pl.read_ipc(io.BytesIO(get(f"/runs/{RUN}/trials.arrow")))
summary = pl.read_ipc(io.BytesIO(get(f"/runs/{RUN}/summary.arrow")))

# outlay by year and funding level, with the chance of overrunning the appropriation
print(summary.filter((pl.col("programme") == "all") & (pl.col("measure") == "demand"))
             .select("year", "level", "mean", "mean_se", "p95", "appropriation", "p_exceed"))

# the 95th percentile of each year's municipal outlay, from the trials
print(trials.filter(pl.col("level") == "municipal")
            .group_by("trial", "year").agg(pl.col("demand").sum())
            .group_by("year").agg(pl.col("demand").quantile(0.95)).sort("year"))
`
}

async function copyText(text: string, fallbackFrom: HTMLTextAreaElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    // clipboard API unavailable (insecure origin, permissions): select the text for Ctrl+C
    fallbackFrom.hidden = false
    fallbackFrom.focus()
    fallbackFrom.select()
    return document.execCommand?.('copy') ?? false
  }
}

export function downloadsSection(run: Run, baseline: Run | null = null): HTMLElement {
  const base = `/runs/${run.id}`
  const against = baseline ? `?against=${encodeURIComponent(baseline.id)}` : ''
  const links = [
    { href: `${base}/trials.arrow?download=true`, label: 'Trials, Arrow IPC file', format: 'arrow' },
    { href: `${base}/trials.csv?download=true`, label: 'Trials, CSV', format: 'csv' },
    { href: `${base}/summary.arrow?download=true`, label: 'Summary, Arrow IPC file', format: 'arrow' },
    { href: `${base}/summary.csv?download=true`, label: 'Summary, CSV', format: 'csv' },
  ]
  const snippet = polarsSnippet(window.location.origin, run.id)
  const status = h('span', { class: 'copy-status', role: 'status', 'aria-live': 'polite' })
  const fallback = h('textarea', { class: 'copy-fallback', 'aria-label': 'Snippet text to copy', readonly: true, hidden: true, rows: 6 }) as HTMLTextAreaElement
  fallback.value = snippet
  const button = h('button', {
    type: 'button',
    id: 'copy-snippet',
    onclick: async () => {
      const ok = await copyText(snippet, fallback)
      status.textContent = ok ? 'Copied to the clipboard.' : 'Select the text below and press Ctrl+C.'
    },
  }, 'Copy the polars snippet')
  return h(
    'section',
    { class: 'card downloads', id: 'downloads', 'aria-labelledby': 'downloads-h' },
    h('h2', { id: 'downloads-h' }, 'Download the results'),
    h(
      'p',
      { class: 'muted' },
      'The trials table has one row per trial, year, programme and funding level; the summary table one row per year, programme, level and measure (see the README, "Results").',
    ),
    h('ul', { class: 'download-list' }, links.map((l) => h('li', {}, h('a', { href: l.href, download: '', 'data-format': l.format }, l.label)))),
    h('h3', {}, 'The report to file'),
    h(
      'p',
      { class: 'muted' },
      `Every answer of the run, ${baseline ? 'its budget impact against the baseline, ' : ''}its charts and tables and where each figure comes from, as one document (A4). Printing this page (Ctrl+P) gives the results as shown above.`,
    ),
    h(
      'ul',
      { class: 'download-list' },
      h('li', {}, h('a', { href: `${base}/report.pdf${against}`, 'data-report': 'pdf', target: '_blank', rel: 'noopener' }, baseline ? 'Report with the budget impact, PDF' : 'Report, PDF')),
      h('li', {}, h('a', { href: `${base}/report.html${against}`, 'data-report': 'html', target: '_blank', rel: 'noopener' }, baseline ? 'Report with the budget impact, HTML' : 'Report, HTML')),
    ),
    h('h3', {}, 'Load them in polars'),
    h('pre', { class: 'snippet', tabindex: '0', 'aria-label': 'polars snippet' }, h('code', { id: 'polars-snippet' }, snippet)),
    h('div', { class: 'buttons' }, button, status),
    fallback,
  )
}
