// The checked catalogue kept between commands (from the build only): read back equal to a fresh
// load, and never used once a seed's bytes change, whether the change is valid or not.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../../engine/paths.js'

const loader = join(packageRoot, 'dist/engine/policy/loadCatalogue.js')

/** Load a seeds folder in a fresh process of the build, as a command would. */
function load(seeds: string, cache: string) {
  const script = `import(${JSON.stringify(loader)}).then(({ loadCatalogue }) => {
    try {
      const c = loadCatalogue(${JSON.stringify(seeds)})
      process.stdout.write(JSON.stringify({ hash: c.hash, programmes: [...c.programmes], documents: [...c.documents], notModelled: c.notModelled, levels: c.levels }))
    } catch (e) { process.stdout.write(JSON.stringify({ error: e.code, issues: e.issues })) }
  })`
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, BUDGET_SIM_CACHE_DIR: cache } })
  expect(r.stderr).toBe('')
  return JSON.parse(r.stdout)
}

describe('the catalogue kept between commands', () => {
  const seeds = mkdtempSync(join(tmpdir(), 'budget-sim-seeds-'))
  cpSync(join(packageRoot, 'seeds'), seeds, { recursive: true })
  const cache = mkdtempSync(join(tmpdir(), 'budget-sim-cache-'))

  it('is read back equal to the catalogue checked from the files', () => {
    const first = load(seeds, cache)
    expect(first.error).toBeUndefined()
    const kept = readdirSync(cache)
    expect(kept).toHaveLength(1)
    expect(readFileSync(join(cache, kept[0]), 'utf8')).toContain(first.hash)
    expect(load(seeds, cache)).toEqual(first)
  })

  it('is not used once a seed changes: a new value is seen, an invalid one refused', () => {
    const before = load(seeds, cache)
    const file = join(seeds, 'transfer-institution-grant.yaml')
    const text = readFileSync(file, 'utf8')
    writeFileSync(file, `${text}\n# an edit\n`)
    const edited = load(seeds, cache)
    expect(edited.hash).not.toBe(before.hash)
    writeFileSync(file, text.replace(/approval_rate:\n(\s+)value: [0-9.]+/, 'approval_rate:\n$1value: 7'))
    const invalid = load(seeds, cache)
    expect(invalid.error).toBe('SEED_INVALID')
    expect(invalid.issues.map((i: { path: string }) => i.path).join(' ')).toContain('transfer-institution-grant.yaml.parameters.approval_rate')
    writeFileSync(file, text)
    expect(load(seeds, cache)).toEqual(before)
  })
})
