// Why: the page's controller. It ties the scenario source and the figures form (validated by the
// server as the planner types; Run waits until the figures are valid), the run box (reuse a finished
// run of the same scenario, or submit, follow progress, cancel, with an optional baseline on the
// same draws), the results view and the list of earlier runs. The address (#run=<id>&baseline=<id>)
// names the run on screen: opening a run writes it (a new history entry), and a pasted address,
// Back or Forward shows the run it names, so the address, the list and the results always agree.
// The decision-analysis box (ui/analysisPanel.ts) asks about the same scenario, edits included.
import { asProblem, deleteResource, getJson, postJson } from './api/client'
import { FINAL_STATUSES, type Issue, type PresetDetail, type PresetListing, type ProgrammeCatalogue, type Run } from './api/types'
import { addressFor, readAddress, sameView, type Shown } from './runs/address'
import { baselineRun } from './runs/baseline'
import { findFinishedRun } from './runs/finishedRun'
import { followRun, type Following } from './runs/followRun'
import { baselineOf, scenarioChanges } from './runs/scenarioChanges'
import { scenarioForm, type ScenarioForm } from './scenario/form'
import { collectOverrides, countChanges } from './scenario/overrides'
import { runRequest, validationDocument, type Source } from './scenario/request'
import { precisionOutcome } from './runs/precisionTarget'
import { analysisPanel, type AnalysisPanel } from './ui/analysisPanel'
import { byId, h, replace } from './ui/dom'
import { renderFiguresForm, type FiguresForm } from './ui/figuresForm'
import { precisionControl, type PrecisionControl } from './ui/precisionControl'
import { clearProblem, showProblem } from './ui/problemView'
import { progressRow } from './ui/progressView'
import { loadRunResults, renderResults } from './ui/resultsView'
import { runHistory } from './ui/runHistory'
import { sourcePicker } from './ui/sourcePicker'
import { helpSection } from './ui/terms'

const VALIDATE_DELAY_MS = 350

interface Active {
  run: Run
  following: Following
}

