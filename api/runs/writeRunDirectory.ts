// Why: a finished run's results are a directory of files (trials and summary as Arrow file and
// stream, summary as JSON). The directory is written under a temporary name and renamed when every
// file is complete, so readers never see part of a run and a failure leaves no debris.
import { mkdir, readdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { tableChunks, writeFileAtomic } from '../../engine/results/writeResults.js'
import { summaryTable, trialsTable, type RunOutput } from '../../workers/runScenario.js'

export const RunFiles = {
  trialsFile: 'trials.arrow',
  trialsStream: 'trials.arrows',
  summaryFile: 'summary.arrow',
  summaryStream: 'summary.arrows',
  summaryJson: 'summary.json',
} as const

const TMP_MARK = '.tmp-'
let counter = 0

/** Write all result files of `run` into `dir` (which must not exist yet). */
export async function writeRunDirectory(run: RunOutput, dir: string): Promise<void> {
  const tmp = `${dir}${TMP_MARK}${process.pid}-${++counter}`
  await mkdir(tmp, { recursive: true })
  try {
    const trials = trialsTable(run)
    const summary = summaryTable(run)
    await writeFileAtomic(join(tmp, RunFiles.trialsFile), tableChunks(trials, 'arrow'))
    await writeFileAtomic(join(tmp, RunFiles.trialsStream), tableChunks(trials, 'arrows'))
    await writeFileAtomic(join(tmp, RunFiles.summaryFile), tableChunks(summary, 'arrow'))
    await writeFileAtomic(join(tmp, RunFiles.summaryStream), tableChunks(summary, 'arrows'))
    await writeFileAtomic(join(tmp, RunFiles.summaryJson), [JSON.stringify({ metadata: run.metadata, rows: run.summary })])
    await rm(dir, { recursive: true, force: true })
    await rename(tmp, dir)
  } catch (e) {
    await rm(tmp, { recursive: true, force: true })
    throw e
  }
}

/** Remove temporary directories left by a process that died while writing. */
export async function removeDebris(runsDir: string): Promise<string[]> {
  await mkdir(runsDir, { recursive: true })
  const debris = (await readdir(runsDir)).filter((f) => f.includes(TMP_MARK))
  await Promise.all(debris.map((f) => rm(join(runsDir, f), { recursive: true, force: true })))
  return debris
}
