// Why: the planner asks one of two questions of the scenario in the editor: which parameters move a
// figure most (a tornado, with the contribution to variance), or what value of one parameter just
// meets a target (a goal seek). The form names the figure (statistic, level, year), the trials of each
// run, and either the ranges (the seeds' ranges of assumptions, and ranges of the planner's own) or
// the parameter, the target and the interval. Numbers are typed in their unit (amounts in 万/亿 or
// yuan, shares as 85% or 0.85); what the page can check is checked as the planner types, and each
// problem (the page's or the server's, `ranges[1].low` ...) appears beside its field.
import { LEVELS, type AnalysisKind, type Issue, type ResolvedScenario, type Statistic } from '../api/types'
import { analysisFieldFor, type AnalysisFormValues } from '../analysis/analysisRequest'
import { currentText, parameterOptions, parseParameterInput, restateInUnit, type ParameterOption } from '../analysis/parameterPaths'
import { parseAmount } from '../format/amount'
import { UNIT_YI } from '../format/cny'
import { parseNumber, parseShare } from '../scenario/overrides'
import { capitalise } from '../results/summaryIndex'
import { h, replace } from './dom'
import { term } from './terms'

export interface FieldIssue {
  /** the field's key: its input's id is `a-<key>` (`range-<i>` is a whole range: both its ends) */
  key: string
  message: string
}

export type FormReading = { ok: true; values: AnalysisFormValues } | { ok: false; issues: FieldIssue[] }

export interface AnalysisForm {
  /** the values typed, or every problem the page sees, each beside its field */
  read: () => FormReading
  /**
   * The form as the planner types: the page's problems appear beside the fields already edited (an
   * untouched empty field is not scolded), the server's stay until their field is edited. `ready` is
   * false while any field has a problem, shown or not; `pending` names those fields in words.
   */
  check: () => { ready: boolean; pending: string[] }
  /** put the server's problems beside their fields; returns those that belong to no field */
  showServerIssues: (issues: Issue[]) => Issue[]
  focusFirstProblem: () => boolean
}

const STATISTICS: { value: Statistic; label: string }[] = [
  { value: 'mean', label: 'Mean outlay' },
  { value: 'p95', label: '95th percentile of outlay (P95)' },
  { value: 'p_exceed', label: 'Chance of overrunning the appropriation' },
]

/** Defaults a planner changes least: a thousand trials a run (an analysis makes many runs), the seeds' ranges, a 128 x 16 hypercube, 5 seeds. */
export const ANALYSIS_DEFAULTS = { trials: 1000, vectors: 128, trialsPerVector: 16, replicates: 5 }

/** A range's whole-row problem (`range-1`) is about both its ends. */
const inputsOf = (key: string): string[] => (/^range-\d+$/.test(key) ? [`${key}-low`, `${key}-high`] : [key])