export async function startApp(): Promise<void> {
  const compare = byId<HTMLSelectElement>('compare')
  const runButton = byId<HTMLButtonElement>('run')
  const cancelButton = byId<HTMLButtonElement>('cancel')
  const runBlocked = byId('run-blocked')
  const progressArea = byId('progress-area')
  const runStatus = byId('run-status')
  const runReused = byId('run-reused')
  const runProblem = byId('run-problem')
  const figuresBody = byId('figures-body')
  const figuresProblem = byId('figures-problem')
  const figuresState = byId('figures-state')
  const resetButton = byId<HTMLButtonElement>('reset')
  const results = byId('results-body')
  const emptyState = results.innerHTML
  const figuresForm = byId<HTMLFormElement>('figures')

  helpSection(byId('help'))

  const [presetList, catalogue] = await Promise.all([
    getJson<{ scenarios: PresetListing[] }>('/scenarios'),
    getJson<ProgrammeCatalogue>('/programmes').catch(() => ({ documents: [], programmes: [] }) as ProgrammeCatalogue),
  ])
  const presets = presetList.scenarios

  let source: Source | null = null
  let form: ScenarioForm | null = null
  let figures: FiguresForm | null = null
  /** "run until precise": an optional precision target in the run box */
  let precision: PrecisionControl | null = null
  let validateTimer: number | undefined
  let validateSeq = 0
  let active: Active[] = []
  /** the run (and baseline) the address and the results are about */
  let shown: Shown | null = null
  let showSeq = 0
  /** the runs the Run panel's progress and status speak of */
  let panelRuns: string[] = []
  /** figures with a problem, found by the page and by the server: Run waits for none */
  let pageIssues = 0
  let serverIssues = 0
  /** the decision-analysis box: it asks about the same scenario, and waits for valid figures too */
  let analyses: AnalysisPanel | null = null

  const say = (text: string) => {
    runStatus.textContent = text
  }

  // ---- the Run button: disabled while a run goes on or a figure is invalid
  const updateRunButton = () => {
    const busy = active.length > 0
    const figuresInvalid = pageIssues + serverIssues > 0
    const precisionInvalid = precision ? !precision.read().ok : false
    runButton.disabled = busy || figuresInvalid || precisionInvalid
    runButton.setAttribute('aria-busy', String(busy))
    cancelButton.disabled = !busy
    runBlocked.hidden = busy || !(figuresInvalid || precisionInvalid)
    runBlocked.textContent = figuresInvalid ? 'Correct the figures marked ⚠ below, then run.' : 'Enter the precision wanted (±), or untick Run until precise, then run.'
    analyses?.update()
  }

  /** Forget the Run panel's report on another run (a run opened from the list is not the one it followed). */
  const clearPanel = () => {
    progressArea.replaceChildren()
    say('')
    runReused.replaceChildren()
    runReused.hidden = true
    clearProblem(runProblem)
    panelRuns = []
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
    pageIssues = c.issues.length
    updateRunButton()
    if (c.issues.length > 0) {
      figures.showIssues(c.issues)
      figuresState.textContent = `${c.issues.length} figure${c.issues.length > 1 ? 's need' : ' needs'} attention`
      clearProblem(figuresProblem)
      return
    }
    try {
      await postJson('/scenarios/validate', validationDocument(source, c.overrides))
      if (seq !== validateSeq) return
      serverIssues = 0
      figures.showIssues([])
      clearProblem(figuresProblem)
      figuresState.textContent = n === 0 ? 'As in the scenario' : `${n} change${n > 1 ? 's' : ''}, checked by the server`
    } catch (e) {
      if (seq !== validateSeq) return
      const p = asProblem(e)
      serverIssues = Math.max(1, p.errors.length)
      const unplaced = figures.showIssues(p.errors, { fromServer: true })
      figuresState.textContent = `${p.errors.length || 1} problem${p.errors.length > 1 ? 's' : ''}: see the messages beside the figures`
      if (unplaced.length > 0 || p.errors.length === 0) showProblem(figuresProblem, p, 'The scenario is not valid', unplaced)
      else clearProblem(figuresProblem)
    }
    updateRunButton()
  }

  const onFiguresChange = () => {
    // what the page can see is known at once; the server's verdict stands until it answers again
    const c = collect()
    pageIssues = c ? c.issues.length : 0
    updateRunButton()
    window.clearTimeout(validateTimer)
    validateTimer = window.setTimeout(() => void validateNow(), VALIDATE_DELAY_MS)
  }

  const setSource = (src: Source) => {
    source = src
    form = scenarioForm(src.resolved)
    figures = renderFiguresForm(figuresBody, form, onFiguresChange)
    precision = precisionControl(byId('precision-area'), src.resolved, updateRunButton)
    figuresState.textContent = 'As in the scenario'
    pageIssues = 0
    serverIssues = 0
    updateRunButton()
    clearProblem(figuresProblem)
    renderCompareOptions(src)
    analyses?.setScenario(src.resolved)
    if (!shown) history.replaceState(null, '', addressFor(null, src.kind === 'preset' ? src.name : null) || location.pathname)
  }

  analyses = analysisPanel({
    scenario: () => {
      const c = collect()
      return source && c ? { source, overrides: c.overrides } : null
    },
    figuresValid: () => pageIssues + serverIssues === 0,
    showFigureIssues: (issues) => {
      if (!figures) return issues
      serverIssues = issues.length
      const unplaced = figures.showIssues(issues, { fromServer: true })
      figuresState.textContent = `${issues.length} problem${issues.length > 1 ? 's' : ''}: see the messages beside the figures`
      updateRunButton()
      return unplaced
    },
    titles: new Map(catalogue.programmes.map((p) => [p.id, p.title])),
  })

  const picker = sourcePicker(presets, setSource)
  resetButton.addEventListener('click', () => {
    if (source) setSource(source)
  })
  // the form has no submit button; Enter in a field never starts a run by surprise
  figuresForm.addEventListener('submit', (e) => e.preventDefault())

  // ---- runs
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
    updateRunButton()
    const settle = () => {
      active = active.filter((a) => a !== entry)
      updateRunButton()
    }
    return following.final.then(
      (final) => {
        row.finish(final)
        settle()
        return final
      },
      (e: unknown) => {
        settle()
        throw e
      },
    )
  }

  const reusedNotice = (run: Run) => {
    const when = run.finished_at ? new Date(run.finished_at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : 'earlier'
    replace(
      runReused,
      h('p', {}, `This scenario already ran with these trials and seed (run ${run.id.slice(0, 8)}, ${when}); its results are the same, so they are shown.`),
      h('button', { type: 'button', class: 'secondary small', id: 'run-again', onclick: () => void startRun({ force: true }) }, 'Run again anyway'),
    )
    runReused.hidden = false
  }

  const startRun = async (options: { force?: boolean } = {}) => {
    if (!source || !form || !figures || active.length > 0) return
    window.clearTimeout(validateTimer)
    clearPanel()
    const c = collect()!
    if (c.issues.length > 0) {
      pageIssues = c.issues.length
      updateRunButton()
      figures.showIssues(c.issues)
      figures.focusFirstProblem()
      say('Some figures need attention before the run can start.')
      return
    }
    const wanted = precision?.read() ?? { ok: true as const, target: null }
    if (!wanted.ok) {
      precision?.focus()
      say('Enter the precision wanted before the run can start.')
      return
    }
    // a run to a precision stops at a number of trials known only at its end
    const target = wanted.target
    runButton.disabled = true
    say('Submitting the run…')
    let main: Run | null = null
    try {
      // the same scenario with the same trials and seed gives the same results: reuse a finished run
      if (!options.force && !target) main = await findFinishedRun(validationDocument(source, c.overrides))
      if (main) reusedNotice(main)
      else main = (await postJson<Run>('/runs', { ...runRequest(source, c.overrides), ...(target ? { precision: [target] } : {}) })).body
    } catch (e) {
      const p = asProblem(e)
      const mine = (i: Issue) => /^precision(\[|\.|$)/.test(i.path)
      const forFigures = p.errors.filter((i) => !mine(i))
      serverIssues = forFigures.length
      const unplaced = [...figures.showIssues(forFigures, { fromServer: true }), ...(precision?.showServerIssues(p.errors.filter(mine)) ?? p.errors.filter(mine))]
      showProblem(runProblem, p, 'The run was not started', unplaced)
      if (!figures.focusFirstProblem() && p.errors.some(mine)) precision?.focus()
      say('The run was not started.')
      updateRunButton()
      return
    }
    // the baseline runs the same trials and seed: a precision run's trials are known when it ends
    const startBaseline = async (trials: number): Promise<Run | null> => {
      if (compare.value === 'none') return null
      try {
        return (await baselineRun(compare.value, trials, c.seed)).run
      } catch (e) {
        showProblem(runProblem, e, `The baseline ${compare.value} could not be started; the run goes on alone`)
        return null
      }
    }
    let baseline = target ? null : await startBaseline(c.trials)
    panelRuns = [main.id, ...(baseline ? [baseline.id] : [])]
    say(baseline ? 'Running the scenario and its baseline…' : target ? 'Running until the figure is precise enough…' : 'Running…')
    void historyList.refresh()
    try {
      let [m, b] = await Promise.all([follow(main, 'This scenario'), baseline ? follow(baseline, `Baseline: ${baseline.name}`) : Promise.resolve(null)])
      if (target && m.status === 'done' && compare.value !== 'none') {
        say(`Running the baseline with the ${m.trials.toLocaleString('en-US')} trials the scenario stopped at…`)
        baseline = await startBaseline(m.trials)
        if (baseline) {
          panelRuns.push(baseline.id)
          b = await follow(baseline, `Baseline: ${baseline.name}`)
        }
      }
      void historyList.refresh()
      if (m.status === 'done') {
        const precise = m.precision ? ` ${precisionOutcome(m.precision).text}` : ''
        say(b && b.status !== 'done' ? `Done. The baseline was ${b.status}; showing the run alone.${precise}` : `Done. The results are shown.${precise}`)
        await showRun({ runId: m.id, baselineId: b && b.status === 'done' ? b.id : null }, { history: 'push', focus: true })
      } else if (m.status === 'cancelled') {
        say('The run was cancelled.')
      } else {
        showProblem(runProblem, new Error(`${m.error?.code ?? 'FAILED'}: ${m.error?.message ?? 'the run failed'}`), 'The run failed')
        say('The run failed.')
      }
    } catch (e) {
      showProblem(runProblem, e, 'Lost track of the run')
    } finally {
      updateRunButton()
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

  // ---- results: what the address names
  const runCard = (run: Run, text: string) =>
    h('section', { class: 'card run-state', 'data-status': run.status }, h('h2', { id: 'run-title', tabindex: '-1' }, (typeof run.scenario.title === 'string' && run.scenario.title) || run.name), h('p', {}, text))

  /**
   * Show a run (or nothing) and make the address and the list say so. `history`: push a new entry
   * (the planner opened it), replace the current one, or leave the address (it changed already).
   */
  const showRun = async (view: Shown | null, how: { history: 'push' | 'replace' | 'none'; focus?: boolean }): Promise<void> => {
    const seq = ++showSeq
    const current = () => seq === showSeq
    shown = view
    if (how.history !== 'none') {
      const address = addressFor(view, !view && source?.kind === 'preset' ? source.name : null) || location.pathname + location.search
      if (address !== location.hash) history[how.history === 'push' ? 'pushState' : 'replaceState'](null, '', address)
    }
    results.dataset.run = view?.runId ?? ''
    void historyList.refresh()
    // the Run panel speaks of the runs it started or follows, not of one opened from the list
    if (active.length === 0 && (!view || !panelRuns.includes(view.runId))) clearPanel()
    if (!view) {
      results.innerHTML = emptyState
      return
    }
    replace(results, h('p', { class: 'muted loading' }, 'Loading the results…'))
    try {
      let run = await getJson<Run>(`/runs/${view.runId}`)
      if (!current()) return
      if (!FINAL_STATUSES.includes(run.status)) {
        // an earlier run still going: follow it in the run box (when free), then show it
        replace(results, runCard(run, `Run ${run.id.slice(0, 8)} is ${run.status}; its progress is shown beside the scenario.`))
        if (active.length > 0) return
        clearPanel()
        panelRuns = [run.id]
        run = await follow(run, run.name)
        if (!current()) return
      }
      if (run.status !== 'done') {
        replace(results, runCard(run, run.status === 'failed' ? `This run failed: ${run.error?.code}: ${run.error?.message}` : `This run was cancelled after ${run.progress.trials_done.toLocaleString('en-US')} of ${run.trials.toLocaleString('en-US')} trials; it has no results.`))
        return
      }
      const [mine, base] = await Promise.all([loadRunResults(view.runId), view.baselineId ? loadRunResults(view.baselineId) : Promise.resolve(null)])
      if (!current()) return
      renderResults(results, {
        ...mine,
        baseline: base,
        documents: catalogue.documents,
        focus: how.focus,
        onEditScenario: (r) => void picker.useDocument(r.scenario, `run ${r.id.slice(0, 8)}`),
        onStopComparing: () => void showRun({ runId: view.runId, baselineId: null }, { history: 'push' }),
      })
    } catch (e) {
      if (!current()) return
      replace(results, h('div', { class: 'problem', role: 'alert' }))
      showProblem(results.firstElementChild as HTMLElement, e, 'The results could not be shown')
    }
  }

  // what a run changes against its baseline preset, for the list (each preset fetched once)
  const presetDetails = new Map<string, Promise<PresetDetail>>()
  const changesOf = async (run: Run) => {
    const base = baselineOf(run)
    if (!base || !presets.some((p) => p.name === base)) return null
    if (!presetDetails.has(base)) presetDetails.set(base, getJson<PresetDetail>(`/scenarios/${encodeURIComponent(base)}`))
    return { baseline: base, changes: scenarioChanges(run.scenario, await presetDetails.get(base)!) }
  }

  const historyList = runHistory(byId('history'), {
    onOpen: (r) => void showRun({ runId: r.id, baselineId: null }, { history: 'push', focus: true }),
    onCompare: (r) => {
      if (shown) void showRun({ runId: shown.runId, baselineId: r.id }, { history: 'push', focus: true })
    },
    currentId: () => shown?.runId ?? null,
    changesOf,
  })

  // ---- the address changed (pasted, Back, Forward): show what it names
  const onAddressChange = () => {
    const address = readAddress(location.hash)
    if (sameView(address.view, shown)) return
    void showRun(address.view, { history: 'none' })
  }
  window.addEventListener('popstate', onAddressChange)
  window.addEventListener('hashchange', onAddressChange)
  // in-page links (#results, #help) move focus without changing the address, which names the run
  document.addEventListener('click', (e) => {
    const link = (e.target as Element | null)?.closest?.('a[href^="#"]')
    const target = link && document.getElementById(decodeURIComponent(link.getAttribute('href')!.slice(1)))
    if (!target) return
    e.preventDefault()
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1')
    target.scrollIntoView({ block: 'start' })
    target.focus({ preventScroll: true })
  })

  // ---- start: the address says what to show
  const start = readAddress(location.hash)
  shown = start.view
  const firstPreset = presets.find((p) => p.name === start.preset) ?? presets.find((p) => p.name === 'guangzhou-2015-2017-baseline') ?? presets[0]
  if (firstPreset) await picker.selectPreset(firstPreset.name)
  if (start.view) await showRun(start.view, { history: 'replace' })
  else void historyList.refresh()
  document.body.dataset.ready = 'true'
}
