// Why: a finished run's results are a directory: the trials table stored once (Arrow IPC file,
// from which the stream, CSV and filtered forms are served), the summary as Arrow and JSON, and the
// run's specification. The directory is filled under a temporary name and renamed when every file
// is complete, so readers never see part of a run and a failure leaves no debris.
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { buildSummaryTable } from '../../engine/results/buildSummaryTable.js'
import { tableChunks, writeFileAtomic } from '../../engine/results/writeResults.js'
import type { RunResult } from '../../workers/pipeline/executeRun.js'

export const RunFiles = {
  trials: 'trials.arrow',
  summaryFile: 'summary.arrow',
  summaryJson: 'summary.json',
  spec: 'spec.json',
} as const

const TMP_MARK = '.tmp-'
let counter = 0

/** A fresh temporary directory beside `dir`, where a run writes its files. */
export async function makeWorkDirectory(dir: string): Promise<string> {
  const tmp = `${dir}${TMP_MARK}${process.pid}-${++counter}`
  await mkdir(tmp, { recursive: true })
  return tmp
}

/**
 * Write the summary files of `run` into `tmp` (which already holds its trials file), then move
 * `tmp` to `dir`. Returns the bytes of the finished directory.
 */
export async function completeRunDirectory(run: RunResult, tmp: string, dir: string): Promise<number> {
  const summary = buildSummaryTable(run.summary, run.metadata)
  await writeFileAtomic(join(tmp, RunFiles.summaryFile), tableChunks(summary, 'arrow'))
  await writeFileAtomic(join(tmp, RunFiles.summaryJson), [JSON.stringify({ metadata: run.metadata, rows: run.summary })])
  await writeFileAtomic(join(tmp, RunFiles.spec), [JSON.stringify(run.spec)])
  let bytes = 0
  for (const f of await readdir(tmp)) bytes += (await stat(join(tmp, f))).size
  await rm(dir, { recursive: true, force: true })
  await rename(tmp, dir)
  return bytes
}

/** Remove temporary directories left by a process that died while writing. */
export async function removeDebris(runsDir: string): Promise<string[]> {
  await mkdir(runsDir, { recursive: true })
  const debris = (await readdir(runsDir)).filter((f) => f.includes(TMP_MARK))
  await Promise.all(debris.map((f) => rm(join(runsDir, f), { recursive: true, force: true })))
  return debris
}
