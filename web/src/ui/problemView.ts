// Why: when something fails the planner sees what the server said (its `detail`, and every
// `errors[]` entry with its path) in a live region that screen readers announce, never a blank page.
import { asProblem } from '../api/client'
import type { Issue } from '../api/types'
import { h, replace } from './dom'

/** Show a failure in `region` (an element with role="alert" or aria-live). */
export function showProblem(region: HTMLElement, error: unknown, context?: string, unplaced?: Issue[]): void {
  const p = asProblem(error)
  const issues = unplaced ?? p.errors
  region.hidden = false
  replace(
    region,
    h('p', { class: 'problem-title' }, h('strong', {}, context ? `${context}: ` : ''), p.detail || p.title),
    issues.length > 0 ? h('ul', { class: 'problem-list' }, issues.map((i) => h('li', {}, h('code', {}, i.path || '(body)'), ' ', i.message))) : null,
    p.code && p.code !== 'HTTP_ERROR' ? h('p', { class: 'problem-code' }, `Code ${p.code}${p.status ? `, HTTP ${p.status}` : ''}`) : null,
  )
}

export function clearProblem(region: HTMLElement): void {
  region.hidden = true
  region.replaceChildren()
}
