// Why: the form where a planner edits the figures. Every input has a <label for>, a hint that reads
// the value back in planner's terms (85%, 500 万元), the figure's origin (policy clause or assumption),
// and a message slot beside it where the page or the server puts a validation problem.
import type { Issue } from '../api/types'
import { amountInYuan, hasUnitWord, restateAmounts } from '../format/amount'
import { formatCny, UNIT_WAN } from '../format/cny'
import { allFields, type FieldSpec, type ScenarioForm } from '../scenario/form'
import { parseField } from '../scenario/overrides'
import { fieldFor } from '../scenario/request'
import { capitalise } from '../results/summaryIndex'
import { h, replace } from './dom'
import { provenanceLine } from './provenanceView'

export interface FiguresForm {
  values: () => Map<string, string | boolean>
  /**
   * show issues beside their fields; returns the ones no field owns. The server's messages
   * (`fromServer`) speak of raw yuan: an amount field restates them in its unit.
   */
  showIssues: (issues: Issue[], options?: { fromServer?: boolean }) => Issue[]
  /** the first field with a problem, focused; false if none */
  focusFirstProblem: () => boolean
  changedPaths: () => string[]
}

const isEmpty = (text: string) => text.trim() === ''

/** The hint under a field; `partnerText` is the text of its `emptyWith` field (the other quota field). */
function hintFor(f: FieldSpec, text: string, partnerText: string | null): string {
  if (f.kind === 'flag' || f.kind === 'seed' || f.kind === 'name') return ''
  if (f.kind === 'title') return text.trim() === '' && f.emptyMeans ? `empty: ${f.emptyMeans}` : ''
  const parsed = parseField(f, text)
  if (!parsed.ok) return ''
  const v = parsed.value
  if (v === null && f.emptyWith && partnerText !== null && isEmpty(partnerText)) return `empty: ${f.emptyWith.means}`
  if (v === null) return f.emptyMeans ? `empty: ${f.emptyMeans}` : ''
  switch (f.kind) {
    case 'share':
      return `${+(v * 100).toFixed(4)}%`
    case 'cny':
      // the other way of writing it: yuan for an amount typed in 万/亿, 万元/亿元 for plain yuan (and
      // a small plain number was probably meant in 万 or 亿)
      if (hasUnitWord(text)) return `= ${amountInYuan(v)}`
      return v > 0 && v < 1e4 ? `= ${v} CNY: did you mean ${text.trim()}万 or ${text.trim()}亿?` : `= ${formatCny(v, { exact: true })}`
    case 'growth':
      return `${v >= 0 ? '+' : ''}${+(v * 100).toFixed(4)}% a year`
    case 'ratio':
      return `× ${v}`
    case 'trials':
      return v >= 1 ? `${v.toLocaleString('en-US')} simulated futures` : ''
    default:
      return ''
  }
}

