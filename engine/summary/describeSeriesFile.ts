// Why: the summary's heavy work (reading a series of every trial and sorting it for exact
// quantiles) runs in worker threads, a few series per task, so the coordinator's thread only
// routes requests and several cores share the work.
import { closeSync, openSync } from 'node:fs'
import { describeScratch } from './describeSample.js'
import { readSeriesFrom, type SeriesFileLayout } from './seriesFile.js'
import { describeLayoutSeries, type DescribedSeries } from './summarize.js'

export interface DescribeSeriesTask {
  path: string
  layout: SeriesFileLayout
  /** series indices to describe */
  series: number[]
  /** for each of those series, the appropriations its summary rows are measured against */
  appropriations: number[][]
}

/** Describe the given series of a series file. */
export function describeSeriesFile(task: DescribeSeriesTask): DescribedSeries[] {
  const values = new Float64Array(task.layout.trials)
  const scratch = describeScratch(task.layout.trials)
  const fd = openSync(task.path, 'r')
  try {
    return task.series.map((s, i) => describeLayoutSeries(s, readSeriesFrom(fd, task.layout, s, values), task.appropriations[i], scratch))
  } finally {
    closeSync(fd)
  }
}
