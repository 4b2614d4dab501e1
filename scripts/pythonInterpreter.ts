// Why: the tests, the benchmark's NumPy peer and the end-to-end suite run Python (pyarrow, polars,
// pandas, NumPy) to read results the way analysts do. Stock Debian and Ubuntu refuse
// `pip install` into the system Python, so `npm test` prepares a virtual environment in .venv/;
// every place that spawns Python asks this one function which interpreter to use.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../engine/paths.js'

/** The virtual environment `npm test` prepares, relative to the package root. */
export const VENV_DIR = '.venv'

/** The python of the virtual environment under `root`. */
export function venvPython(root: string = packageRoot, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? join(root, VENV_DIR, 'Scripts', 'python.exe') : join(root, VENV_DIR, 'bin', 'python')
}

/**
 * The Python interpreter to run: `BUDGET_SIM_PYTHON` when set, else the project's .venv when it
 * exists, else `python3` from the PATH.
 */
export function pythonInterpreter(
  env: NodeJS.ProcessEnv = process.env,
  root: string = packageRoot,
  exists: (path: string) => boolean = existsSync,
): string {
  const chosen = env.BUDGET_SIM_PYTHON?.trim()
  if (chosen) return chosen
  const venv = venvPython(root)
  if (exists(venv)) return venv
  return 'python3'
}
