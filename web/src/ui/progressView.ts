// Why: the progress bar a planner watches while a run simulates: one labelled <progress> per run
// (the scenario, and its baseline when comparing) with trials done and the phase in words.
import type { Progress, Run } from '../api/types'
import { h } from './dom'

const PHASES: Record<string, string> = {
  queued: 'waiting for a free worker',
  simulate: 'simulating',
  summarize: 'summarising',
  write: 'writing the results',
  finished: 'finished',
}

export interface ProgressRow {
  element: HTMLElement
  update: (p: Progress) => void
  finish: (run: Run) => void
}

export function progressRow(label: string, run: Run): ProgressRow {
  const id = `progress-${run.id}`
  const bar = h('progress', { id, max: '1', value: '0', 'data-run': run.id }) as HTMLProgressElement
  const text = h('span', { class: 'progress-text' })
  const element = h('div', { class: 'progress-row', 'data-run': run.id }, h('label', { for: id }, label), bar, text)
  const update = (p: Progress) => {
    const fraction = p.trials > 0 ? p.trials_done / p.trials : 0
    bar.value = Math.min(1, fraction)
    bar.setAttribute('aria-valuetext', `${Math.round(fraction * 100)}%, ${PHASES[p.phase] ?? p.phase}`)
    text.textContent = `${p.trials_done.toLocaleString('en-US')} of ${p.trials.toLocaleString('en-US')} trials · ${PHASES[p.phase] ?? p.phase}`
  }
  update(run.progress)
  return {
    element,
    update,
    finish: (r: Run) => {
      if (r.status === 'done') {
        bar.value = 1
        text.textContent = `${r.trials.toLocaleString('en-US')} trials · done`
      } else {
        text.textContent = r.status === 'cancelled' ? `cancelled after ${r.progress.trials_done.toLocaleString('en-US')} trials` : `failed: ${r.error?.message ?? 'unknown error'}`
      }
      element.dataset.status = r.status
    },
  }
}
