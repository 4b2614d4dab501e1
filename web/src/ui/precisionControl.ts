// Why: "Run until precise to ±x" in the run box: an optional precision target (the statistic, level
// and year of one figure, and the standard error it may keep) sent as `precision` with the run, the
// trials of the figures form becoming the most the run may use. The ± is read as the figure is
// written (see runs/precisionTarget.ts); its problem, or the server's, appears beside it, and Run
// waits while it has one.
import { LEVELS, type Issue, type PrecisionTarget, type ResolvedScenario, type Statistic } from '../api/types'
import { capitalise } from '../results/summaryIndex'
import { precisionExample, readPrecision } from '../runs/precisionTarget'
import { h, replace } from './dom'
import { term } from './terms'

export interface PrecisionControl {
  /** null when the planner does not ask for a precision */
  read: () => { ok: true; target: PrecisionTarget | null } | { ok: false; message: string }
  /** put the server's problems with `precision[0].*` beside the control; returns the others */
  showServerIssues: (issues: Issue[]) => Issue[]
  focus: () => void
}

const STATISTICS: { value: Statistic; label: string }[] = [
  { value: 'mean', label: 'Mean outlay' },
  { value: 'p95', label: '95th percentile (P95)' },
  { value: 'p_exceed', label: 'Chance of overrun' },
]

export function precisionControl(container: HTMLElement, resolved: ResolvedScenario, onChange: () => void): PrecisionControl {
  const on = h('input', { type: 'checkbox', id: 'precision-on', 'aria-controls': 'precision-target' }) as HTMLInputElement
  const budgetLevels = LEVELS.filter((l) => Object.keys(resolved.appropriations[l] ?? {}).length > 0)
  const select = (id: string, items: { value: string; label: string; selected: boolean }[]) =>
    h('select', { id }, items.map((i) => h('option', { value: i.value, selected: i.selected }, i.label))) as HTMLSelectElement
  const statistic = select('precision-statistic', STATISTICS.map((s) => ({ ...s, selected: s.value === 'mean' })))
  const level = select('precision-level', [...LEVELS.map((l) => ({ value: l, label: capitalise(l), selected: l === (budgetLevels.at(-1) ?? '') })), { value: 'all', label: 'All levels', selected: budgetLevels.length === 0 }])
  const year = select('precision-year', [...resolved.years.map((y, i) => ({ value: String(y), label: String(y), selected: i === resolved.years.length - 1 })), { value: 'all', label: 'All years', selected: false }])
  const se = h('input', { type: 'text', id: 'precision-se', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'precision-se-hint precision-se-error' }) as HTMLInputElement
  const hint = h('span', { class: 'hint', id: 'precision-se-hint' })
  const error = h('p', { class: 'field-error', id: 'precision-se-error', hidden: true })
  const target = h(
    'fieldset',
    { class: 'group', id: 'precision-target', hidden: true },
    h('legend', {}, 'Stop once this figure is known to ±'),
    h('div', { class: 'field' }, h('label', { for: 'precision-statistic' }, 'Figure'), statistic),
    h('div', { class: 'field-grid' }, h('div', { class: 'field' }, h('label', { for: 'precision-level' }, 'Funding level'), level), h('div', { class: 'field' }, h('label', { for: 'precision-year' }, 'Year'), year)),
    h('div', { class: 'field' }, h('label', { for: 'precision-se' }, '± standard error at most'), se, hint, error),
    h('p', { class: 'muted small' }, 'Trials (under 3. Figures) is then the most the run may use; the result is exactly that of a run of the trials it stopped at.'),
  )
  replace(
    container,
    h('div', { class: 'field field-flag' }, h('div', { class: 'flag-row' }, on, h('label', { for: 'precision-on' }, 'Run until precise (', term('precision', 'what is this?'), ')'))),
    target,
  )

  let serverMessage: string | null = null
  const show = (message: string | null) => {
    error.hidden = message === null
    error.textContent = message ?? ''
    if (message === null) se.removeAttribute('aria-invalid')
    else se.setAttribute('aria-invalid', 'true')
  }
  const read: PrecisionControl['read'] = () => {
    if (!on.checked) return { ok: true, target: null }
    const r = readPrecision({ statistic: statistic.value as Statistic, level: level.value, year: year.value === 'all' ? 'all' : Number(year.value), se: se.value })
    return r.ok ? { ok: true, target: r.target } : r
  }
  const refresh = () => {
    target.hidden = !on.checked
    se.placeholder = `e.g. ${precisionExample(statistic.value as Statistic).split(' or ')[0]}`
    hint.textContent = `as the figure is written: ${precisionExample(statistic.value as Statistic)}`
    const r = read()
    show(serverMessage ?? (r.ok ? null : r.message))
  }
  const changed = () => {
    serverMessage = null
    refresh()
    onChange()
  }
  for (const el of [on, statistic, level, year]) el.addEventListener('change', changed)
  se.addEventListener('input', changed)
  refresh()

  return {
    read: () => (serverMessage !== null ? { ok: false, message: serverMessage } : read()),
    showServerIssues: (issues) => {
      const mine = issues.filter((i) => /^precision(\[\d+\])?(\.|$)/.test(i.path))
      if (mine.length > 0 && on.checked) {
        serverMessage = mine.map((i) => i.message).join('; ')
        refresh()
        onChange()
        return issues.filter((i) => !mine.includes(i))
      }
      return issues
    },
    focus: () => se.focus(),
  }
}
