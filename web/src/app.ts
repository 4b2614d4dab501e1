// Why: the page's controller. It ties the scenario source and the figures form (validated by the
// server as the planner types), the run box (submit, follow progress, cancel, with an optional
// baseline on the same draws), the results view and the list of earlier runs, and keeps the run on
// screen in the address (#run=<id>&baseline=<id>) so it can be reloaded or shared.
import { asProblem, deleteResource, getJson, postJson } from './api/client'
import { FINAL_STATUSES, type PresetListing, type ProgrammeCatalogue, type Run } from './api/types'
import { followRun, type Following } from './runs/followRun'
import { baselineRun } from './runs/baseline'
import { scenarioForm, type ScenarioForm } from './scenario/form'
import { collectOverrides, countChanges } from './scenario/overrides'
import { runRequest, validationDocument, type Source } from './scenario/request'
import { byId, h, replace } from './ui/dom'
import { renderFiguresForm, type FiguresForm } from './ui/figuresForm'
import { clearProblem, showProblem } from './ui/problemView'
import { progressRow } from './ui/progressView'
import { loadRunResults, renderResults } from './ui/resultsView'
import { runHistory } from './ui/runHistory'
import { sourcePicker } from './ui/sourcePicker'

const VALIDATE_DELAY_MS = 350

interface Active {
  run: Run
  following: Following
}

