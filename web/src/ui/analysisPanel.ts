// Why: the analysis box beside the run box. It asks the server a decision question of the scenario
// in the editor, edits included (POST /analyses: a tornado or a goal seek), waits with Analyse while a
// field or a figure is invalid, follows the analysis's runs over server-sent events with a progress
// bar and Cancel, puts the server's problems beside the fields they name (the analysis's own, or the
// figures' for `overrides.*`), and when it ends shows the answer at the top of the results column
// and lists it among the earlier analyses, from where any can be opened again.
import { asProblem, deleteResource, getJson, postJson } from '../api/client'
import { FINAL_STATUSES, type Analysis, type AnalysisProgress, type Issue, type ResolvedScenario } from '../api/types'
import { analysisRequest } from '../analysis/analysisRequest'
import { followAnalysis, type FollowingAnalysis } from '../analysis/followAnalysis'
import type { Overrides } from '../scenario/overrides'
import type { Source } from '../scenario/request'
import { analysisForm, type AnalysisForm } from './analysisForm'
import { analysisHistory } from './analysisHistory'
import { renderAnalysis } from './analysisView'
import { byId, h, replace } from './dom'
import { clearProblem, showProblem } from './problemView'

export interface AnalysisHost {
  /** the scenario in the editor with the planner's edits, or null while none is loaded */
  scenario: () => { source: Source; overrides: Overrides } | null
  /** every figure valid (the page's and the server's verdict)? */
  figuresValid: () => boolean
  /** put problems with the scenario (`overrides.*`, `scenario.*`) beside the figures; returns those no field owns */
  showFigureIssues: (issues: Issue[]) => Issue[]
  /** programme id -> title, for every programme the seeds know */
  titles: ReadonlyMap<string, string>
}

export interface AnalysisPanel {
  /** a new scenario in the editor: the form offers its parameters, levels and years */
  setScenario: (resolved: ResolvedScenario) => void
  /** the figures changed: Analyse waits while they are invalid */
  update: () => void
}

/** "12 of 31 runs" */
const runsText = (p: AnalysisProgress) => `${p.runs_done.toLocaleString('en-US')} of ${p.runs.toLocaleString('en-US')} runs`

