// What a newcomer's first commands write in the repository root must not show up in `git status`.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../engine/paths.js'

const git = (...args: string[]) => spawnSync('git', args, { cwd: packageRoot, encoding: 'utf8' })
const inGit = git('rev-parse', '--is-inside-work-tree').stdout.trim() === 'true'

describe.skipIf(!inGit)('.gitignore', () => {
  it("ignores the README examples' result files and the tests' .venv, and none of the tracked files", () => {
    const written = ['baseline.arrow', 'baseline.summary.arrow', 'baseline.csv', 'baseline.summary.csv', 'baseline.json', 'results.arrow', 'results.summary.arrow', 'report.pdf', '.venv/bin/python', 'data/runs.sqlite', 'dist/cli/bin.js']
    const ignored = git('check-ignore', '--no-index', ...written).stdout.trim().split('\n')
    expect(ignored).toEqual(written)
    const tracked = git('ls-files').stdout.trim().split('\n')
    expect(git('check-ignore', '--no-index', ...tracked).stdout.trim()).toBe('')
  })
})
