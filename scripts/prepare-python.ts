// Why: the first step of `npm test`: make sure the Python the tests use (pyarrow, polars, pandas,
// NumPy) is ready, creating .venv/ when needed, and stop with what to install when it cannot.
import { relative } from 'node:path'
import { packageRoot } from '../engine/paths.js'
import { ensurePythonEnvironment, PythonSetupError } from './ensurePythonEnvironment.js'

try {
  const { python, state } = ensurePythonEnvironment()
  const shown = state === 'configured' ? `${python} (BUDGET_SIM_PYTHON)` : relative(packageRoot, python)
  process.stderr.write(`python for the tests: ${shown}${state === 'current' || state === 'configured' ? '' : ` (${state})`}\n`)
} catch (e) {
  if (!(e instanceof PythonSetupError)) throw e
  process.stderr.write(`budget-sim: cannot prepare Python for the tests.\n${e.message}\n`)
  process.exit(1)
}
