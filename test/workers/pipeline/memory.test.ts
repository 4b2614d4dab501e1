// Memory must not grow with the number of trials: a run's rows go to its file batch by batch and
// its summary series to disk segment by segment, so a run whose rows are many times the JavaScript
// heap it is allowed (and several times the bound on its resident memory) completes, and its file
// holds every row.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/** Many rows per trial, few draws: 20 years x 3 small programmes (4 level rows a year). */
const scenario = {
  name: 'many-rows',
  years: Array.from({ length: 20 }, (_, i) => 2015 + i),
  trials: 1,
  seed: 3,
  programmes: {
    'transfer-institution-grant': { years: Array.from({ length: 20 }, (_, i) => 2015 + i), applicants: { fixed: { value: 3 } } },
    'testing-certification-award': { years: Array.from({ length: 20 }, (_, i) => 2015 + i), applicants: { poisson: { mean: 2 } } },
    'torch-pilot-matching': { years: Array.from({ length: 20 }, (_, i) => 2015 + i) },
  },
}

describe('a run of many trials', () => {
  it('keeps the heap and resident memory bounded far below the size of its rows', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'budget-sim-memory-')), 'trials.arrow')
    const trials = 100_000
    const r = spawnSync(
      process.execPath,
      ['--max-old-space-size=48', fileURLToPath(new URL('../../fixtures/memory-run.mjs', import.meta.url)), JSON.stringify(scenario), String(trials), out],
      { encoding: 'utf8', timeout: 240_000 },
    )
    expect(r.status, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout)
    const rowBytes = report.rows * 68
    // 100,000 trials x 80 rows = 8M rows, ~540 MB of row data, against a 48 MB heap
    expect(report.rows).toBe(trials * 80)
    expect(rowBytes).toBeGreaterThan(500e6)
    expect(statSync(out).size).toBeGreaterThan(rowBytes)
    expect(report.peakRss).toBeLessThan(400e6)
    process.stdout.write(`[memory] ${report.rows.toLocaleString('en-US')} rows (${(rowBytes / 1e6).toFixed(0)} MB of row data): peak RSS ${(report.peakRss / 1e6).toFixed(0)} MB\n`)
  }, 300_000)
})
