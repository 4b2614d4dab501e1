import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { staleBuildReason, writeBuildStamp } from '../../scripts/buildStamp.js'

function write(root: string, file: string, text = '') {
  mkdirSync(dirname(join(root, file)), { recursive: true })
  writeFileSync(join(root, file), text)
}

describe('the build stamp', () => {
  it('lets later steps reuse a build until a source, a setting or an output changes', () => {
    const root = mkdtempSync(join(tmpdir(), 'budget-sim-build-'))
    write(root, 'engine/version.ts', "export const engineVersion = '0.1.0'\n")
    write(root, 'web/src/main.ts', '')
    write(root, 'package.json', '{}')
    expect(staleBuildReason(root)).toBe('dist/api/main.js is missing')
    for (const output of ['dist/api/main.js', 'dist/cli/bin.js', 'dist/bench/run.js', 'web/dist/index.html']) write(root, output)
    expect(staleBuildReason(root)).toBe('dist/.build-inputs is missing')
    writeBuildStamp(root)
    expect(staleBuildReason(root)).toBeNull()
    // what the benchmark writes is not a build input
    write(root, 'bench/results/latest.json', '{"figures": []}')
    expect(staleBuildReason(root)).toBeNull()
    write(root, 'engine/version.ts', "export const engineVersion = '0.2.0'\n")
    expect(staleBuildReason(root)).toBe('the sources changed since the last build')
    writeBuildStamp(root)
    write(root, 'web/src/new.ts', '')
    expect(staleBuildReason(root)).toBe('the sources changed since the last build')
    writeBuildStamp(root)
    write(root, 'package.json', '{"overrides": {}}')
    expect(staleBuildReason(root)).toBe('the sources changed since the last build')
  })
})
