// Why: `--out FILE` writes the trials table and, beside it, the summary, in the chosen format;
// every file is written atomically.
import { dirname, basename, extname, join } from 'node:path'
import { tableChunks, writeFileAtomic, type Format } from '../engine/results/writeResults.js'
import { summaryTable, trialsTable, type RunOutput } from '../workers/runScenario.js'

/** results.arrow -> results.summary.arrow */
export function summaryPathFor(path: string): string {
  const ext = extname(path)
  return join(dirname(path), `${basename(path, ext)}.summary${ext}`)
}

/** The JSON document written by --format json: metadata, the resolved scenario and the summary. */
export function runJson(run: RunOutput): string {
  const doc = {
    metadata: run.metadata,
    scenario: run.scenario.document,
    programmes: run.scenario.programmes.map((p) => ({ id: p.id, parameters: p.parameters, provenance: p.provenance })),
    summary: run.summary,
  }
  return `${JSON.stringify(doc, null, 2)}\n`
}

/** Write the run's results; returns the paths written. */
export async function writeRunFiles(run: RunOutput, path: string, format: Format): Promise<string[]> {
  if (format === 'json') {
    await writeFileAtomic(path, [runJson(run)])
    return [path]
  }
  const summaryPath = summaryPathFor(path)
  await writeFileAtomic(path, tableChunks(trialsTable(run), format))
  await writeFileAtomic(summaryPath, tableChunks(summaryTable(run), format))
  return [path, summaryPath]
}
