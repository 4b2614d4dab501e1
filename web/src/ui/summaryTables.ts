// Why: the charts are for seeing, the table is for quoting. It shows the summary rows of the run
// (by year and funding level, then by programme) with the Monte Carlo standard error of each mean
// and tail figure, so a planner can tell a real difference from simulation noise. Every number
// carries its raw value in data-value (keyed by data-key), straight from GET /runs/:id/summary.
import type { Measure, SummaryRow } from '../api/types'
import { formatWan } from '../format/cny'
import { formatCount, formatPercent } from '../format/odds'
import type { SummaryIndex } from '../results/summaryIndex'
import { capitalise } from '../results/summaryIndex'
import { h } from './dom'
import { term } from './terms'

export const AMOUNT_MEASURES: { value: Measure; label: string }[] = [
  { value: 'demand', label: 'Outlay demanded by the rules' },
  { value: 'paid', label: 'Outlay paid (after appropriations)' },
  { value: 'shortfall', label: 'Shortfall (demanded but not paid)' },
  { value: 'cap_saved', label: 'Money the caps save' },
]

export const td = (value: number | null | undefined, text: string | Node, key: string) =>
  h('td', { class: 'num', 'data-key': key, 'data-value': value === null || value === undefined ? '' : String(value) }, text)

/** A figure with its standard error (or interval) under it, each keyed with its raw value (the analyses' tables use it too). */
export const withError = (key: string, value: number | null | undefined, text: string, errorKey: string | null, error: number | null | undefined, errorText: string) =>
  h(
    'td',
    { class: 'num', 'data-key': key, 'data-value': value === null || value === undefined ? '' : String(value) },
    text,
    errorKey !== null && error !== null && error !== undefined ? h('span', { class: 'cell-error', 'data-key': errorKey, 'data-value': String(error) }, errorText) : null,
  )

/** Mean ± s.e., then the percentiles and the tail. */
function spreadCells(r: SummaryRow, prefix: string) {
  const k = (col: string) => `${prefix}|${col}`
  return [
    td(r.p05, formatWan(r.p05), k('p05')),
    td(r.p50, formatWan(r.p50), k('p50')),
    td(r.p95, formatWan(r.p95), k('p95')),
    td(r.p99, formatWan(r.p99), k('p99')),
    withError(k('tvar95'), r.tvar95, formatWan(r.tvar95), k('tvar95_se'), r.tvar95_se, `± ${formatWan(r.tvar95_se)}`),
  ]
}

const meanCell = (r: SummaryRow, prefix: string) => withError(`${prefix}|mean`, r.mean, formatWan(r.mean), `${prefix}|mean_se`, r.mean_se, `± ${formatWan(r.mean_se)}`)

type Header = string | Node

const SPREAD_HEADERS = (): Header[] => [term('percentiles', 'P5'), term('percentiles', 'P50'), term('percentiles', 'P95'), term('percentiles', 'P99'), h('span', {}, term('tvar', 'TVaR 95%'), ' ± s.e.')]
const MEAN_HEADER = (): Header => h('span', {}, 'Mean ± ', term('standard-error', 's.e.'))

let tableCount = 0

/**
 * A table in a horizontally scrolling region, its caption above the region (so a phone never cuts
 * it), its first column kept in view while the rest scrolls. (The analyses' tables use it too.)
 */
export function table(caption: string, headers: Header[], rows: HTMLElement[], name: string): HTMLElement {
  const captionId = `table-caption-${name}-${++tableCount}`
  return h(
    'div',
    { class: 'table-block' },
    h('p', { class: 'table-caption', id: captionId }, caption),
    h(
      'div',
      { class: 'table-scroll', role: 'region', 'aria-labelledby': captionId, tabindex: '0' },
      h(
        'table',
        { class: 'data-table', 'data-table': name, 'aria-labelledby': captionId },
        h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows),
      ),
    ),
  )
}

