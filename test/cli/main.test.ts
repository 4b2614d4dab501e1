import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tableFromIPC } from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../engine/paths.js'
import { SummaryColumnNames } from '../../engine/results/buildSummaryTable.js'
import { cellDifferences, objectCells, readCsvWithPython, tableCells } from '../helpers/readCsv.js'

const bin = join(packageRoot, 'dist/cli/bin.js')
const dir = mkdtempSync(join(tmpdir(), 'budget-sim-cli-'))
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('budget-sim run', () => {
  it('prints totals per year and level with P50/P95/P99 and the overrun probability', () => {
    const r = cli('run', 'guangzhou-2015-2017-baseline', '--trials', '300', '--workers', '2')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Scenario guangzhou-2015-2017-baseline .* 300 trials, seed 20150827/)
    expect(r.stdout).toMatch(/Year\s+Level\s+Mean\s+± s.e.\s+P50\s+P95\s+P99\s+Appropriation\s+P\(over\)/)
    expect(r.stdout).toMatch(/2015\s+municipal\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+170\.0\s+[\d.]+%/)
    expect(r.stdout).toMatch(/all\s+all\s+[\d.]+/)
    expect(r.stdout).toMatch(/tech-transaction-subsidy\s+[\d.]+/)
    expect(r.stderr).toBe('')
  })

  it('simulates a small run on its own thread, with the same numbers as on worker threads', () => {
    const small = cli('run', 'guangzhou-2015-2017-baseline', '--trials', '20')
    const threads = cli('run', 'guangzhou-2015-2017-baseline', '--trials', '20', '--workers', '2')
    expect(small.code).toBe(0)
    expect(small.stdout).toMatch(/on 1 thread\(s\)/)
    expect(threads.stdout).toMatch(/on 2 thread\(s\)/)
    // everything but the timing line is the same
    const tables = (out: string) => out.split('\n').filter((l) => !l.startsWith('Simulated ')).join('\n')
    expect(tables(small.stdout)).toBe(tables(threads.stdout))
  })

  it('writes the trials and summary tables, atomically, in the format of the extension', () => {
    const out = join(dir, 'baseline.arrow')
    const r = cli('run', 'guangzhou-2015-2017-baseline', '--trials', '50', '--seed', '7', '--out', out)
    expect(r.code).toBe(0)
    const trials = tableFromIPC(readFileSync(out))
    expect(trials.numRows).toBe(50 * 18)
    expect(trials.schema.metadata.get('seed')).toBe('7')
    expect(tableFromIPC(readFileSync(join(dir, 'baseline.summary.arrow'))).numRows).toBeGreaterThan(100)
    expect(r.stdout).toMatch(/Wrote .*baseline\.arrow, .*baseline\.summary\.arrow/)
  })

  it('writes CSV, an Arrow stream, or the summary as JSON', () => {
    expect(cli('run', 'bench-tech-transaction', '--trials', '20', '--out', join(dir, 'b.csv')).code).toBe(0)
    expect(readFileSync(join(dir, 'b.csv'), 'utf8').split('\n')[0]).toBe(
      'trial,year,programme,level,applicants,approved,capped,quota_rejected,budget_rejected,recipients,demand,paid,shortfall,cap_saved,budget_cut',
    )
    expect(cli('run', 'bench-tech-transaction', '--trials', '20', '--out', join(dir, 'b.data'), '--format', 'arrows').code).toBe(0)
    expect(existsSync(join(dir, 'b.summary.data'))).toBe(true)
    expect(cli('run', 'bench-tech-transaction', '--trials', '20', '--out', join(dir, 'b.json')).code).toBe(0)
    const json = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'))
    expect(json.metadata.trials).toBe(20)
    expect(json.summary.length).toBeGreaterThan(10)
    expect(json.programmes[0].provenance.rate.origin).toBe('scenario')
  })

  it('writes CSV whose every cell, read by pandas and polars, is the value of the JSON summary and the Arrow trials table', () => {
    const run = (out: string) => expect(cli('run', 'guangzhou-2015-2017-baseline', '--trials', '40', '--seed', '11', '--quiet', '--out', join(dir, out)).code).toBe(0)
    run('cells.csv')
    run('cells.json')
    run('cells.arrow')
    const summaryRows = JSON.parse(readFileSync(join(dir, 'cells.json'), 'utf8')).summary
    const trials = tableFromIPC(readFileSync(join(dir, 'cells.arrow')))
    const seen = readCsvWithPython(join(dir, 'cells.csv'), join(dir, 'cells.summary.csv'))
    for (const reader of ['pandas', 'polars'] as const) {
      const tolerance = { relative: reader === 'pandas' ? 1e-14 : 0 }
      const summary = seen[join(dir, 'cells.summary.csv')][reader]
      expect(summary.columns).toEqual([...SummaryColumnNames])
      expect(cellDifferences(summary, objectCells(summaryRows, SummaryColumnNames), tolerance), `summary CSV read by ${reader}`).toEqual([])
      const total = summary.rows.find((r) => r[0] === 2015 && r[1] === 'all' && r[2] === 'municipal' && r[3] === 'demand')!
      expect(total[SummaryColumnNames.indexOf('appropriation')]).toBe(170_000_000)
      const trialsSeen = seen[join(dir, 'cells.csv')][reader]
      expect(trialsSeen.columns).toEqual(trials.schema.fields.map((f) => f.name))
      expect(cellDifferences(trialsSeen, tableCells(trials), tolerance), `trials CSV read by ${reader}`).toEqual([])
    }
  })

  it('gives the same trials table for the same scenario and seed, whatever the worker count', () => {
    cli('run', 'reform-cap-3m', '--trials', '64', '--workers', '1', '--out', join(dir, 'w1.arrow'))
    cli('run', 'reform-cap-3m', '--trials', '64', '--workers', '3', '--out', join(dir, 'w3.arrow'))
    expect(readFileSync(join(dir, 'w1.arrow')).equals(readFileSync(join(dir, 'w3.arrow')))).toBe(true)
  })

  it('exits 2 with the path and problem for an invalid scenario', () => {
    const file = join(dir, 'bad.yaml')
    writeFileSync(file, 'name: bad\nyears: [2015]\ntrials: 10\nseed: 1\nprogrammes:\n  tech-transaction-subsidy: { approval_rate: 1.4 }\n')
    const r = cli('run', file)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('programmes.tech-transaction-subsidy.approval_rate: must be between 0 and 1, got 1.4')
  })

  it('exits 2 for bad flags, unknown presets and missing files', () => {
    expect(cli('run', 'guangzhou-2015-2017-baseline', '--trials', '0').stderr).toMatch(/--trials: must be a whole number between 1 and/)
    expect(cli('run', 'guangzhou-2015-2017-baseline', '--format', 'xlsx').code).toBe(2)
    expect(cli('run', 'guangzhou-2015-2017-baseline', '--bogus').code).toBe(2)
    const preset = cli('run', 'no-such-preset')
    expect(preset.code).toBe(2)
    expect(preset.stderr).toMatch(/no preset scenario named "no-such-preset" \(presets: .*guangzhou-2015-2017-baseline/)
    expect(cli('run', './missing.yaml').stderr).toMatch(/missing\.yaml: no such file/)
    expect(cli('frobnicate').code).toBe(2)
  })

  it("suggests the nearest flag for a misspelled one, and lists the command's flags when none is near", () => {
    const misspelled = cli('run', 'guangzhou-2015-2017-baseline', '--trails', '5')
    expect(misspelled.code).toBe(2)
    expect(misspelled.stderr).toBe('budget-sim: unknown option --trails; did you mean --trials?\n')
    expect(cli('run', 'guangzhou-2015-2017-baseline', '--wrokers=2').stderr).toBe('budget-sim: unknown option --wrokers; did you mean --workers?\n')
    expect(cli('programmes', '--JSON').stderr).toBe('budget-sim: unknown option --JSON; did you mean --json?\n')
    expect(cli('run', 'guangzhou-2015-2017-baseline', '--colour', 'red').stderr).toBe(
      'budget-sim: unknown option --colour (run options: --trials, --seed, --workers, --out, --format, --quiet, --redis, --precision, --against)\n',
    )
    expect(cli('validate', 'guangzhou-2015-2017-baseline', '--json').stderr).toBe('budget-sim: unknown option --json: validate takes no options\n')
    expect(cli('run', 'guangzhou-2015-2017-baseline', '--trials').stderr).toBe('budget-sim: --trials: needs a value\n')
    expect(cli('run', 'guangzhou-2015-2017-baseline', '--quiet=yes').stderr).toBe('budget-sim: --quiet: takes no value\n')
  })

  it('refuses an --out it cannot write before simulating, with exit 2 and the reason', () => {
    // a hundred million trials: the command would not finish in time if it simulated first
    const refused = (out: string, options: { as?: number } = {}) => {
      const r = spawnSync(process.execPath, [bin, 'run', 'guangzhou-2015-2017-baseline', '--trials', '100000000', '--out', out], {
        encoding: 'utf8',
        cwd: options.as === undefined ? dir : '/',
        timeout: 20_000,
        ...(options.as === undefined ? {} : { uid: options.as, gid: options.as }),
      })
      expect(r.status, r.stderr).toBe(2)
      expect(r.stdout).toBe('')
      return r.stderr
    }
    expect(refused(join(dir, 'no-such-dir', 'x.arrow'))).toBe(`budget-sim: --out ${join(dir, 'no-such-dir', 'x.arrow')}: the directory ${join(dir, 'no-such-dir')} does not exist\n`)
    mkdirSync(join(dir, 'a-directory.arrow'), { recursive: true })
    expect(refused(join(dir, 'a-directory.arrow'))).toMatch(/^budget-sim: --out .*a-directory\.arrow: .*a-directory\.arrow is a directory; give a file name/)
    writeFileSync(join(dir, 'a-file'), '')
    expect(refused(join(dir, 'a-file', 'x.csv'))).toMatch(/: .*a-file is not a directory\n$/)
    // a directory this user cannot write in (root ignores permissions, so root runs the CLI as nobody)
    const locked = mkdtempSync(join(tmpdir(), 'budget-sim-locked-'))
    chmodSync(locked, 0o555)
    const asRoot = process.getuid?.() === 0
    expect(refused(join(locked, 'x.arrow'), asRoot ? { as: 65534 } : {})).toBe(`budget-sim: --out ${join(locked, 'x.arrow')}: cannot write in ${locked} (permission denied)\n`)
    expect(readdirSync(locked)).toEqual([])
  })
})

