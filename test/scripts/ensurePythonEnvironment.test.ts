import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../engine/paths.js'
import { ensurePythonEnvironment, PYTHON_MODULES, PythonSetupError, type RunResult } from '../../scripts/ensurePythonEnvironment.js'
import { pythonInterpreter, venvPython } from '../../scripts/pythonInterpreter.js'

/** A repository root with test/requirements.txt, and optionally a .venv already made. */
function repo(options: { venv?: boolean; stamp?: string } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'budget-sim-python-'))
  mkdirSync(join(root, 'test'))
  writeFileSync(join(root, 'test/requirements.txt'), 'pyarrow>=20\npolars>=1.30\nnumpy>=2.0\npandas>=2.0\n')
  if (options.venv) {
    mkdirSync(dirname(venvPython(root)), { recursive: true })
    writeFileSync(venvPython(root), '')
    if (options.stamp) writeFileSync(join(root, '.venv/.budget-sim-requirements'), options.stamp)
  }
  return root
}

/**
 * A fake Python: `answer` decides each command's result (default: success); commands are recorded.
 * `python3 -m venv [--without-pip] DIR` that succeeds creates DIR's python, as the real one does.
 */
function fakePython(answer: (command: string, args: string[]) => Partial<RunResult> | undefined = () => undefined) {
  const calls: string[] = []
  const run = (command: string, args: string[]): RunResult => {
    calls.push([command, ...args].join(' '))
    const result = { status: 0, stderr: '', ...answer(command, args) }
    if (result.status === 0 && args[0] === '-m' && args[1] === 'venv') {
      const dir = args[args.length - 1]
      mkdirSync(join(dir, 'bin'), { recursive: true })
      writeFileSync(join(dir, 'bin/python'), '')
    }
    return result
  }
  return { calls, run, log: () => undefined }
}

const importAll = `-c import ${PYTHON_MODULES.join(', ')}`

describe('the Python the tests use', () => {
  it('is BUDGET_SIM_PYTHON when set, else the .venv python when it exists, else python3', () => {
    expect(pythonInterpreter({ BUDGET_SIM_PYTHON: '/opt/py/bin/python' }, '/repo', () => true)).toBe('/opt/py/bin/python')
    expect(pythonInterpreter({}, '/repo', (p) => p === '/repo/.venv/bin/python')).toBe('/repo/.venv/bin/python')
    expect(pythonInterpreter({ BUDGET_SIM_PYTHON: ' ' }, '/repo', () => false)).toBe('python3')
  })

  it('can import pyarrow, polars, pandas and NumPy in this test run', () => {
    const r = spawnSync(pythonInterpreter(), ['-c', `import ${PYTHON_MODULES.join(', ')}`], { encoding: 'utf8' })
    expect(r.status, `${pythonInterpreter()}: ${r.stderr}`).toBe(0)
  })
})

