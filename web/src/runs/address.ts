// Why: the address names what the page shows (#run=<id>&baseline=<id>, or #preset=<name> before any
// run), so a run can be bookmarked, shared, and reached again with Back. The page reads the address
// on start and on every change (a pasted address, Back, Forward) and writes it when it opens a run,
// so the address, the list of runs and the results always speak of the same run.

export interface Shown {
  runId: string
  baselineId: string | null
}

export interface Address {
  view: Shown | null
  preset: string | null
}

const RUN_ID = /^[0-9a-f-]{36}$/

/** "#run=<id>&baseline=<id>" -> the run shown and its baseline; ids that are not run ids are ignored. */
export function readAddress(hash: string): Address {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const run = params.get('run')
  const baseline = params.get('baseline')
  const view = run && RUN_ID.test(run) ? { runId: run, baselineId: baseline && RUN_ID.test(baseline) ? baseline : null } : null
  return { view, preset: params.get('preset') }
}

/** The address of a view: "#run=<id>" or "#run=<id>&baseline=<id>"; a preset's before any run. */
export function addressFor(view: Shown | null, preset?: string | null): string {
  if (view) return `#run=${view.runId}${view.baselineId ? `&baseline=${view.baselineId}` : ''}`
  return preset ? `#preset=${encodeURIComponent(preset)}` : ''
}

/** Do two views show the same runs? */
export function sameView(a: Shown | null, b: Shown | null): boolean {
  return a === b || (a !== null && b !== null && a.runId === b.runId && a.baselineId === b.baselineId)
}
