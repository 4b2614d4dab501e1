// Why: a reform is read against its baseline bin by bin, so both histograms must have the same edges.
// The server bins over a range it is given (`range=min,max` with `bins`; values outside are counted
// in below/above); this module picks one range covering both runs, from the summary's min and max of
// the selection (those of the distribution), and asks for both distributions with it. Should a run
// still have values outside (a summary that disagrees), it asks again over the answers' own extremes.
import { getJson } from '../api/client'
import type { Distribution, SummaryRow } from '../api/types'
import type { Selection } from './summaryIndex'

/** Bins of every histogram on the page. */
export const BINS = 40

export type Range = [number, number]

export interface UrlOptions {
  /** the paired difference against this run */
  against?: string
  /** bin over this range instead of the run's own min..max */
  range?: Range | null
}

/** GET /runs/:id/distribution of the outlay demanded, for the selection. */
export function distributionUrl(id: string, sel: Selection, options: UrlOptions = {}): string {
  const q = new URLSearchParams({ measure: 'demand', year: String(sel.year), programme: 'all', level: sel.level, bins: String(BINS) })
  if (options.range) q.set('range', `${options.range[0]},${options.range[1]}`)
  if (options.against) q.set('against', options.against)
  return `/runs/${id}/distribution?${q}`
}

type Extent = Pick<SummaryRow | Distribution, 'min' | 'max'>

/** The smallest range holding every extent; null when one is missing or all are one value (the server needs min < max). */
export function coveringRange(...extents: (Extent | null | undefined)[]): Range | null {
  if (extents.length === 0 || extents.some((e) => !e || !Number.isFinite(e.min) || !Number.isFinite(e.max))) return null
  const lo = Math.min(...extents.map((e) => e!.min))
  const hi = Math.max(...extents.map((e) => e!.max))
  return lo < hi ? [lo, hi] : null
}

/** Do two histograms have the same bin edges? */
export function sameEdges(a: Distribution, b: Distribution): boolean {
  const x = a.histogram.edges
  const y = b.histogram.edges
  return x.length === y.length && x.every((e, i) => e === y[i])
}

const outside = (d: Distribution) => d.histogram.below + d.histogram.above > 0

export interface SharedDistributions {
  run: Distribution
  baseline: Distribution
}

/**
 * A run's distribution and its baseline's, binned alike. `runRow` and `baseRow` are the summary rows
 * of the selection (demand, all programmes), whose min and max give the range.
 */
export async function loadSharedDistributions(runId: string, baselineId: string, sel: Selection, runRow?: Extent, baseRow?: Extent): Promise<SharedDistributions> {
  const fetchBoth = (range: Range | null) =>
    Promise.all([getJson<Distribution>(distributionUrl(runId, sel, { range })), getJson<Distribution>(distributionUrl(baselineId, sel, { range }))])
  let range = coveringRange(runRow, baseRow)
  let [run, baseline] = await fetchBoth(range)
  if (range && (outside(run) || outside(baseline))) {
    // the summary's extremes missed a value: the answers carry the true min and max
    range = coveringRange(run, baseline)
    ;[run, baseline] = await fetchBoth(range)
  } else if (!range && !sameEdges(run, baseline)) {
    // no summary rows: the first answers give the extremes
    range = coveringRange(run, baseline)
    if (range) [run, baseline] = await fetchBoth(range)
  }
  return { run, baseline }
}
