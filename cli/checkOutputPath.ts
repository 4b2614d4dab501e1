// Why: `--out` is written after the whole simulation; a path that cannot be written must be refused
// before simulating (exit 2, saying why), not discovered at the end of a long run.
import { accessSync, constants, statSync, type Stats } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { BudgetSimError } from '../engine/errors.js'
import type { Format } from '../engine/results/writeResults.js'
import { summaryPathFor } from './summaryPath.js'

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path)
  } catch {
    return null
  }
}

/**
 * Throw INVALID_ARGUMENT unless the files `--out path` writes (the trials file and, except for
 * JSON, the summary beside it) can be created: their directory exists and is writable, and
 * neither path is a directory.
 */
export function checkOutputPath(path: string, format: Format): void {
  const refuse = (why: string) => new BudgetSimError('INVALID_ARGUMENT', `--out ${path}: ${why}`)
  if (path === '') throw refuse('must not be empty')
  const paths = format === 'json' ? [path] : [path, summaryPathFor(path)]
  for (const p of paths)
    if (statOrNull(p)?.isDirectory())
      throw refuse(`${p} is a directory; give a file name, such as ${resolve(p, `results.${format === 'json' ? 'json' : format}`)}`)
  const dir = dirname(resolve(path))
  const stats = statOrNull(dir)
  if (!stats) throw refuse(`the directory ${dir} does not exist`)
  if (!stats.isDirectory()) throw refuse(`${dir} is not a directory`)
  try {
    accessSync(dir, constants.W_OK | constants.X_OK)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw refuse(`cannot write in ${dir} (${code === 'EROFS' ? 'read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code})`)
  }
}
