// Why: a planner comes back to yesterday's run. The list of earlier runs (newest first, from
// GET /runs) says what each changes against its baseline preset ("cap 500 万元 → 300 万元"), marks
// the run on screen, reopens any of them, or sets a finished one as the baseline of the run on screen.
import { getJson } from '../api/client'
import type { Run, RunList } from '../api/types'
import type { Change } from '../runs/scenarioChanges'
import { h, replace } from './dom'
import { showProblem } from './problemView'

export interface HistoryHandlers {
  onOpen: (run: Run) => void
  onCompare: (run: Run) => void
  /** the id of the run on screen, if any */
  currentId: () => string | null
  /** what a run changes against its baseline preset (null: it has none to compare with) */
  changesOf?: (run: Run) => Promise<{ baseline: string; changes: Change[] } | null>
}

/** At most this many changes are listed; the rest are counted. */
const SHOWN_CHANGES = 3

function changesLine(cell: HTMLElement, result: { baseline: string; changes: Change[] } | null): void {
  if (!result) return
  const { baseline, changes } = result
  cell.dataset.changes = String(changes.length)
  if (changes.length === 0) {
    replace(cell, `as ${baseline}`)
    return
  }
  const more = changes.length - SHOWN_CHANGES
  replace(
    cell,
    `against ${baseline}: `,
    changes.slice(0, SHOWN_CHANGES).flatMap((c, i) => [i > 0 ? '; ' : '', h('span', { class: 'change', 'data-path': c.path }, c.text)]),
    more > 0 ? `; and ${more} more` : '',
  )
  cell.title = changes.map((c) => c.text).join('\n')
}

const PAGE = 10

export interface RunHistory {
  refresh: () => Promise<void>
}

const STATUS_TEXT: Record<Run['status'], string> = { queued: 'Queued', running: 'Running', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' }

export function runHistory(container: HTMLElement, handlers: HistoryHandlers): RunHistory {
  let offset = 0
  const problem = h('div', { class: 'problem', role: 'alert', hidden: true })
  const listArea = h('div', { 'data-volatile': '' })

  let generation = 0
  const refresh = async () => {
    const mine = ++generation
    let list: RunList
    try {
      list = await getJson<RunList>(`/runs?limit=${PAGE}&offset=${offset}`)
    } catch (e) {
      showProblem(problem, e, 'The list of runs could not be loaded')
      return
    }
    // a later refresh (another run opened meanwhile) answers for the list
    if (mine !== generation) return
    problem.hidden = true
    if (list.total === 0) {
      replace(listArea, h('p', { class: 'muted' }, 'No runs yet. Runs you start appear here, and stay after the server restarts.'))
      return
    }
    const current = handlers.currentId()
    const rows = list.runs.map((r) => {
      const changes = h('span', { class: 'run-changes' })
      if (handlers.changesOf)
        handlers.changesOf(r).then(
          (result) => changesLine(changes, result),
          () => undefined,
        )
      return h(
        'tr',
        { 'data-run': r.id, class: r.id === current ? 'current' : '', 'aria-current': r.id === current ? 'true' : null },
        h(
          'th',
          { scope: 'row' },
          h('span', { class: 'run-name' }, (typeof r.scenario.title === 'string' && r.scenario.title) || r.name),
          h('span', { class: 'run-id' }, ` ${r.id.slice(0, 8)}`),
          r.scenario.title && r.name !== r.preset ? h('span', { class: 'run-slug' }, ` ${r.name}`) : null,
          changes,
        ),
        h('td', {}, h('span', { class: `status status-${r.status}` }, STATUS_TEXT[r.status]), r.status === 'running' ? ` ${Math.round((r.progress.fraction ?? 0) * 100)}%` : ''),
        h('td', { class: 'num' }, r.trials.toLocaleString('en-US')),
        h('td', { class: 'num' }, r.seed),
        h('td', {}, new Date(r.created_at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })),
        h(
          'td',
          { class: 'actions' },
          h('button', { type: 'button', class: 'small', onclick: () => handlers.onOpen(r), 'aria-label': `Open run ${r.id.slice(0, 8)} (${r.name})` }, r.id === current ? 'Shown' : 'Open'),
          r.status === 'done' && current && r.id !== current
            ? h('button', { type: 'button', class: 'small secondary', onclick: () => handlers.onCompare(r), 'aria-label': `Compare the run on screen with run ${r.id.slice(0, 8)}` }, 'Use as baseline')
            : null,
        ),
      )
    })
    const pager = h(
      'div',
      { class: 'pager' },
      h('button', { type: 'button', class: 'small secondary', disabled: offset === 0, onclick: () => ((offset = Math.max(0, offset - PAGE)), void refresh()) }, 'Newer'),
      h('span', { class: 'muted' }, `${offset + 1}–${Math.min(offset + PAGE, list.total)} of ${list.total}`),
      h('button', { type: 'button', class: 'small secondary', disabled: list.next === null, onclick: () => ((offset += PAGE), void refresh()) }, 'Older'),
    )
    replace(
      listArea,
      h(
        'div',
        { class: 'table-scroll', role: 'region', 'aria-label': 'Earlier runs', tabindex: '0' },
        h(
          'table',
          { class: 'data-table runs-table' },
          h('thead', {}, h('tr', {}, ['Scenario', 'Status', 'Trials', 'Seed', 'Started', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, rows),
        ),
      ),
      pager,
    )
  }

  replace(
    container,
    h('div', { class: 'section-head' }, h('h2', { id: 'history-h' }, 'Earlier runs'), h('button', { type: 'button', class: 'small secondary', onclick: () => void refresh() }, 'Refresh')),
    problem,
    listArea,
  )
  return { refresh }
}
