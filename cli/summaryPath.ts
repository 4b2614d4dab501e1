// Why: where `--out FILE` puts the summary beside the trials (results.arrow -> results.summary.arrow),
// needed both to check the paths before a run and to write them after; a module of its own so the
// check does not load what writing needs.
import { basename, dirname, extname, join } from 'node:path'

/** results.arrow -> results.summary.arrow */
export function summaryPathFor(path: string): string {
  const ext = extname(path)
  return join(dirname(path), `${basename(path, ext)}.summary${ext}`)
}