describe('budget-sim validate', () => {
  it('accepts a valid file and describes it', () => {
    const r = cli('validate', join(packageRoot, 'scenarios/reform-cap-3m.yaml'))
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^ok: reform-cap-3m\.yaml is a valid scenario "reform-cap-3m", extends guangzhou-2015-2017-baseline/)
  })

  it("reports every problem at once: the schema's, unknown programmes and the programme checks", () => {
    const file = join(dir, 'many-problems.yaml')
    writeFileSync(
      file,
      [
        'name: many-problems',
        'years: [2015]',
        'trials: 10',
        'seed: 1',
        'programmes:',
        '  tech-transaction-subsidy: { aproval: 0.8 }',
        '  transfer-institution-grant: { funding: { municipal: 0.7, provincial: 0.2 } }',
        '  torch-pilot-maching: {}',
        '',
      ].join('\n'),
    )
    const r = cli('validate', file)
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')).toEqual([
      'budget-sim: The scenario is invalid (3 problems)',
      expect.stringMatching(/^  programmes\.tech-transaction-subsidy\.aproval: unknown key \(allowed: years, applicants, /),
      expect.stringMatching(/^  programmes\.torch-pilot-maching: unknown programme; did you mean torch-pilot-matching\? \(known: /),
      '  programmes.transfer-institution-grant.funding: shares must sum to 1, got 0.9',
      '',
    ])
  })

  it('rejects bad YAML with a line and column, exit 2', () => {
    const file = join(dir, 'broken.yaml')
    writeFileSync(file, 'name: x\nyears: [2015\n')
    const r = cli('validate', file)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/line \d+, column \d+/)
  })
})

describe('budget-sim programmes', () => {
  it('lists the programmes with their rules and citations', () => {
    const r = cli('programmes')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/tech-transaction-subsidy: Technology transaction subsidy/)
    expect(r.stdout).toMatch(/rate\s+5%\s+\[… to 2017\]\n\s+policy: 000 §四\(一\)2; 000 annex item 2/)
    expect(r.stdout).toMatch(/rate\s+5%\s+\[2018 to …\]\n\s+assumption: 001 §四\(一\)4 continues/)
    expect(r.stdout).toMatch(/matching\s+provincial matches national at 2:1\n\s+policy: 003 §五\(二\)/)
    expect(r.stdout).toMatch(/applicants\s+Poisson\(mean 600\), growing 10.78%\/yr\n\s+assumption:/)
    const json = JSON.parse(cli('programmes', '--json').stdout)
    expect(json.programmes.map((p: { id: string }) => p.id)).toContain('torch-pilot-matching')
  })
})
