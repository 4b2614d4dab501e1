// Why: the README's test command must work on a stock Debian or Ubuntu Python, which refuses
// `pip install` outside a virtual environment (PEP 668, "externally-managed-environment"). So
// `npm test` first makes sure a Python with test/requirements.txt exists: BUDGET_SIM_PYTHON if
// the user names one, else .venv/ in the repository, created when missing (falling back to
// `venv --without-pip` plus the system pip when ensurepip is not installed) and brought up to date
// when the requirements change. When the venv is current this costs no subprocess at all.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { packageRoot } from '../engine/paths.js'
import { VENV_DIR, venvPython } from './pythonInterpreter.js'

/** The modules the tests and the benchmark import. */
export const PYTHON_MODULES = ['pyarrow', 'polars', 'pandas', 'numpy']
const REQUIREMENTS = join('test', 'requirements.txt')
const STAMP = '.budget-sim-requirements'

export interface RunResult {
  status: number | null
  stderr: string
  /** set when the program could not be started (ENOENT: not installed) */
  error?: Error
}

/** Run a program; `show` lets its output through to the terminal (pip's progress). */
export type Runner = (command: string, args: string[], options: { show: boolean }) => RunResult

export interface EnsureOptions {
  root?: string
  env?: NodeJS.ProcessEnv
  run?: Runner
  log?: (line: string) => void
}

export interface PythonEnvironment {
  python: string
  /** configured: BUDGET_SIM_PYTHON; current: .venv was up to date; created / updated: this call made it so */
  state: 'configured' | 'current' | 'created' | 'updated'
}

const defaultRunner: Runner = (command, args, { show }) => {
  const r = spawnSync(command, args, { encoding: 'utf8', stdio: show ? ['ignore', 'inherit', 'pipe'] : ['ignore', 'pipe', 'pipe'] })
  if (show && r.stderr) process.stderr.write(r.stderr)
  return { status: r.status, stderr: r.stderr ?? '', error: r.error }
}

const APT_HINT =
  'On Debian or Ubuntu install the venv module and run the command again:\n' +
  '  sudo apt-get install python3-venv\n' +
  'or set BUDGET_SIM_PYTHON to a Python that has pyarrow, polars, pandas and NumPy.'

/** A failure to prepare Python, with a message for the person at the terminal. */
export class PythonSetupError extends Error {
  override name = 'PythonSetupError'
}

function requirementsHash(root: string): string {
  return createHash('sha256').update(readFileSync(join(root, REQUIREMENTS))).digest('hex')
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((l) => l.trim())
      .pop() ?? ''
  ).trim()
}

/** Why `python3 -m venv` failed, in a few words (its own message spans several lines). */
function venvFailure(stderr: string): string {
  if (/ensurepip is not\s+available/.test(stderr)) return 'ensurepip is not available'
  if (/No module named venv/.test(stderr)) return 'the venv module is not installed'
  return (
    stderr
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? 'no message'
  )
}

/**
 * Make sure a Python with test/requirements.txt is ready and say which. Throws PythonSetupError
 * (saying what to install) when none can be made.
 */
export function ensurePythonEnvironment(options: EnsureOptions = {}): PythonEnvironment {
  const root = options.root ?? packageRoot
  const env = options.env ?? process.env
  const run = options.run ?? defaultRunner
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const importCheck = ['-c', `import ${PYTHON_MODULES.join(', ')}`]

  const configured = env.BUDGET_SIM_PYTHON?.trim()
  if (configured) {
    const r = run(configured, importCheck, { show: false })
    if (r.status !== 0)
      throw new PythonSetupError(
        `BUDGET_SIM_PYTHON=${configured} cannot import ${PYTHON_MODULES.join(', ')}${r.error ? ` (${r.error.message})` : `: ${lastLine(r.stderr)}`}.\n` +
          `Install them into it (${configured} -m pip install -r ${REQUIREMENTS}), or unset BUDGET_SIM_PYTHON and npm test prepares ${VENV_DIR}/.`,
      )
    return { python: configured, state: 'configured' }
  }

  const python = venvPython(root)
  const venvDir = join(root, VENV_DIR)
  const stampPath = join(venvDir, STAMP)
  const wanted = requirementsHash(root)
  const hadVenv = existsSync(python)
  if (hadVenv && existsSync(stampPath) && readFileSync(stampPath, 'utf8').trim() === wanted) return { python, state: 'current' }

  const shown = relative(root, venvDir) || venvDir
  const existedBefore = existsSync(venvDir)
  try {
    if (!hadVenv) {
      log(`Creating the Python environment for the tests in ${shown}/ (once; packages from ${REQUIREMENTS})`)
      const created = run('python3', ['-m', 'venv', venvDir], { show: false })
      if (created.error) throw new PythonSetupError(`python3 was not found (${created.error.message}). Install Python 3.\n${APT_HINT}`)
      if (created.status !== 0 || !existsSync(python)) {
        // Debian and Ubuntu ship venv without ensurepip unless python3-venv is installed
        log(`python3 -m venv failed (${venvFailure(created.stderr)}); trying python3 -m venv --without-pip`)
        if (!existedBefore) rmSync(venvDir, { recursive: true, force: true })
        const bare = run('python3', ['-m', 'venv', '--without-pip', venvDir], { show: false })
        if (bare.status !== 0 || !existsSync(python))
          throw new PythonSetupError(`Cannot create ${shown}/: python3 -m venv failed (${venvFailure(bare.stderr || created.stderr)}).\n${APT_HINT}`)
      }
    } else log(`Updating the Python environment in ${shown}/ (${REQUIREMENTS} changed, or its last install did not finish)`)

    const install = ['install', '--disable-pip-version-check', '-r', join(root, REQUIREMENTS)]
    const hasPip = run(python, ['-m', 'pip', '--version'], { show: false }).status === 0
    let installed: RunResult
    if (hasPip) installed = run(python, ['-m', 'pip', ...install], { show: true })
    else {
      // a venv without pip: the system pip installs into it (pip >= 22.3 knows --python)
      installed = run('python3', ['-m', 'pip', '--python', python, ...install], { show: true })
      if (installed.status !== 0 && /No module named pip|no such option: --python/.test(installed.stderr))
        throw new PythonSetupError(`${shown}/ has no pip, and python3 has no pip (22.3 or later) to install into it.\n${APT_HINT}`)
    }
    if (installed.status !== 0) throw new PythonSetupError(`pip could not install ${REQUIREMENTS} into ${shown}/ (see above).`)

    const check = run(python, importCheck, { show: false })
    if (check.status !== 0) throw new PythonSetupError(`${shown}/ still cannot import ${PYTHON_MODULES.join(', ')}: ${lastLine(check.stderr)}`)
  } catch (e) {
    // a venv this call made and could not finish is removed, so the next run starts afresh
    // (with pip, once python3-venv is installed)
    if (!existedBefore) rmSync(venvDir, { recursive: true, force: true })
    throw e
  }
  writeFileSync(stampPath, `${wanted}\n`)
  return { python, state: hadVenv ? 'updated' : 'created' }
}
