// Why: the page asks for an analysis of the scenario in the editor, edits included: the same preset
// and overrides (or whole scenario) a run would send, with the analysis's own trials, its figure
// and, for a tornado, its ranges or, for a goal seek, its parameter, target and interval (POST
// /analyses, README "Analyses over HTTP"). The server's problems name request fields (`target.level`,
// `ranges[1].low`, `parameter`); this maps each to the form field that shows it.
import type { AnalysisKind, Statistic } from '../api/types'
import type { Overrides } from '../scenario/overrides'
import { runRequest, type Source } from '../scenario/request'

export interface AnalysisFormValues {
  kind: AnalysisKind
  statistic: Statistic
  level: string
  year: number | 'all'
  /** trials of each run */
  trials: number
  /** sensitivity: the seeds' ranges of assumptions too */
  seededRanges: boolean
  /** sensitivity: ranges of the planner's own */
  ranges: { path: string; low: number; high: number }[]
  /** sensitivity: the contribution to variance's design, or false to skip it */
  contribution: { vectors: number; trials_per_vector: number } | false
  /** goal seek */
  parameter: string
  op: '<=' | '>='
  value: number
  interval: [number, number] | null
  replicates: number
}

/** The body of POST /analyses for the scenario a run would use (`runRequest`) and the form's values. */
export function analysisRequest(source: Source, overrides: Overrides, v: AnalysisFormValues): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: v.kind, ...runRequest(source, overrides), trials: v.trials }
  if (v.kind === 'sensitivity') {
    body.target = { measure: 'demand', level: v.level, year: v.year, statistic: v.statistic }
    if (v.ranges.length > 0) body.ranges = v.ranges.map((r) => ({ path: r.path, low: r.low, high: r.high }))
    if (!v.seededRanges) body.seeded_ranges = false
    body.contribution = v.contribution
  } else {
    body.parameter = v.parameter
    body.target = { measure: 'demand', level: v.level, year: v.year, statistic: v.statistic, op: v.op, value: v.value }
    if (v.interval) body.interval = v.interval
    body.replicates = v.replicates
  }
  return body
}

/**
 * The form field (its key: the input's id is `a-<key>`; `range-<i>` is a whole range) a problem of
 * POST /analyses belongs to, or null when it is about the scenario or the request as a whole.
 */
export function analysisFieldFor(path: string): string | null {
  const range = /^ranges\[(\d+)\](?:\.(path|low|high))?$/.exec(path)
  // a problem with a whole range (both ends, or its kind of number) goes beside the range
  if (range) return range[2] ? `range-${range[1]}-${range[2]}` : `range-${range[1]}`
  const fixed: Record<string, string> = {
    trials: 'trials',
    'target.statistic': 'statistic',
    'target.measure': 'statistic',
    'target.level': 'level',
    'target.year': 'year',
    'target.op': 'op',
    'target.value': 'value',
    parameter: 'parameter',
    interval: 'interval-low',
    'interval[0]': 'interval-low',
    'interval[1]': 'interval-high',
    replicates: 'replicates',
    contribution: 'vectors',
    'contribution.vectors': 'vectors',
    'contribution.trials_per_vector': 'tpv',
    seeded_ranges: 'seeded',
  }
  return fixed[path] ?? null
}
