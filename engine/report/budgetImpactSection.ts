// Why: a budget office files a reform's budget impact beside the reform's own report: by year (and
// the whole period) and funding level (and all levels), the mean cost before (the baseline) and
// after (the reform), the difference with its paired Monte Carlo standard error, the 95th
// percentile before and after, and the chance of overrunning the appropriation before and after.
// The rows are GET /runs/:id/compare's (engine/analysis/budgetImpact.ts), the same numbers the
// CLI's `compare` and the page's table show; each cell carries its raw value.
import type { ImpactRow } from '../analysis/budgetImpact.js'
import { dataTable, numberCell, type ReportSection } from './document.js'
import { capitalise, formatCny, formatPercent, formatWan } from './format.js'
import { attrs, html, type Html } from './html.js'

/** The two runs compared: the baseline (before) and the reform (after), on the same draws. */
export interface ComparedRuns {
  /** the baseline run: its id on a server (null for a run made here), scenario name and title */
  baseline: { id: string | null; name: string; title: string | null }
  reform: { name: string; title: string | null }
  trials: number
  seed: string
}

const levelName = (l: string) => (l === 'all' ? 'All levels' : capitalise(l))
const key = (r: Pick<ImpactRow, 'year' | 'level'>, column: string) => `impact|${r.year}|${r.level}|${column}`

/** "2015–2017" for the whole period, else the year. */
function yearText(year: number | 'all', years: number[]): string {
  if (year !== 'all') return String(year)
  return years.length > 1 ? `${years[0]}–${years[years.length - 1]}` : String(years[0] ?? 'all')
}

/** One sentence on the whole period at all levels, and one on each level whose overrun chance changes. */
function lead(rows: ImpactRow[], runs: ComparedRuns, years: number[]): Html {
  const total = rows.find((r) => r.year === 'all' && r.level === 'all')
  if (!total) return html``
  const cheaper = total.difference < 0
  const period = years.length > 1 ? `over ${yearText('all', years)}` : `in ${years[0]}`
  const withBudget = rows.filter((r) => r.year === 'all' && r.level !== 'all' && r.p_exceed_before !== null && r.p_exceed_after !== null)
  return html`<p class="lead" data-difference="${String(total.difference)}">On the same random draws, ${runs.reform.title ?? runs.reform.name} ${cheaper ? 'costs' : 'needs'} <strong>${formatCny(Math.abs(total.difference))} ${cheaper ? 'less' : 'more'}</strong> than ${runs.baseline.title ?? runs.baseline.name} ${period}, at all funding levels together (± ${formatCny(total.difference_se)}, the paired standard error).${withBudget.map((r) =>
    r.p_exceed_before === r.p_exceed_after
      ? html` ${levelName(r.level)}: the chance of overrunning the appropriation ${period} is unchanged at ${formatPercent(r.p_exceed_after)}.`
      : html` ${levelName(r.level)}: the chance of overrunning the appropriation ${period} goes from <strong>${formatPercent(r.p_exceed_before)}</strong> to <strong>${formatPercent(r.p_exceed_after)}</strong>.`,
  )}</p>`
}

/** The appropriation of a row: one amount, or "before → after" when the reform changes it. */
function appropriationCell(r: ImpactRow): Html {
  if (r.appropriation_before === r.appropriation_after) return numberCell(key(r, 'appropriation_after'), r.appropriation_after, formatWan(r.appropriation_after))
  return numberCell(key(r, 'appropriation_after'), r.appropriation_after, `${formatWan(r.appropriation_before)} → ${formatWan(r.appropriation_after)}`)
}

/** The budget-impact section: a sentence, then the table by year and level. */
export function budgetImpactSection(rows: ImpactRow[], runs: ComparedRuns): ReportSection {
  const years = [...new Set(rows.map((r) => r.year).filter((y): y is number => y !== 'all'))].sort((a, b) => a - b)
  const body = rows.map(
    (r) =>
      html`<tr${attrs({ class: r.level === 'all' || r.year === 'all' ? 'total' : null, 'data-year': String(r.year), 'data-level': r.level })}><th scope="row">${yearText(r.year, years)}</th><td>${levelName(r.level)}</td>${numberCell(key(r, 'mean_before'), r.mean_before, formatWan(r.mean_before))}${numberCell(key(r, 'mean_after'), r.mean_after, formatWan(r.mean_after))}${numberCell(key(r, 'difference'), r.difference, signedWan(r.difference), { key: key(r, 'difference_se'), value: r.difference_se, text: `± ${formatWan(r.difference_se)}` })}${numberCell(key(r, 'p95_before'), r.p95_before, formatWan(r.p95_before))}${numberCell(key(r, 'p95_after'), r.p95_after, formatWan(r.p95_after))}${appropriationCell(r)}${numberCell(key(r, 'p_exceed_before'), r.p_exceed_before, formatPercent(r.p_exceed_before))}${numberCell(key(r, 'p_exceed_after'), r.p_exceed_after, formatPercent(r.p_exceed_after))}</tr>`,
  )
  const baseline = runs.baseline
  return {
    id: 'budget-impact',
    title: `Budget impact against ${baseline.name}`,
    newPage: true,
    body: html`${lead(rows, runs, years)}
${dataTable({
  name: 'budget-impact',
  caption: `Outlay demanded before (${baseline.name}) and after (${runs.reform.name}), by year and funding level (万元; ${runs.trials.toLocaleString('en-US')} trials, seed ${runs.seed}, the same draws; ± is the paired standard error of the difference)`,
  head: ['Year', 'Level', 'Mean before', 'Mean after', 'Difference ± s.e.', 'P95 before', 'P95 after', 'Appropriation', 'P(over) before', 'P(over) after'],
  numeric: [2, 3, 4, 5, 6, 7, 8, 9],
  rows: body,
})}
<p class="small">Both runs draw the same random numbers (the same seed and trials), so the difference is the reform's effect alone, trial by trial: its standard error is the standard deviation of the per-trial differences over the square root of the trials, usually far below either mean's own. P(over) is the chance that outlay exceeds the appropriation (each run against its own); – where the level sets none.${baseline.id ? html` The baseline is run <code>${baseline.id}</code>.` : ''}</p>`,
  }
}

/** "+1,234.5" / "−12.0" in 万元 (a difference). */
function signedWan(v: number): string {
  const text = formatWan(v)
  return v > 0 && Number(text.replace(/,/g, '')) !== 0 ? `+${text}` : text
}