export function analysisPanel(host: AnalysisHost): AnalysisPanel {
  const fields = byId('analysis-fields')
  const analyse = byId<HTMLButtonElement>('analyse')
  const cancel = byId<HTMLButtonElement>('analysis-cancel')
  const blocked = byId('analysis-blocked')
  const progressArea = byId('analysis-progress')
  const status = byId('analysis-status')
  const problem = byId('analysis-problem')
  const section = byId('analysis')
  let form: AnalysisForm | null = null
  let active: { id: string; following: FollowingAnalysis } | null = null
  let shownId: string | null = null
  let showSeq = 0

  const say = (text: string) => {
    status.textContent = text
  }

  const update = () => {
    const state = form?.check() ?? { ready: false, pending: [] }
    const figures = host.figuresValid()
    const busy = active !== null
    analyse.disabled = busy || !form || !state.ready || !figures
    analyse.setAttribute('aria-busy', String(busy))
    cancel.disabled = !busy
    const reasons = [...(figures ? [] : ['the figures marked ⚠ above']), ...(state.ready ? [] : [state.pending.join(', ')])]
    blocked.hidden = busy || !form || reasons.length === 0
    blocked.textContent = reasons.length > 0 ? `Complete or correct ${reasons.join(' and ')}, then analyse.` : ''
  }

  const close = () => {
    shownId = null
    ++showSeq
    section.hidden = true
    section.replaceChildren()
    delete section.dataset.analysis
    void history.refresh()
  }

  /** Show an analysis at the top of the results column (`focus`: take the planner to it). */
  const show = (a: Analysis, focus: boolean) => {
    shownId = a.id
    const heading = renderAnalysis(section, a, { titles: host.titles, onClose: close })
    void history.refresh()
    if (focus) {
      heading.focus({ preventScroll: true })
      section.scrollIntoView({ block: 'start' })
    }
  }

  const open = async (id: string) => {
    const seq = ++showSeq
    try {
      const a = await getJson<Analysis>(`/analyses/${id}`)
      if (seq === showSeq) show(a, true)
    } catch (e) {
      if (seq === showSeq) showProblem(problem, e, 'The analysis could not be opened')
    }
  }

  const history = analysisHistory(byId('analysis-history'), {
    onOpen: (a) => void open(a.id),
    currentId: () => shownId,
    titles: host.titles,
  })

  const progressRow = (a: Analysis) => {
    const bar = h('progress', { id: `analysis-progress-${a.id}`, max: '1', value: String(a.progress.fraction) }) as HTMLProgressElement
    const text = h('span', { class: 'progress-text' }, runsText(a.progress))
    const row = h('div', { class: 'progress-row', 'data-analysis': a.id, 'data-status': a.status }, h('label', { for: bar.id }, a.kind === 'sensitivity' ? 'Tornado' : 'Goal seek'), bar, text)
    replace(progressArea, row)
    return {
      update: (p: AnalysisProgress) => {
        bar.value = Math.min(1, p.fraction)
        bar.setAttribute('aria-valuetext', `${Math.round(p.fraction * 100)}%, ${runsText(p)}`)
        text.textContent = `${runsText(p)} on the same draws`
      },
      finish: (f: Analysis) => {
        row.dataset.status = f.status
        if (f.status === 'done') bar.value = 1
        text.textContent = f.status === 'done' ? `${runsText(f.progress)} · done` : f.status === 'cancelled' ? `cancelled after ${runsText(f.progress)}` : `failed: ${f.error?.code ?? 'unknown error'}`
      },
    }
  }

  const start = async () => {
    const scenario = host.scenario()
    if (!form || !scenario || active) return
    clearProblem(problem)
    const reading = form.read()
    if (!reading.ok) {
      form.focusFirstProblem()
      update()
      return
    }
    analyse.disabled = true
    say('Submitting the analysis…')
    let a: Analysis
    try {
      a = (await postJson<Analysis>('/analyses', analysisRequest(scenario.source, scenario.overrides, reading.values))).body
    } catch (e) {
      const p = asProblem(e)
      // the analysis's fields first, then the figures (overrides.*), then what belongs to no field
      const rest = form.showServerIssues(p.errors)
      const scenarioIssues = rest.filter((i) => /^(overrides|scenario)(\.|\[|$)/.test(i.path))
      const nowhere = [...rest.filter((i) => !scenarioIssues.includes(i)), ...(scenarioIssues.length > 0 ? host.showFigureIssues(scenarioIssues) : [])]
      showProblem(problem, p, 'The analysis was not started', nowhere)
      form.focusFirstProblem()
      say('The analysis was not started.')
      update()
      return
    }
    const row = progressRow(a)
    say(`Running ${a.progress.runs.toLocaleString('en-US')} runs on the same random draws…`)
    const following = followAnalysis(a.id, {
      onProgress: row.update,
      onStatus: (x) => {
        if (!FINAL_STATUSES.includes(x.status)) row.update(x.progress)
      },
      onInterrupted: (why) => say(why),
    })
    active = { id: a.id, following }
    update()
    void history.refresh()
    try {
      const final = await following.final
      row.finish(final)
      active = null
      if (final.status === 'done') {
        say('Done. The answer is shown at the top of the results.')
        show(final, true)
      } else if (final.status === 'cancelled') {
        say('The analysis was cancelled.')
        void history.refresh()
      } else {
        // a goal seek that cannot answer says why, in words, where its answer would be
        say(`The analysis failed (${final.error?.code ?? 'unknown error'}); see why at the top of the results.`)
        show(final, true)
      }
    } catch (e) {
      active = null
      showProblem(problem, e, 'Lost track of the analysis')
    } finally {
      update()
    }
  }

  analyse.addEventListener('click', () => void start())
  cancel.addEventListener('click', async () => {
    if (!active) return
    cancel.disabled = true
    say('Cancelling…')
    try {
      await deleteResource(`/analyses/${active.id}`)
    } catch (e) {
      showProblem(problem, e, 'The analysis could not be cancelled')
      cancel.disabled = false
    }
  })
  byId<HTMLFormElement>('analysis-form').addEventListener('submit', (e) => e.preventDefault())
  void history.refresh()

  return {
    setScenario: (resolved) => {
      form = analysisForm(fields, resolved, update)
      update()
    },
    update,
  }
}
