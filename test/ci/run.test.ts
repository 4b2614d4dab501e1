import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../engine/paths.js'
import { readmeSnippet } from '../helpers/readmeSnippets.js'

const commands = readFileSync(join(packageRoot, '.ci/run'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))

describe('.ci/run', () => {
  it("runs exactly the README's test command, then the reduced benchmark and the end-to-end suite, which reuse its build", () => {
    const testCommand = readmeSnippet('test-command').trim()
    expect(testCommand).toBe('npm ci && npm test')
    const at = commands.indexOf(testCommand)
    expect(at, `.ci/run has the line "${testCommand}"`).toBeGreaterThanOrEqual(0)
    expect(commands.slice(at + 1).filter((c) => c.startsWith('npm '))).toEqual(['npm run bench:ci', 'npm run test:e2e'])
    const scripts = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).scripts
    // npm ci builds through prepare; the later steps build only when the sources changed
    expect(scripts.prepare).toBe('npm run build')
    for (const name of ['test', 'bench:ci', 'test:e2e']) expect(scripts[name], name).toMatch(/&& npm run build:if-stale &&/)
    for (const name of ['test', 'bench:ci', 'test:e2e']) expect(scripts[name], name).not.toMatch(/npm run build(?!:)/)
  })
})
