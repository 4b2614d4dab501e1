// Why: `--out FILE` writes the trials table to FILE and, beside it, the summary, in the chosen
// format. The run streams its trials into an Arrow IPC file; other formats are made from that file
// by streaming (a byte range for the IPC stream, a worker thread for CSV), and every file appears
// under its name only when complete.
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { summaryPathFor } from './summaryPath.js'

export { summaryPathFor }
import { pipeline } from 'node:stream/promises'
import { MessageChannel } from 'node:worker_threads'
import { ipcStreamOf } from '../engine/results/arrowFile.js'
import { buildSummaryTable } from '../engine/results/buildSummaryTable.js'
import { portReadable } from '../engine/results/portStream.js'
import { tableChunks, writeFileAtomic, type Format } from '../engine/results/writeResults.js'
import type { RunResult } from '../workers/pipeline/executeRun.js'
import type { TaskPool } from '../workers/pipeline/TaskPool.js'

/** Where the run writes its Arrow trials file before it becomes `out` (same directory, so rename works). */
export function trialsWorkPath(out: string): string {
  return join(dirname(out), `.${basename(out)}.tmp-${process.pid}.arrow`)
}

/** The JSON document written by --format json: metadata, the resolved scenario and the summary. */
export function runJson(run: RunResult): string {
  const doc = {
    metadata: run.metadata,
    scenario: run.spec.document,
    programmes: run.spec.programmes.map((p) => ({ id: p.id, parameters: p.parameters, provenance: p.provenance })),
    summary: run.summary,
  }
  return `${JSON.stringify(doc, null, 2)}\n`
}

/**
 * Write the run's results to `path` in `format` (the trials table, when the run kept one at
 * `trialsWorkPath(path)`, and the summary beside it). Returns the paths written.
 */
export async function writeRunFiles(run: RunResult, path: string, format: Format, pool: TaskPool): Promise<string[]> {
  if (format === 'json') {
    await writeFileAtomic(path, [runJson(run)])
    return [path]
  }
  const source = run.trialsPath
  if (!source) throw new Error('the run kept no trials table')
  const tmp = `${path}.tmp-${process.pid}`
  try {
    if (format === 'arrow') await rename(source, tmp)
    else if (format === 'arrows') {
      await pipeline((await ipcStreamOf(source)).stream, createWriteStream(tmp))
    } else {
      const { port1, port2 } = new MessageChannel()
      const rows = run.spec.trials * run.plan.rowsPerTrial
      const reading = pool.run('cli', { kind: 'read', task: { kind: 'table', path: source, selection: {}, format: 'csv', rowCount: rows }, port: port2 as any }, 'the CSV copy of the trials', [port2 as any])
      await Promise.all([pipeline(portReadable(port1), createWriteStream(tmp)), reading])
    }
    await rename(tmp, path)
  } catch (e) {
    await rm(tmp, { force: true })
    throw e
  } finally {
    await rm(source, { force: true })
  }
  const summaryPath = summaryPathFor(path)
  await writeFileAtomic(summaryPath, tableChunks(buildSummaryTable(run.summary, run.metadata), format))
  return [path, summaryPath]
}