describe('ensurePythonEnvironment', () => {
  it('uses BUDGET_SIM_PYTHON as it is, after checking it imports the packages', () => {
    const root = repo()
    const fake = fakePython()
    expect(ensurePythonEnvironment({ root, env: { BUDGET_SIM_PYTHON: '/opt/py/bin/python' }, ...fake })).toEqual({ python: '/opt/py/bin/python', state: 'configured' })
    expect(fake.calls).toEqual([`/opt/py/bin/python ${importAll}`])
    expect(existsSync(join(root, '.venv'))).toBe(false)
  })

  it('says how to fix a BUDGET_SIM_PYTHON that lacks the packages', () => {
    const fake = fakePython(() => ({ status: 1, stderr: "ModuleNotFoundError: No module named 'polars'\n" }))
    expect(() => ensurePythonEnvironment({ root: repo(), env: { BUDGET_SIM_PYTHON: 'python3.12' }, ...fake })).toThrow(
      /^BUDGET_SIM_PYTHON=python3\.12 cannot import pyarrow, polars, pandas, numpy: ModuleNotFoundError: No module named 'polars'\.\nInstall them into it \(python3\.12 -m pip install -r test\/requirements\.txt\)/,
    )
  })

  it('does nothing, not even start Python, when .venv exists and was made from the same requirements', () => {
    const root = repo()
    const first = fakePython()
    expect(ensurePythonEnvironment({ root, env: {}, ...first }).state).toBe('created')
    const again = fakePython()
    expect(ensurePythonEnvironment({ root, env: {}, ...again })).toEqual({ python: venvPython(root), state: 'current' })
    expect(again.calls).toEqual([])
  })

  it('creates .venv with python3 -m venv and installs the requirements with its own pip', () => {
    const root = repo()
    const fake = fakePython()
    expect(ensurePythonEnvironment({ root, env: {}, ...fake })).toEqual({ python: venvPython(root), state: 'created' })
    const python = venvPython(root)
    expect(fake.calls).toEqual([
      `python3 -m venv ${join(root, '.venv')}`,
      `${python} -m pip --version`,
      `${python} -m pip install --disable-pip-version-check -r ${join(root, 'test/requirements.txt')}`,
      `${python} ${importAll}`,
    ])
    expect(readFileSync(join(root, '.venv/.budget-sim-requirements'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/)
  })

  it('falls back to venv --without-pip and the system pip when ensurepip is missing (Debian without python3-venv)', () => {
    const root = repo()
    const python = venvPython(root)
    const fake = fakePython((command, args) => {
      if (args.join(' ') === `-m venv ${join(root, '.venv')}`)
        return { status: 1, stderr: 'The virtual environment was not created successfully because ensurepip is not available.\n' }
      if (command === python && args.join(' ') === '-m pip --version') return { status: 1, stderr: 'No module named pip\n' }
      return undefined
    })
    expect(ensurePythonEnvironment({ root, env: {}, ...fake }).state).toBe('created')
    expect(fake.calls).toEqual([
      `python3 -m venv ${join(root, '.venv')}`,
      `python3 -m venv --without-pip ${join(root, '.venv')}`,
      `${python} -m pip --version`,
      `python3 -m pip --python ${python} install --disable-pip-version-check -r ${join(root, 'test/requirements.txt')}`,
      `${python} ${importAll}`,
    ])
  })

  it('names apt-get install python3-venv when no virtual environment can be made', () => {
    // what Debian's python3 says without python3-venv
    const debian =
      'The virtual environment was not created successfully because ensurepip is not\navailable.  On Debian/Ubuntu systems, you need to install the python3-venv\npackage using the following command.\n\n    apt install python3.11-venv\n'
    const fake = fakePython((_, args) => (args[1] === 'venv' ? { status: 1, stderr: debian } : undefined))
    const attempt = () => ensurePythonEnvironment({ root: repo(), env: {}, ...fake })
    expect(attempt).toThrow(PythonSetupError)
    expect(attempt).toThrow(
      'Cannot create .venv/: python3 -m venv failed (ensurepip is not available).\nOn Debian or Ubuntu install the venv module and run the command again:\n  sudo apt-get install python3-venv\n',
    )
  })

  it('names apt-get install python3-venv when neither the venv nor python3 has pip', () => {
    const fake = fakePython((command, args) => {
      if (args.join(' ').endsWith('.venv') && !args.includes('--without-pip')) return { status: 1, stderr: 'ensurepip is not available\n' }
      if (args.includes('pip')) return { status: 1, stderr: '/usr/bin/python3: No module named pip\n' }
      return undefined
    })
    const root = repo()
    expect(() => ensurePythonEnvironment({ root, env: {}, ...fake })).toThrow(/has no pip[\s\S]*sudo apt-get install python3-venv/)
    // no pip-less .venv is left behind to trip the next run once python3-venv is installed
    expect(existsSync(join(root, '.venv'))).toBe(false)
  })

  it('reinstalls into the existing .venv when the requirements change', () => {
    const root = repo({ venv: true, stamp: 'an older requirements file\n' })
    const fake = fakePython()
    expect(ensurePythonEnvironment({ root, env: {}, ...fake }).state).toBe('updated')
    expect(fake.calls.some((c) => c.includes('-m venv'))).toBe(false)
    expect(fake.calls).toContain(`${venvPython(root)} -m pip install --disable-pip-version-check -r ${join(root, 'test/requirements.txt')}`)
  })

  it('removes a .venv it could not finish, so the next run starts afresh', () => {
    const root = repo()
    const fake = fakePython((_, args) => (args.includes('install') ? { status: 1, stderr: 'network unreachable\n' } : undefined))
    expect(() => ensurePythonEnvironment({ root, env: {}, ...fake })).toThrow(/pip could not install test\/requirements\.txt/)
    expect(existsSync(join(root, '.venv'))).toBe(false)
  })

  it('keeps an existing .venv whose update failed, without a stamp, so the next run tries again', () => {
    const root = repo({ venv: true, stamp: 'an older requirements file\n' })
    const fake = fakePython((_, args) => (args.includes('install') ? { status: 1, stderr: 'network unreachable\n' } : undefined))
    expect(() => ensurePythonEnvironment({ root, env: {}, ...fake })).toThrow(/pip could not install/)
    expect(existsSync(venvPython(root))).toBe(true)
    expect(readFileSync(join(root, '.venv/.budget-sim-requirements'), 'utf8')).toBe('an older requirements file\n')
  })

  it('is what npm test runs first, and the project keeps .venv out of git', () => {
    const scripts = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).scripts
    expect(scripts.test).toMatch(/^npm run python:env && /)
    expect(scripts['python:env']).toBe('tsx scripts/prepare-python.ts')
    expect(readFileSync(join(packageRoot, '.gitignore'), 'utf8').split('\n')).toContain('.venv/')
  })
})
