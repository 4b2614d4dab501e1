// Why: the charts are for seeing, the table is for quoting. It shows the summary rows of the run
// (by year and funding level, then by programme) with the Monte Carlo standard error of each mean
// and tail figure, so a planner can tell a real difference from simulation noise. Every number cell
// carries its raw value in data-value, straight from GET /runs/:id/summary.
import type { Measure, SummaryRow } from '../api/types'
import { formatWan } from '../format/cny'
import { formatCount, formatPercent } from '../format/odds'
import type { SummaryIndex } from '../results/summaryIndex'
import { capitalise } from '../results/summaryIndex'
import { h } from './dom'

export const AMOUNT_MEASURES: { value: Measure; label: string }[] = [
  { value: 'demand', label: 'Outlay demanded by the rules' },
  { value: 'paid', label: 'Outlay paid (after appropriations)' },
  { value: 'shortfall', label: 'Shortfall (demanded but not paid)' },
  { value: 'cap_saved', label: 'Money the caps save' },
]

const td = (value: number | null | undefined, text: string | Node, key: string) =>
  h('td', { class: 'num', 'data-key': key, 'data-value': value === null || value === undefined ? '' : String(value) }, text)

function amountCells(r: SummaryRow, prefix: string) {
  const k = (col: string) => `${prefix}|${col}`
  return [
    td(r.mean, formatWan(r.mean), k('mean')),
    td(r.mean_se, `± ${formatWan(r.mean_se)}`, k('mean_se')),
    td(r.p05, formatWan(r.p05), k('p05')),
    td(r.p50, formatWan(r.p50), k('p50')),
    td(r.p95, formatWan(r.p95), k('p95')),
    td(r.p99, formatWan(r.p99), k('p99')),
    td(r.tvar95, `${formatWan(r.tvar95)}${r.tvar95_se !== null ? ` ± ${formatWan(r.tvar95_se)}` : ''}`, k('tvar95')),
  ]
}

const AMOUNT_HEADERS = ['Mean', 'Mean s.e.', 'P5', 'P50', 'P95', 'P99', 'TVaR 95% ± s.e.']

function table(caption: string, headers: string[], rows: HTMLElement[], name: string): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: '0' },
    h(
      'table',
      { class: 'data-table', 'data-table': name },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows),
    ),
  )
}

/** The summary of one measure: by year and level (programme all), then by programme (all years, all levels). */
export function summaryTables(index: SummaryIndex, measure: Measure, programmeTitles: Map<string, string>): HTMLElement {
  const withBudget = measure === 'demand' || measure === 'paid'
  const periods: (number | 'all')[] = [...index.years, 'all']
  const levels = [...index.levels, 'all'] as const
  const byLevel: HTMLElement[] = []
  for (const year of periods)
    for (const level of levels) {
      const r = index.get(year, 'all', level, measure)
      if (!r) continue
      const prefix = `${year}|all|${level}|${measure}`
      byLevel.push(
        h(
          'tr',
          { class: level === 'all' ? 'total-row' : '' },
          h('th', { scope: 'row' }, year === 'all' ? `${index.years[0]}–${index.years[index.years.length - 1]}` : String(year)),
          h('td', {}, level === 'all' ? 'All levels' : capitalise(level)),
          amountCells(r, prefix),
          withBudget ? td(r.appropriation, r.appropriation === null ? '–' : formatWan(r.appropriation), `${prefix}|appropriation`) : null,
          withBudget
            ? td(r.p_exceed, r.p_exceed === null ? '–' : `${formatPercent(r.p_exceed)} (${formatPercent(r.p_exceed_lo)}–${formatPercent(r.p_exceed_hi)})`, `${prefix}|p_exceed`)
            : null,
          withBudget ? td(r.expected_excess, r.expected_excess === null ? '–' : formatWan(r.expected_excess), `${prefix}|expected_excess`) : null,
        ),
      )
    }
  const byProgramme = index.programmes
    .map((p) => {
      const r = index.get('all', p, 'all', measure)
      if (!r) return null
      return h('tr', {}, h('th', { scope: 'row' }, programmeTitles.get(p) ?? p), amountCells(r, `all|${p}|all|${measure}`))
    })
    .filter((r): r is HTMLTableRowElement => r !== null)
  return h(
    'div',
    { class: 'tables' },
    table(
      `${AMOUNT_MEASURES.find((m) => m.value === measure)?.label ?? measure} by year and funding level (万元; ± is the Monte Carlo standard error)`,
      ['Year', 'Level', ...AMOUNT_HEADERS, ...(withBudget ? ['Appropriation', 'P(over) (95% interval)', 'Expected excess'] : [])],
      byLevel,
      'by-level',
    ),
    table(`${AMOUNT_MEASURES.find((m) => m.value === measure)?.label ?? measure} by programme, all years and levels (万元)`, ['Programme', ...AMOUNT_HEADERS], byProgramme, 'by-programme'),
  )
}

export interface BindingRow {
  programme: string
  title: string
  rule: string
  approved: SummaryRow | undefined
  capped: SummaryRow | undefined
  capSaved: SummaryRow | undefined
  rejected: SummaryRow | undefined
  baselineCapped?: SummaryRow
  baselineCapSaved?: SummaryRow
  baselineRejected?: SummaryRow
}

/** How binding the caps and quotas are, in numbers (means per trial; counts summed over the years selected). */
export function bindingTable(rows: BindingRow[], period: string, comparing: boolean): HTMLElement {
  const withBase = (r: SummaryRow | undefined, base: SummaryRow | undefined, f: (v: number) => string): Node =>
    h('span', {}, r ? f(r.mean) : '–', r && comparing && base ? h('span', { class: 'baseline-value' }, `baseline ${f(base.mean)}`) : null)
  return table(
    `How binding the caps and quotas are, ${period} (mean per trial; amounts in 万元)`,
    ['Programme', 'Rule', 'Approved applicants', 'Capped applicants', 'Money the cap saves', 'Turned away by the quota'],
    rows.map((r) =>
      h(
        'tr',
        { 'data-programme': r.programme },
        h('th', { scope: 'row' }, r.title),
        h('td', {}, r.rule),
        td(r.approved?.mean, r.approved ? formatCount(r.approved.mean) : '–', `binding|${r.programme}|approved`),
        td(r.capped?.mean, withBase(r.capped, r.baselineCapped, formatCount), `binding|${r.programme}|capped`),
        td(r.capSaved?.mean, withBase(r.capSaved, r.baselineCapSaved, (v) => formatWan(v)), `binding|${r.programme}|cap_saved`),
        td(r.rejected?.mean, withBase(r.rejected, r.baselineRejected, formatCount), `binding|${r.programme}|quota_rejected`),
      ),
    ),
    'binding',
  )
}
