// Why: a finished analysis is an answer the planner came for, so it is shown at the top of the
// results column: what was asked (the figure, or the parameter and target), of which scenario, with
// how many trials and runs, then the tornado or the goal seek's answer (or why a goal seek could not
// answer, in words), and the report to file (PDF or HTML). The page is taken to it when it ends.
import type { Analysis, GoalSeekResult, TornadoResult } from '../api/types'
import { goalSeekProblem } from '../analysis/goalSeekProblem'
import { figureText, formatStatistic, parameterLabel, STATISTIC_NAMES } from '../format/analysis'
import { h, replace } from './dom'
import { goalSeekFailureView, goalSeekView } from './goalSeekView'
import { tornadoView } from './tornadoView'
import { term } from './terms'

export interface AnalysisViewOptions {
  /** programme id -> title */
  titles: ReadonlyMap<string, string>
  onClose: () => void
}

/** "Which parameters move the mean outlay, municipal level, 2017?", or "Technology transaction subsidy: cap so that the chance of overrunning the appropriation (municipal level, 2017) is at most 10.0%" */
export function analysisQuestion(a: Pick<Analysis, 'kind' | 'request'>, titles: ReadonlyMap<string, string>): string {
  const t = a.request.target ?? {}
  const figure = figureText({ statistic: t.statistic ?? 'mean', level: t.level ?? 'all', year: t.year ?? 'all', measure: t.measure })
  if (a.kind === 'sensitivity') return `Which parameters move the ${figure}?`
  const op = t.op === '>=' ? 'at least' : 'at most'
  const value = t.value === undefined ? '' : ` ${formatStatistic(t.statistic ?? 'mean', t.value)}`
  return `${parameterLabel(String(a.request.parameter ?? ''), titles)} so that the ${STATISTIC_NAMES[t.statistic ?? 'mean'] ?? t.statistic} (${figure.replace(/^[^,]*, /, '')}) is ${op}${value}`
}

export function renderAnalysis(section: HTMLElement, a: Analysis, options: AnalysisViewOptions): HTMLElement {
  const heading = h('h2', { id: 'analysis-title', tabindex: '-1' }, analysisQuestion(a, options.titles))
  const finished = a.finished_at ? new Date(a.finished_at) : null
  let body: HTMLElement | null = null
  if (a.status === 'done' && a.result) body = a.kind === 'sensitivity' ? tornadoView(a.result as TornadoResult, options.titles) : goalSeekView(a.result as GoalSeekResult, options.titles)
  else {
    const problem = goalSeekProblem(a, options.titles)
    body = problem
      ? goalSeekFailureView(problem, parameterLabel(String(a.request.parameter ?? ''), options.titles))
      : h('p', { class: a.status === 'failed' ? 'problem' : 'muted' }, a.status === 'failed' ? `The analysis failed: ${a.error?.code}: ${a.error?.message}` : a.status === 'cancelled' ? 'The analysis was cancelled; it has no answer.' : `The analysis is ${a.status}.`)
  }
  const reports =
    a.status === 'done'
      ? h(
          'p',
          { class: 'analysis-reports' },
          'The report to file: ',
          h('a', { href: `/analyses/${a.id}/report.pdf`, 'data-report': 'pdf', target: '_blank', rel: 'noopener' }, 'PDF'),
          ' · ',
          h('a', { href: `/analyses/${a.id}/report.html`, 'data-report': 'html', target: '_blank', rel: 'noopener' }, 'HTML'),
        )
      : null
  section.hidden = false
  section.dataset.analysis = a.id
  section.dataset.status = a.status
  section.dataset.kind = a.kind
  replace(
    section,
    h('div', { class: 'section-head' }, heading, h('button', { type: 'button', class: 'small secondary', id: 'analysis-close', onclick: () => options.onClose() }, 'Close')),
    h(
      'p',
      { class: 'run-meta' },
      a.kind === 'sensitivity' ? 'Sensitivity analysis (tornado) of ' : [term('goal-seek', 'Goal seek'), ' on '],
      h('code', {}, a.name),
      ` · ${a.trials.toLocaleString('en-US')} trials a run · seed ${a.seed} · ${a.progress.runs_done.toLocaleString('en-US')} runs on the same draws`,
      h('span', { class: 'volatile', 'data-volatile': '' }, ` · analysis ${a.id.slice(0, 8)}${finished ? `, finished ${finished.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}` : ''}`),
    ),
    body,
    reports,
  )
  return heading
}