export function analysisForm(container: HTMLElement, resolved: ResolvedScenario, onChange: () => void = () => {}): AnalysisForm {
  const options = parameterOptions(resolved)
  const byPath = new Map(options.map((o) => [o.path, o]))
  // by key; a range's keys change when a range above it is removed (see renumber)
  const errors = new Map<string, HTMLElement>()
  const inputs = new Map<string, HTMLElement>()
  const labels = new Map<string, string>()

  const keyOf = (el: HTMLElement) => el.id.slice(2)
  /** the planner edited a field: show the page's problems with it, forget the server's */
  const edited = (el: HTMLElement) => {
    el.dataset.touched = 'true'
    const key = keyOf(el)
    for (const k of [key, key.replace(/-(path|low|high)$/, '')]) {
      const error = errors.get(k)
      if (error?.dataset.server) clearIssue(k)
    }
    markInvalid()
    onChange()
  }
  const control = <T extends HTMLElement>(key: string, el: T): T => {
    el.id = `a-${key}`
    el.setAttribute('aria-describedby', `a-${key}-hint a-${key}-error`)
    inputs.set(key, el)
    el.addEventListener('input', () => edited(el))
    el.addEventListener('change', () => edited(el))
    return el
  }
  const errorSlot = (key: string) => {
    const error = h('p', { class: 'field-error', id: `a-${key}-error`, hidden: true })
    errors.set(key, error)
    return error
  }
  const field = (key: string, label: string, el: HTMLElement, hint: string | Node = '', labelNode?: Node) => {
    labels.set(key, label)
    return h('div', { class: 'field', 'data-analysis-field': key }, h('label', { for: `a-${key}` }, labelNode ?? label), el, h('span', { class: 'hint', id: `a-${key}-hint` }, hint), errorSlot(key))
  }
  const flag = (key: string, label: string | Node, el: HTMLElement, hint: string, words: string) => {
    labels.set(key, words)
    return h('div', { class: 'field field-flag', 'data-analysis-field': key }, h('div', { class: 'flag-row' }, el, h('label', { for: `a-${key}` }, label)), h('span', { class: 'hint', id: `a-${key}-hint` }, hint), errorSlot(key))
  }
  const textInput = (key: string, value = '', placeholder = '') => control(key, h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', value, placeholder: placeholder || null }) as HTMLInputElement)
  const select = (key: string, items: { value: string; label: string; selected?: boolean }[]) =>
    control(key, h('select', {}, items.map((i) => h('option', { value: i.value, selected: i.selected ?? false }, i.label))) as HTMLSelectElement)
  const parameterSelect = (key: string, selected: string) =>
    control(
      key,
      h(
        'select',
        {},
        [...new Set(options.map((o) => o.group))].map((group) =>
          h(
            'optgroup',
            { label: group },
            options.filter((o) => o.group === group).map((o) => h('option', { value: o.path, selected: o.path === selected }, o.label)),
          ),
        ),
      ) as HTMLSelectElement,
    )

  function clearIssue(key: string) {
    const error = errors.get(key)
    if (error) {
      error.hidden = true
      error.textContent = ''
      delete error.dataset.server
    }
  }
  function showIssue(key: string, message: string, server: boolean) {
    const error = errors.get(key)
    if (!error) return
    error.textContent = error.hidden || error.textContent === '' ? message : `${error.textContent}; ${message}`
    error.hidden = false
    if (server) error.dataset.server = 'true'
  }
  /** An input is invalid while its own problem, or its range's, is shown. */
  function markInvalid() {
    for (const [key, el] of inputs) {
      const row = /^(range-\d+)-(low|high)$/.exec(key)
      const shown = [key, ...(row ? [row[1]] : [])].some((k) => errors.get(k)?.hidden === false)
      if (shown) el.setAttribute('aria-invalid', 'true')
      else el.removeAttribute('aria-invalid')
    }
  }

  // ---- the question and the figure
  const kindRadio = (kind: AnalysisKind, label: string, checked: boolean) => {
    const input = h('input', { type: 'radio', name: 'a-kind', id: `a-kind-${kind}`, value: kind, checked }) as HTMLInputElement
    return h('div', { class: 'flag-row' }, input, h('label', { for: `a-kind-${kind}` }, label))
  }
  const budgetLevels = LEVELS.filter((l) => Object.keys(resolved.appropriations[l] ?? {}).length > 0)
  const level = select('level', [...LEVELS.map((l) => ({ value: l, label: capitalise(l), selected: l === (budgetLevels.at(-1) ?? '') })), { value: 'all', label: 'All levels together', selected: budgetLevels.length === 0 }])
  const year = select('year', [...resolved.years.map((y, i) => ({ value: String(y), label: String(y), selected: i === resolved.years.length - 1 })), { value: 'all', label: `All years (${resolved.years[0]}–${resolved.years.at(-1)})` }])
  const statistic = select('statistic', STATISTICS.map((s) => ({ ...s, selected: s.value === 'mean' })))
  const trials = textInput('trials', ANALYSIS_DEFAULTS.trials.toLocaleString('en-US'))
  trials.setAttribute('inputmode', 'numeric')

  // ---- a tornado: the seeds' ranges, ranges of the planner's own, the contribution to variance
  const seeded = control('seeded', h('input', { type: 'checkbox', checked: true }) as HTMLInputElement)
  const contribution = control('contribution', h('input', { type: 'checkbox', checked: true }) as HTMLInputElement)
  const vectors = textInput('vectors', String(ANALYSIS_DEFAULTS.vectors))
  const tpv = textInput('tpv', String(ANALYSIS_DEFAULTS.trialsPerVector))
  const rangeList = h('div', { class: 'range-list' })
  const rangeRows: HTMLElement[] = []
  const PARTS = ['path', 'low', 'high'] as const

  /** Give a row the keys of position i (ranges[i] in the request is the i-th row). */
  const renumber = () => {
    rangeRows.forEach((row, i) => {
      const oldIndex = Number(row.dataset.index)
      if (oldIndex === i) return
      const from = `range-${oldIndex}`
      const to = `range-${i}`
      const error = errors.get(from)!
      errors.delete(from)
      error.id = `a-${to}-error`
      errors.set(to, error)
      labels.delete(from)
      labels.set(to, `Range ${i + 1}`)
      for (const part of PARTS) {
        const [oldKey, newKey] = [`${from}-${part}`, `${to}-${part}`]
        const input = inputs.get(oldKey)!
        const partError = errors.get(oldKey)!
        inputs.delete(oldKey)
        errors.delete(oldKey)
        input.id = `a-${newKey}`
        input.setAttribute('aria-describedby', `a-${newKey}-hint a-${newKey}-error ${part === 'path' ? '' : `a-${to}-error`}`.trim())
        partError.id = `a-${newKey}-error`
        const wrap = input.closest('.field')!
        wrap.querySelector('label')!.setAttribute('for', `a-${newKey}`)
        wrap.querySelector('.hint')!.id = `a-${newKey}-hint`
        wrap.setAttribute('data-analysis-field', newKey)
        inputs.set(newKey, input)
        errors.set(newKey, partError)
        labels.set(newKey, labels.get(oldKey)!.replace(/^Range \d+/, `Range ${i + 1}`))
        labels.delete(oldKey)
      }
      row.dataset.index = String(i)
      row.querySelector('legend')!.textContent = `Range ${i + 1}`
    })
  }
  const removeRow = (row: HTMLElement) => {
    const i = Number(row.dataset.index)
    rangeRows.splice(i, 1)
    for (const k of [`range-${i}`, ...PARTS.map((p) => `range-${i}-${p}`)]) {
      inputs.delete(k)
      errors.delete(k)
      labels.delete(k)
    }
    row.remove()
    renumber()
    addButton.focus()
    onChange()
  }
  const addRange = (path?: string) => {
    const i = rangeRows.length
    const initial = path ?? options[0]?.path ?? ''
    const pick = parameterSelect(`range-${i}-path`, initial)
    const low = textInput(`range-${i}-low`)
    const high = textInput(`range-${i}-high`)
    // a problem with the whole range is announced with each end
    for (const [el, key] of [
      [low, `range-${i}-low`],
      [high, `range-${i}-high`],
    ] as const)
      el.setAttribute('aria-describedby', `a-${key}-hint a-${key}-error a-range-${i}-error`)
    const hintOf = () => {
      const o = byPath.get(pick.value)
      return o ? `${currentText(o)}${o.unit === 'CNY' ? '; in 万, 亿 or yuan' : o.unit === 'share' ? '; as 85% or 0.85' : ''}` : ''
    }
    const remove = h('button', { type: 'button', class: 'small secondary remove-range' }, 'Remove this range')
    const row = h(
      'fieldset',
      { class: 'group range-row', 'data-index': String(i) },
      h('legend', {}, `Range ${i + 1}`),
      field(`range-${i}-path`, `Range ${i + 1}: parameter`, pick, hintOf(), document.createTextNode('Parameter')),
      h('div', { class: 'field-grid' }, field(`range-${i}-low`, `Range ${i + 1}: low`, low, '', document.createTextNode('Low')), field(`range-${i}-high`, `Range ${i + 1}: high`, high, '', document.createTextNode('High'))),
      errorSlot(`range-${i}`),
      remove,
    )
    labels.set(`range-${i}`, `Range ${i + 1}`)
    pick.addEventListener('change', () => {
      const hint = row.querySelector<HTMLElement>('.field .hint')
      if (hint) hint.textContent = hintOf()
    })
    remove.addEventListener('click', () => removeRow(row))
    rangeRows.push(row)
    rangeList.append(row)
    onChange()
    return pick
  }
  const addButton = h('button', { type: 'button', class: 'small secondary', id: 'a-add-range' }, 'Add a range of your own')
  addButton.addEventListener('click', () => addRange().focus())

  const sensitivityGroup = h(
    'fieldset',
    { class: 'group', id: 'a-sensitivity' },
    h('legend', {}, 'Ranges'),
    flag('seeded', 'Every assumption the seeds give a range for', seeded, 'Approval rates, applicant counts, contract values…: each at the low and the high its seed gives, with why.', 'The seeds’ ranges'),
    rangeList,
    addButton,
    flag('contribution', h('span', {}, 'Also the ', term('contribution', 'contribution to variance')), contribution, 'All ranges drawn together: a Latin hypercube of vectors, each run for a few trials.', 'Contribution to variance'),
    h('div', { class: 'field-grid' }, field('vectors', 'Vectors', vectors), field('tpv', 'Trials per vector', tpv)),
  )
  contribution.addEventListener('change', () => {
    vectors.disabled = tpv.disabled = !contribution.checked
  })

  // ---- a goal seek: the parameter, the target, the interval
  const defaultParameter = options.find((o) => o.path.endsWith('.cap') && o.value !== null)?.path ?? options[0]?.path ?? ''
  const parameter = parameterSelect('parameter', defaultParameter)
  const op = select('op', [
    { value: '<=', label: 'at most', selected: true },
    { value: '>=', label: 'at least' },
  ])
  const value = textInput('value')
  const intervalLow = textInput('interval-low')
  const intervalHigh = textInput('interval-high')
  const replicates = textInput('replicates', String(ANALYSIS_DEFAULTS.replicates))
  const selected = (): ParameterOption | undefined => byPath.get(parameter.value)
  const valueHint = () => (statistic.value === 'p_exceed' ? 'a chance such as 5% or 0.05' : 'an amount such as 1.9亿 or 19,000万')
  const parameterHint = () => {
    const o = selected()
    return o ? `${currentText(o)}; typed in its unit (${o.unit === 'CNY' ? '300万 or 3,000,000' : o.unit === 'share' ? '85% or 0.85' : 'a number'})` : ''
  }
  const goalGroup = h(
    'fieldset',
    { class: 'group', id: 'a-goal', hidden: true },
    h('legend', {}, 'Target'),
    field('parameter', 'Parameter to set', parameter, parameterHint()),
    h('div', { class: 'field-grid' }, field('op', 'The figure must be', op), field('value', 'Target value', value, valueHint())),
    h('p', { class: 'muted small' }, 'Interval searched (leave both empty for the parameter’s range, else 0 to twice its value):'),
    h('div', { class: 'field-grid' }, field('interval-low', 'From', intervalLow), field('interval-high', 'To', intervalHigh)),
    field('replicates', 'Seeds for the uncertainty', replicates, 'the answer is found again on independent seeds; their spread is its uncertainty'),
  )
  parameter.addEventListener('change', () => {
    const hint = document.getElementById('a-parameter-hint')
    if (hint) hint.textContent = parameterHint()
  })
  statistic.addEventListener('change', () => {
    const hint = document.getElementById('a-value-hint')
    if (hint) hint.textContent = valueHint()
  })

  const sensitivityRadio = kindRadio('sensitivity', 'Which parameters move a figure most? (tornado)', true)
  const goalRadio = kindRadio('goal_seek', 'What value of a parameter meets a target? (goal seek)', false)
  const kind = (): AnalysisKind => ((container.querySelector('input[name="a-kind"]:checked') as HTMLInputElement | null)?.value as AnalysisKind) ?? 'sensitivity'
  const showKind = () => {
    sensitivityGroup.hidden = kind() !== 'sensitivity'
    goalGroup.hidden = kind() !== 'goal_seek'
    onChange()
  }
  for (const r of [sensitivityRadio, goalRadio]) r.querySelector('input')!.addEventListener('change', showKind)

  replace(
    container,
    h('fieldset', { class: 'group' }, h('legend', {}, 'Question'), sensitivityRadio, goalRadio),
    h(
      'fieldset',
      { class: 'group' },
      h('legend', {}, 'Figure'),
      field('statistic', 'Statistic', statistic),
      h('div', { class: 'field-grid' }, field('level', 'Funding level', level), field('year', 'Year', year)),
      field('trials', 'Trials of each run', trials, 'an analysis makes many runs: a few thousand trials each is plenty'),
    ),
    sensitivityGroup,
    goalGroup,
  )
  sensitivityGroup.hidden = false
  goalGroup.hidden = true

  // ---- reading
  const whole = (key: string, text: string, what: { min: number; max?: number; example: string }, issues: FieldIssue[]): number | null => {
    const p = parseNumber(text, what.example)
    if (!p.ok) issues.push({ key, message: p.message })
    else if (p.value === null) issues.push({ key, message: `enter a number such as ${what.example}` })
    else if (!Number.isInteger(p.value) || p.value < what.min || (what.max !== undefined && p.value > what.max))
      issues.push({ key, message: `must be a whole number from ${what.min.toLocaleString('en-US')}${what.max !== undefined ? ` to ${what.max.toLocaleString('en-US')}` : ''}` })
    else return p.value
    return null
  }
  const inParameterUnit = (key: string, text: string, o: ParameterOption | undefined, required: boolean, issues: FieldIssue[]): number | null => {
    if (!o) return null
    const p = parseParameterInput(text, o)
    if (!p.ok) issues.push({ key, message: p.message })
    else if (p.value === null && required) issues.push({ key, message: `enter the ${key.endsWith('low') ? 'low' : 'high'} (${currentText(o)})` })
    else return p.value
    return null
  }

  const read: AnalysisForm['read'] = () => {
    const issues: FieldIssue[] = []
    const k = kind()
    const t = whole('trials', trials.value, { min: 1, example: '1,000' }, issues)
    const ranges = (k === 'sensitivity' ? rangeRows : []).map((_, i) => {
      const path = (inputs.get(`range-${i}-path`) as HTMLSelectElement).value
      const o = byPath.get(path)
      const low = inParameterUnit(`range-${i}-low`, (inputs.get(`range-${i}-low`) as HTMLInputElement).value, o, true, issues)
      const high = inParameterUnit(`range-${i}-high`, (inputs.get(`range-${i}-high`) as HTMLInputElement).value, o, true, issues)
      if (low !== null && high !== null && low > high) issues.push({ key: `range-${i}`, message: 'the low must not exceed the high' })
      return { path, low: low ?? 0, high: high ?? 0 }
    })
    let design: AnalysisFormValues['contribution'] = false
    let target = 0
    let interval: [number, number] | null = null
    let reps = ANALYSIS_DEFAULTS.replicates
    if (k === 'sensitivity') {
      if (!seeded.checked && ranges.length === 0) issues.push({ key: 'seeded', message: 'vary the seeds’ ranges, or add a range of your own' })
      if (contribution.checked) {
        const vv = whole('vectors', vectors.value, { min: 4, max: 1000, example: '128' }, issues)
        const tt = whole('tpv', tpv.value, { min: 1, max: 100_000, example: '16' }, issues)
        design = { vectors: vv ?? 0, trials_per_vector: tt ?? 0 }
      }
    } else {
      const chance = statistic.value === 'p_exceed'
      const parsed = chance ? parseShare(value.value, 'a chance such as 5% or 0.05') : parseAmount(value.value, UNIT_YI)
      if (!parsed.ok) issues.push({ key: 'value', message: parsed.message })
      else if (parsed.value === null) issues.push({ key: 'value', message: `enter the target: ${valueHint()}` })
      else if (chance && !(parsed.value >= 0 && parsed.value <= 1)) issues.push({ key: 'value', message: `a chance is between 0% and 100%, not ${value.value.trim()}` })
      else target = parsed.value
      const o = selected()
      const lo = inParameterUnit('interval-low', intervalLow.value, o, false, issues)
      const hi = inParameterUnit('interval-high', intervalHigh.value, o, false, issues)
      if (!issues.some((i) => i.key.startsWith('interval'))) {
        if ((lo === null) !== (hi === null)) issues.push({ key: lo === null ? 'interval-low' : 'interval-high', message: 'give both ends of the interval, or neither' })
        else if (lo !== null && hi !== null && lo >= hi) issues.push({ key: 'interval-low', message: 'the interval must start below its end' })
        else if (lo !== null && hi !== null) interval = [lo, hi]
      }
      reps = whole('replicates', replicates.value, { min: 1, max: 50, example: '5' }, issues) ?? reps
    }
    if (issues.length > 0) return { ok: false, issues }
    return {
      ok: true,
      values: {
        kind: k,
        statistic: statistic.value as Statistic,
        level: level.value,
        year: year.value === 'all' ? 'all' : Number(year.value),
        trials: t!,
        seededRanges: seeded.checked,
        ranges,
        contribution: design,
        parameter: parameter.value,
        op: op.value as '<=' | '>=',
        value: target,
        interval,
        replicates: reps,
      },
    }
  }

  const isTouched = (key: string) => inputsOf(key).some((k) => inputs.get(k)?.dataset.touched === 'true')
  /** Show the page's problems of the fields edited (all of them when `all`), keep the server's. */
  const showPageIssues = (issues: FieldIssue[], all: boolean) => {
    for (const [key, error] of errors) if (!error.dataset.server) clearIssue(key)
    for (const i of issues) if ((all || isTouched(i.key)) && !errors.get(i.key)?.dataset.server) showIssue(i.key, i.message, false)
    markInvalid()
  }
  /** the server's problems still shown, in the question asked (not those of the other kind's fields) */
  const serverPending = () => [...errors].filter(([, e]) => e.dataset.server === 'true' && !e.parentElement?.closest('[hidden]')).map(([k]) => k)
  const words = (key: string) => labels.get(key) ?? key

  return {
    read: () => {
      const r = read()
      showPageIssues(r.ok ? [] : r.issues, true)
      return r
    },
    check: () => {
      const r = read()
      showPageIssues(r.ok ? [] : r.issues, false)
      const keys = [...new Set([...(r.ok ? [] : r.issues.map((i) => i.key)), ...serverPending()])]
      return { ready: keys.length === 0, pending: keys.map(words) }
    },
    showServerIssues: (issues) => {
      const unplaced: Issue[] = []
      const placed: FieldIssue[] = []
      for (const issue of issues) {
        const key = analysisFieldFor(issue.path)
        if (!key || !errors.has(key) || errors.get(key)!.parentElement?.closest('[hidden]')) {
          unplaced.push(issue)
          continue
        }
        // amounts in the server's messages are raw yuan: say them in the parameter's unit
        const rangeRow = /^range-(\d+)/.exec(key)
        const o = rangeRow ? byPath.get((inputs.get(`range-${rangeRow[1]}-path`) as HTMLSelectElement).value) : key.startsWith('interval') ? selected() : undefined
        placed.push({ key, message: o ? restateInUnit(issue.message, o) : issue.message })
      }
      for (const key of new Set(placed.map((p) => p.key))) clearIssue(key)
      for (const p of placed) showIssue(p.key, p.message, true)
      markInvalid()
      onChange()
      return unplaced
    },
    focusFirstProblem: () => {
      const first = container.querySelector<HTMLElement>('[aria-invalid="true"]')
      if (!first) return false
      first.focus()
      return true
    },
  }
}