export function renderFiguresForm(container: HTMLElement, form: ScenarioForm, onChange: () => void): FiguresForm {
  const fields = allFields(form)
  const paths = fields.map((f) => f.path)
  const specs = new Map(fields.map((f) => [f.path, f]))
  const inputs = new Map<string, HTMLInputElement>()
  const errorEls = new Map<string, HTMLElement>()
  const hintEls = new Map<string, HTMLElement>()
  const provEls = new Map<string, HTMLElement>()
  const changeCounters = new Map<string, HTMLElement>()

  const currentText = (f: FieldSpec) => {
    const input = inputs.get(f.path)!
    return f.kind === 'flag' ? input.checked : input.value
  }
  const isEdited = (f: FieldSpec) => {
    const now = currentText(f)
    if (typeof now === 'boolean') return now !== f.initial
    const a = parseField(f, now)
    const b = parseField(f, String(f.initial))
    if (f.kind !== 'seed' && f.kind !== 'name' && f.kind !== 'title' && a.ok && b.ok) return a.value !== b.value
    return now.trim() !== String(f.initial).trim()
  }

  /** a field's text, or its initial text while its input is not built yet */
  const textAt = (path: string): string | null => {
    const spec = specs.get(path)
    if (!spec) return null
    const t = inputs.has(path) ? currentText(spec) : spec.initial
    return typeof t === 'string' ? t : null
  }

  const refresh = (f: FieldSpec) => {
    const hint = hintEls.get(f.path)
    const t = currentText(f)
    if (hint && typeof t === 'string') hint.textContent = hintFor(f, t, f.emptyWith ? textAt(f.emptyWith.path) : null)
    const prov = provEls.get(f.path)
    if (prov && f.provenance !== undefined) replace(prov, provenanceLine(f.provenance, isEdited(f)))
  }

  const fieldEl = (f: FieldSpec): HTMLElement => {
    const errorId = `${f.id}-error`
    const hintId = `${f.id}-hint`
    const input = h('input', {
      id: f.id,
      name: f.path,
      type: f.kind === 'flag' ? 'checkbox' : 'text',
      // amounts take 万 and 亿, so a phone shows its full keyboard for them
      inputmode: ['seed', 'flag', 'cny', 'name', 'title'].includes(f.kind) ? null : f.kind === 'count' || f.kind === 'trials' ? 'numeric' : 'decimal',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-describedby': `${hintId} ${errorId}`,
      'data-path': f.path,
    }) as HTMLInputElement
    if (f.kind === 'flag') input.checked = Boolean(f.initial)
    else input.value = String(f.initial)
    inputs.set(f.path, input)
    const hint = h('span', { class: 'hint', id: hintId })
    hintEls.set(f.path, hint)
    const error = h('p', { class: 'field-error', id: errorId, hidden: true })
    errorEls.set(f.path, error)
    const prov = f.provenance !== undefined ? h('div', { class: 'prov' }) : null
    if (prov) provEls.set(f.path, prov)
    input.addEventListener(f.kind === 'flag' ? 'change' : 'input', () => {
      refresh(f)
      const partner = f.emptyWith ? specs.get(f.emptyWith.path) : undefined
      if (partner) refresh(partner)
      clearIssue(f.path)
      updateCounters()
      onChange()
    })
    const label = f.shortLabel
      ? h('label', { for: f.id }, h('span', { class: 'visually-hidden' }, `${f.label}: `), h('span', { 'aria-hidden': 'true' }, f.shortLabel))
      : h('label', { for: f.id }, f.label)
    const el =
      f.kind === 'flag'
        ? h('div', { class: 'field field-flag', 'data-field': f.path }, h('div', { class: 'flag-row' }, input, label), hint, error)
        : h('div', { class: 'field', 'data-field': f.path }, label, input, hint, prov, error)
    refresh(f)
    return el
  }

  const clearIssue = (path: string) => {
    const input = inputs.get(path)
    const error = errorEls.get(path)
    if (input) input.removeAttribute('aria-invalid')
    if (error) {
      error.hidden = true
      error.textContent = ''
    }
  }

  const updateCounters = () => {
    for (const p of form.programmes) {
      const n = p.fields.filter(isEdited).length
      const counter = changeCounters.get(p.id)
      if (counter) counter.textContent = n > 0 ? ` · ${n} changed` : ''
    }
  }

  const runFields = h('fieldset', { class: 'group' }, h('legend', {}, 'Run'), h('div', { class: 'field-grid' }, form.run.map((f) => fieldEl(f))))

  const appropriationFields = h(
    'fieldset',
    { class: 'group' },
    h('legend', {}, 'Appropriations by level and year'),
    h(
      'p',
      { class: 'muted small' },
      'The budget line each level sets aside for these programmes; leave a year empty for none that year. In the presets they are assumptions of the scenario. Type amounts as 1.7亿, 17,000万 or 170,000,000 (yuan).',
    ),
    form.appropriations.map(({ level, cells }) =>
      h('div', { class: 'approp-level' }, h('p', { class: 'approp-title', 'aria-hidden': 'true' }, capitalise(level)), h('div', { class: 'approp-grid' }, cells.map((c) => fieldEl(c)))),
    ),
  )

  const programmes = form.programmes.map((p, i) => {
    const counter = h('span', { class: 'changed-count' })
    changeCounters.set(p.id, counter)
    return h(
      'details',
      { class: 'programme', 'data-programme': p.id, open: i === 0 },
      h('summary', {}, h('span', { class: 'programme-title' }, p.title), counter),
      h('fieldset', { class: 'group' }, h('legend', { class: 'visually-hidden' }, p.title), h('div', { class: 'field-grid' }, p.fields.map((f) => fieldEl(f))), p.notes.map((n) => h('p', { class: 'muted small' }, n))),
    )
  })

  replace(container, runFields, appropriationFields, h('h3', { class: 'group-title' }, 'Programmes'), programmes)
  updateCounters()

  return {
    values: () => new Map(fields.map((f) => [f.path, currentText(f)])),
    showIssues: (issues, options = {}) => {
      for (const p of paths) clearIssue(p)
      const unplaced: Issue[] = []
      const byField = new Map<string, string[]>()
      for (const issue of issues) {
        const path = fieldFor(issue.path, paths)
        if (!path) {
          unplaced.push(issue)
          continue
        }
        const spec = specs.get(path)!
        const message = options.fromServer && spec.kind === 'cny' ? restateAmounts(issue.message, spec.unit ?? UNIT_WAN) : issue.message
        byField.set(path, [...(byField.get(path) ?? []), message])
      }
      for (const [path, messages] of byField) {
        const input = inputs.get(path)!
        const error = errorEls.get(path)!
        input.setAttribute('aria-invalid', 'true')
        error.textContent = messages.join('; ')
        error.hidden = false
        // open the programme that holds it
        const details = input.closest('details')
        if (details) details.open = true
      }
      return unplaced
    },
    focusFirstProblem: () => {
      const first = fields.map((f) => inputs.get(f.path)!).find((i) => i.getAttribute('aria-invalid') === 'true')
      if (!first) return false
      first.focus()
      return true
    },
    changedPaths: () => fields.filter(isEdited).map((f) => f.path),
  }
}