/**
 * The summary of one measure: by year and level (programme all), then by programme (all years, all
 * levels). What a budget is judged by (appropriation, chance of overrun, expected excess) comes
 * right after the mean, so it is in view on a laptop; percentiles and the tail follow.
 */
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
          h('th', { scope: 'row' }, h('span', { class: 'row-year' }, year === 'all' ? `${index.years[0]}–${index.years[index.years.length - 1]}` : String(year)), ' ', h('span', { class: 'row-level' }, level === 'all' ? 'All levels' : capitalise(level))),
          meanCell(r, prefix),
          withBudget ? td(r.appropriation, r.appropriation === null ? '–' : formatWan(r.appropriation), `${prefix}|appropriation`) : null,
          withBudget
            ? withError(`${prefix}|p_exceed`, r.p_exceed, formatPercent(r.p_exceed), r.p_exceed === null ? null : `${prefix}|p_exceed_interval`, r.p_exceed_lo, `${formatPercent(r.p_exceed_lo)}–${formatPercent(r.p_exceed_hi)}`)
            : null,
          withBudget ? td(r.expected_excess, r.expected_excess === null ? '–' : formatWan(r.expected_excess), `${prefix}|expected_excess`) : null,
          spreadCells(r, prefix),
        ),
      )
    }
  const byProgramme = index.programmes
    .map((p) => {
      const r = index.get('all', p, 'all', measure)
      if (!r) return null
      const prefix = `all|${p}|all|${measure}`
      return h('tr', {}, h('th', { scope: 'row' }, programmeTitles.get(p) ?? p), meanCell(r, prefix), spreadCells(r, prefix))
    })
    .filter((r): r is HTMLTableRowElement => r !== null)
  const label = AMOUNT_MEASURES.find((m) => m.value === measure)?.label ?? measure
  return h(
    'div',
    { class: 'tables' },
    table(
      `${label} by year and funding level (万元; ± is the Monte Carlo standard error)`,
      [
        'Year and level',
        MEAN_HEADER(),
        ...(withBudget ? [term('appropriation', 'Appropriation'), h('span', {}, term('p-over', 'P(over)'), ' (95% interval)'), term('expected-excess', 'Expected excess')] : []),
        ...SPREAD_HEADERS(),
      ],
      byLevel,
      'by-level',
    ),
    table(`${label} by programme, all years and levels (万元)`, ['Programme', MEAN_HEADER(), ...SPREAD_HEADERS()], byProgramme, 'by-programme'),
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

/**
 * How binding the caps and quotas are, in numbers (means per trial; counts summed over the years
 * selected): what the rules do (capped, saved, turned away) first, the applicants approved last.
 */
export function bindingTable(rows: BindingRow[], period: string, comparing: boolean): HTMLElement {
  const withBase = (r: SummaryRow | undefined, base: SummaryRow | undefined, f: (v: number) => string): Node =>
    h('span', {}, r ? f(r.mean) : '–', r && comparing && base ? h('span', { class: 'baseline-value' }, `baseline ${f(base.mean)}`) : null)
  return table(
    `How binding the caps and quotas are, ${period} (mean per trial; amounts in 万元)`,
    ['Programme', 'Rule', 'Capped applicants', 'Money the cap saves', 'Turned away by the quota', 'Approved applicants'],
    rows.map((r) =>
      h(
        'tr',
        { 'data-programme': r.programme },
        h('th', { scope: 'row' }, r.title),
        h('td', { class: 'rule' }, r.rule),
        td(r.capped?.mean, withBase(r.capped, r.baselineCapped, formatCount), `binding|${r.programme}|capped`),
        td(r.capSaved?.mean, withBase(r.capSaved, r.baselineCapSaved, (v) => formatWan(v)), `binding|${r.programme}|cap_saved`),
        td(r.rejected?.mean, withBase(r.rejected, r.baselineRejected, formatCount), `binding|${r.programme}|quota_rejected`),
        td(r.approved?.mean, r.approved ? formatCount(r.approved.mean) : '–', `binding|${r.programme}|approved`),
      ),
    ),
    'binding',
  )
}