export async function startApp(): Promise<void> {
  const compare = byId<HTMLSelectElement>('compare')
  const runButton = byId<HTMLButtonElement>('run')
  const cancelButton = byId<HTMLButtonElement>('cancel')
  const progressArea = byId('progress-area')
  const runStatus = byId('run-status')
  const runProblem = byId('run-problem')
  const figuresBody = byId('figures-body')
  const figuresProblem = byId('figures-problem')
  const figuresState = byId('figures-state')
  const resetButton = byId<HTMLButtonElement>('reset')
  const results = byId('results-body')
  const figuresForm = byId<HTMLFormElement>('figures')

  const [presetList, catalogue] = await Promise.all([
    getJson<{ scenarios: PresetListing[] }>('/scenarios'),
    getJson<ProgrammeCatalogue>('/programmes').catch(() => ({ documents: [], programmes: [] }) as ProgrammeCatalogue),
  ])
  const presets = presetList.scenarios

  let source: Source | null = null
  let form: ScenarioForm | null = null
  let figures: FiguresForm | null = null
  let validateTimer: number | undefined
  let validateSeq = 0
  let active: Active[] = []
  let shown: { runId: string; baselineId: string | null } | null = null

  const say = (text: string) => {
    runStatus.textContent = text
  }

  // ---- compare-with options: presets over the same years; a reform's baseline by default
  const renderCompareOptions = (src: Source) => {
    const years = src.resolved.years.join(',')
    const parent = src.resolved.lineage.at(-1) ?? null
    const candidates = presets.filter((p) => p.years.join(',') === years)
    replace(
      compare,
      h('option', { value: 'none' }, 'No comparison'),
      candidates.map((p) =>
        h(
          'option',
          { value: p.name, selected: p.name === parent && (src.kind === 'document' || p.name !== src.name) },
          src.kind === 'preset' && p.name === src.name ? `${p.name} as published (without your edits)` : p.name === parent ? `${p.name} (its baseline)` : p.name,
        ),
      ),
    )
  }

  // ---- the figures and their validation
  const collect = () => (source && form && figures ? collectOverrides(source.resolved, form, figures.values()) : null)

  const validateNow = async () => {
    const c = collect()
    if (!c || !source || !figures) return
    const seq = ++validateSeq
    const n = countChanges(c.overrides)
    if (c.issues.length > 0) {
      figures.showIssues(c.issues)
      figuresState.textContent = `${c.issues.length} figure${c.issues.length > 1 ? 's need' : ' needs'} attention`
      clearProblem(figuresProblem)
      return
    }
    try {
      await postJson('/scenarios/validate', validationDocument(source, c.overrides))
      if (seq !== validateSeq) return
      figures.showIssues([])
      clearProblem(figuresProblem)
      figuresState.textContent = n === 0 ? 'As in the scenario' : `${n} change${n > 1 ? 's' : ''}, checked by the server`
    } catch (e) {
      if (seq !== validateSeq) return
      const p = asProblem(e)
      const unplaced = figures.showIssues(p.errors)
      figuresState.textContent = `${p.errors.length || 1} problem${p.errors.length > 1 ? 's' : ''}: see the messages beside the figures`
      if (unplaced.length > 0 || p.errors.length === 0) showProblem(figuresProblem, p, 'The scenario is not valid', unplaced)
      else clearProblem(figuresProblem)
    }
  }

  const scheduleValidation = () => {
    window.clearTimeout(validateTimer)
    validateTimer = window.setTimeout(() => void validateNow(), VALIDATE_DELAY_MS)
  }

  const setSource = (src: Source) => {
    source = src
    form = scenarioForm(src.resolved)
    figures = renderFiguresForm(figuresBody, form, scheduleValidation)
    figuresState.textContent = 'As in the scenario'
    clearProblem(figuresProblem)
    renderCompareOptions(src)
    if (src.kind === 'preset') history.replaceState(null, '', shown ? location.hash : `#preset=${encodeURIComponent(src.name)}`)
  }

  const picker = sourcePicker(presets, setSource)
  resetButton.addEventListener('click', () => {
    if (source) setSource(source)
  })
  // the form has no submit button; Enter in a field never starts a run by surprise
  figuresForm.addEventListener('submit', (e) => e.preventDefault())

  // ---- runs
  const setBusy = (busy: boolean) => {
    runButton.disabled = busy
    cancelButton.disabled = !busy
    runButton.setAttribute('aria-busy', String(busy))
  }

  const follow = (run: Run, label: string): Promise<Run> => {
    const row = progressRow(label, run)
    progressArea.append(row.element)
    if (FINAL_STATUSES.includes(run.status)) {
      row.finish(run)
      return Promise.resolve(run)
    }
    const following = followRun(run.id, {
      onProgress: row.update,
      onStatus: (r) => {
        if (r.status === 'running') row.element.dataset.status = 'running'
      },
      onInterrupted: (why) => say(why),
    })
    const entry = { run, following }
    active.push(entry)
    return following.final.then(
      (final) => {
        row.finish(final)
        active = active.filter((a) => a !== entry)
        return final
      },
      (e: unknown) => {
        active = active.filter((a) => a !== entry)
        throw e
      },
    )
  }

  const startRun = async () => {
    if (!source || !form || !figures || active.length > 0) return
    window.clearTimeout(validateTimer)
    clearProblem(runProblem)
    const c = collect()!
    if (c.issues.length > 0) {
      figures.showIssues(c.issues)
      figures.focusFirstProblem()
      say('Some figures need attention before the run can start.')
      return
    }
    setBusy(true)
    progressArea.replaceChildren()
    say('Submitting the run…')
    let main: Run
    try {
      main = (await postJson<Run>('/runs', runRequest(source, c.overrides))).body
    } catch (e) {
      const p = asProblem(e)
      const unplaced = figures.showIssues(p.errors)
      showProblem(runProblem, p, 'The run was not started', unplaced)
      figures.focusFirstProblem()
      say('The run was not started.')
      setBusy(false)
      return
    }
    let baseline: Run | null = null
    if (compare.value !== 'none') {
      try {
        baseline = (await baselineRun(compare.value, c.trials, c.seed)).run
      } catch (e) {
        showProblem(runProblem, e, `The baseline ${compare.value} could not be started; the run goes on alone`)
      }
    }
    say(baseline ? 'Running the scenario and its baseline…' : 'Running…')
    void historyList.refresh()
    try {
      const [m, b] = await Promise.all([follow(main, 'This scenario'), baseline ? follow(baseline, `Baseline: ${baseline.name}`) : Promise.resolve(null)])
      void historyList.refresh()
      if (m.status === 'done') {
        say(b && b.status !== 'done' ? `Done. The baseline was ${b.status}; showing the run alone.` : 'Done. The results are below.')
        await openRun(m.id, b && b.status === 'done' ? b.id : null)
      } else if (m.status === 'cancelled') {
        say('The run was cancelled.')
      } else {
        showProblem(runProblem, new Error(`${m.error?.code ?? 'FAILED'}: ${m.error?.message ?? 'the run failed'}`), 'The run failed')
        say('The run failed.')
      }
    } catch (e) {
      showProblem(runProblem, e, 'Lost track of the run')
    } finally {
      setBusy(false)
    }
  }

  const cancel = async () => {
    const running = [...active]
    if (running.length === 0) return
    cancelButton.disabled = true
    say('Cancelling…')
    for (const a of running) {
      try {
        await deleteResource(`/runs/${a.run.id}`)
      } catch (e) {
        showProblem(runProblem, e, 'The run could not be cancelled')
      }
    }
  }

  runButton.addEventListener('click', () => void startRun())
  cancelButton.addEventListener('click', () => void cancel())

  // ---- results
  const openRun = async (runId: string, baselineId: string | null): Promise<void> => {
    replace(results, h('p', { class: 'muted loading' }, 'Loading the results…'))
    try {
      const run = await getJson<Run>(`/runs/${runId}`)
      if (!FINAL_STATUSES.includes(run.status)) {
        // an earlier run still going: follow it in the run box, then show it
        replace(results, h('p', { class: 'muted' }, `Run ${run.id.slice(0, 8)} is ${run.status}; its progress is shown beside the scenario.`))
        // already followed, or the run box is busy with another run: its list entry shows the progress
        if (active.length > 0) return
        setBusy(true)
        progressArea.replaceChildren()
        const final = await follow(run, run.name).finally(() => setBusy(false))
        if (final.status === 'done') return openRun(final.id, baselineId)
        replace(results, h('p', { class: 'muted' }, `Run ${run.id.slice(0, 8)} ended ${final.status}.`))
        return
      }
      if (run.status !== 'done') {
        replace(
          results,
          h('div', { class: 'card' }, h('h2', {}, (typeof run.scenario.title === 'string' && run.scenario.title) || run.name), h('p', {}, run.status === 'failed' ? `This run failed: ${run.error?.code}: ${run.error?.message}` : 'This run was cancelled; it has no results.')),
        )
        return
      }
      const [mine, base] = await Promise.all([loadRunResults(runId), baselineId ? loadRunResults(baselineId) : Promise.resolve(null)])
      shown = { runId, baselineId }
      history.replaceState(null, '', `#run=${runId}${baselineId ? `&baseline=${baselineId}` : ''}`)
      renderResults(results, {
        ...mine,
        baseline: base,
        documents: catalogue.documents,
        onEditScenario: (r) => void picker.useDocument(r.scenario, `run ${r.id.slice(0, 8)}`),
        onStopComparing: () => void openRun(runId, null),
      })
      void historyList.refresh()
    } catch (e) {
      replace(results, h('div', { class: 'problem', role: 'alert' }))
      showProblem(results.firstElementChild as HTMLElement, e, 'The results could not be shown')
    }
  }

  const historyList = runHistory(byId('history'), {
    onOpen: (r) => void openRun(r.id, null),
    onCompare: (r) => {
      if (shown) void openRun(shown.runId, r.id)
    },
    currentId: () => shown?.runId ?? null,
  })

  // ---- start: the address says what to show
  const params = new URLSearchParams(location.hash.slice(1))
  const wanted = params.get('preset')
  const firstPreset = presets.find((p) => p.name === wanted) ?? presets.find((p) => p.name === 'guangzhou-2015-2017-baseline') ?? presets[0]
  if (firstPreset) await picker.selectPreset(firstPreset.name)
  void historyList.refresh()
  const runId = params.get('run')
  if (runId) await openRun(runId, params.get('baseline'))
  document.body.dataset.ready = 'true'
}
