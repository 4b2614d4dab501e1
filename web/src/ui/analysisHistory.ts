// Why: an analysis takes a while and a planner comes back to it, so finished (and running) analyses
// are listed, newest first (GET /analyses), each with the question it asked, of which scenario, and
// its status; Open shows it again at the top of the results.
import { getJson } from '../api/client'
import type { Analysis, AnalysisList } from '../api/types'
import { h, replace } from './dom'
import { analysisQuestion } from './analysisView'
import { showProblem } from './problemView'

export interface AnalysisHistory {
  refresh: () => Promise<void>
}

const STATUS_TEXT: Record<Analysis['status'], string> = { queued: 'Queued', running: 'Running', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' }
const PAGE = 10

export function analysisHistory(container: HTMLElement, handlers: { onOpen: (a: Analysis) => void; currentId: () => string | null; titles: ReadonlyMap<string, string> }): AnalysisHistory {
  const problem = h('div', { class: 'problem', role: 'alert', hidden: true })
  const listArea = h('div', { 'data-volatile': '' })
  let generation = 0
  const refresh = async () => {
    const mine = ++generation
    let list: AnalysisList
    try {
      list = await getJson<AnalysisList>(`/analyses?limit=${PAGE}`)
    } catch (e) {
      showProblem(problem, e, 'The list of analyses could not be loaded')
      return
    }
    if (mine !== generation) return
    problem.hidden = true
    if (list.total === 0) {
      replace(listArea, h('p', { class: 'muted' }, 'No analyses yet. A tornado or a goal seek you start (4. Decision analysis, beside the figures) appears here.'))
      return
    }
    const current = handlers.currentId()
    replace(
      listArea,
      h(
        'div',
        { class: 'table-scroll', role: 'region', 'aria-label': 'Earlier analyses', tabindex: '0' },
        h(
          'table',
          { class: 'data-table runs-table' },
          h('thead', {}, h('tr', {}, ['Question', 'Scenario', 'Status', 'Trials a run', 'Started', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            {},
            list.analyses.map((a) =>
              h(
                'tr',
                { 'data-analysis': a.id, class: a.id === current ? 'current' : '', 'aria-current': a.id === current ? 'true' : null },
                h('th', { scope: 'row' }, h('span', { class: 'run-name' }, analysisQuestion(a, handlers.titles)), h('span', { class: 'run-id' }, ` ${a.id.slice(0, 8)}`)),
                h('td', {}, a.name),
                h('td', {}, h('span', { class: `status status-${a.status}` }, STATUS_TEXT[a.status]), a.status === 'running' ? ` ${Math.round(a.progress.fraction * 100)}%` : ''),
                h('td', { class: 'num' }, a.trials.toLocaleString('en-US')),
                h('td', {}, new Date(a.created_at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })),
                h('td', { class: 'actions' }, h('button', { type: 'button', class: 'small', onclick: () => handlers.onOpen(a), 'aria-label': `Open analysis ${a.id.slice(0, 8)}` }, a.id === current ? 'Shown' : 'Open')),
              ),
            ),
          ),
        ),
      ),
    )
  }
  replace(
    container,
    h('div', { class: 'section-head' }, h('h2', { id: 'analysis-history-h' }, 'Earlier analyses'), h('button', { type: 'button', class: 'small secondary', onclick: () => void refresh() }, 'Refresh')),
    problem,
    listArea,
  )
  return { refresh }
}
