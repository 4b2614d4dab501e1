import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tableFromIPC } from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { buildSummaryTable, SummaryColumnNames } from '../../../engine/results/buildSummaryTable.js'
import { buildTrialsTable, TrialsColumnNames } from '../../../engine/results/buildTrialsTable.js'
import { createRunSpec } from '../../../engine/run/RunSpec.js'
import { resolveScenario } from '../../../engine/scenario/resolveScenario.js'
import { runMetadata } from '../../../engine/results/metadata.js'
import { tableChunks, writeFileAtomic } from '../../../engine/results/writeResults.js'
import { summarize } from '../../../engine/summary/summarize.js'
import { pythonInterpreter } from '../../../scripts/pythonInterpreter.js'
import { cellDifferences, objectCells, readCsvWithPython, tableCells } from '../../helpers/readCsv.js'
import { scenario, simulate } from '../../helpers/simulate.js'

const trials = 300
const doc = scenario({
  years: [2015, 2016],
  programmes: { 'tech-transaction-subsidy': { applicants: { poisson: { mean: 50 } } }, 'torch-pilot-matching': { years: [2015, 2016] } },
  appropriations: { municipal: { 2015: 1e7, 2016: 1e7 } },
})
const s = simulate(doc, trials)
const meta = runMetadata(createRunSpec(resolveScenario(doc), { trials }), s.applications)
const trialsTable = buildTrialsTable(s.plan, s.columns, trials, meta)
const summaryRows = summarize(s.plan, s.columns, trials)
const summaryTable = buildSummaryTable(summaryRows, meta)
const expectedRows = trials * s.plan.rowsPerTrial
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0)

describe('the trials table', () => {
  it('has one row per trial x year x programme x level, in trial order, with the engine columns', () => {
    expect(trialsTable.numRows).toBe(expectedRows)
    expect(trialsTable.schema.fields.map((f) => f.name)).toEqual([...TrialsColumnNames])
    expect(trialsTable.getChild('trial')!.get(expectedRows - 1)).toBe(trials - 1)
    expect(trialsTable.getChild('programme')!.get(0)).toBe('tech-transaction-subsidy')
    expect(trialsTable.schema.metadata.get('row_count')).toBe(String(expectedRows))
    // written before the run ends, the trials table cannot know the applications simulated: the summary says them
    expect(trialsTable.schema.metadata.has('applications_simulated')).toBe(false)
    expect(summaryTable.schema.metadata.get('applications_simulated')).toBe(String(s.applications))
    for (const key of ['scenario_hash', 'spec_hash', 'seeds_hash', 'seed', 'trials', 'engine_version', 'node_version', 'v8_version'])
      expect(trialsTable.schema.metadata.get(key), key).toMatch(/./)
  })

  it('filters by year, programme and level and selects columns', () => {
    const filtered = buildTrialsTable(s.plan, s.columns, trials, meta, { years: [2016], levels: ['provincial'], columns: ['trial', 'demand'] })
    expect(filtered.numRows).toBe(trials)
    expect(filtered.schema.fields.map((f) => f.name)).toEqual(['trial', 'demand'])
    expect(filtered.schema.metadata.get('row_count')).toBe(String(trials))
  })
})

describe('result files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'budget-sim-results-'))
  const files = {
    arrow: join(dir, 'trials.arrow'),
    arrows: join(dir, 'trials.arrows'),
    csv: join(dir, 'trials.csv'),
    summaryArrow: join(dir, 'summary.arrow'),
    summaryArrows: join(dir, 'summary.arrows'),
    summaryCsv: join(dir, 'summary.csv'),
  }

  it('are written completely and atomically, leaving no temporary files', async () => {
    await writeFileAtomic(files.arrow, tableChunks(trialsTable, 'arrow'))
    await writeFileAtomic(files.arrows, tableChunks(trialsTable, 'arrows'))
    await writeFileAtomic(files.csv, tableChunks(trialsTable, 'csv'))
    await writeFileAtomic(files.summaryArrow, tableChunks(summaryTable, 'arrow'))
    await writeFileAtomic(files.summaryArrows, tableChunks(summaryTable, 'arrows'))
    await writeFileAtomic(files.summaryCsv, tableChunks(summaryTable, 'csv'))
    expect(readdirSync(dir).sort()).toEqual(['summary.arrow', 'summary.arrows', 'summary.csv', 'trials.arrow', 'trials.arrows', 'trials.csv'])
  })

  it('leave nothing behind when writing fails', async () => {
    async function* failing() {
      yield 'partial'
      throw new Error('disk on fire')
    }
    await expect(writeFileAtomic(join(dir, 'broken.arrow'), failing())).rejects.toThrow(/disk on fire/)
    expect(readdirSync(dir).some((f) => f.startsWith('broken'))).toBe(false)
  })

  it('read back in pyarrow and polars with every column and row, as IPC file, IPC stream and CSV', () => {
    const report = JSON.parse(
      execFileSync(pythonInterpreter(), [join(__dirname, '../../helpers/read_arrow.py'), ...Object.values(files)], { encoding: 'utf8' }),
    )
    const demand = sum(s.columns.money.demand)
    const applicants = sum(s.columns.counts.applicants)
    for (const path of [files.arrow, files.arrows, files.csv]) {
      for (const reader of ['pyarrow', 'polars']) {
        const seen = report[path][reader]
        expect(seen.rows, `${path} ${reader}`).toBe(expectedRows)
        expect(seen.columns).toEqual([...TrialsColumnNames])
        expect(seen.sums.demand / demand).toBeCloseTo(1, 12)
        expect(seen.sums.applicants).toBe(applicants)
        expect(seen.sums.trial).toBe(((trials - 1) * trials * s.plan.rowsPerTrial) / 2)
      }
    }
    expect(report[files.arrow].pyarrow.metadata.row_count).toBe(String(expectedRows))
    expect(report[files.arrow].pyarrow.dtypes.slice(0, 5)).toEqual(['int32', 'int32', 'dictionary<values=string, indices=int32, ordered=0>', 'dictionary<values=string, indices=int32, ordered=0>', 'int32'])
    for (const path of [files.summaryArrow, files.summaryArrows, files.summaryCsv]) {
      for (const reader of ['pyarrow', 'polars']) {
        expect(report[path][reader].rows).toBe(summaryRows.length)
        expect(report[path][reader].columns).toEqual([...SummaryColumnNames])
      }
    }
  })

  it("read back as CSV by pandas and polars, every cell equal to the engine's: strings, nulls, integers and floats", () => {
    const seen = readCsvWithPython(files.csv, files.summaryCsv)
    const trialsCells = tableCells(trialsTable)
    const summaryCells = objectCells(summaryRows, SummaryColumnNames)
    // the engine's values, as a reader must see them
    expect(summaryCells.map((r) => r[1])).toContain('tech-transaction-subsidy')
    expect(summaryCells.some((r) => r[0] === null && r[1] === 'all' && r[2] === 'all' && r[3] === 'demand')).toBe(true)
    expect(trialsCells[0].slice(0, 4)).toEqual([0, 2015, 'tech-transaction-subsidy', 'municipal'])
    for (const reader of ['pandas', 'polars'] as const) {
      const trialsSeen = seen[files.csv][reader]
      expect(trialsSeen.columns).toEqual([...TrialsColumnNames])
      const tolerance = { relative: reader === 'pandas' ? 1e-14 : 0 }
      expect(cellDifferences(trialsSeen, trialsCells, tolerance), `trials.csv read by ${reader}`).toEqual([])
      const summarySeen = seen[files.summaryCsv][reader]
      expect(summarySeen.columns).toEqual([...SummaryColumnNames])
      expect(cellDifferences(summarySeen, summaryCells, tolerance), `summary.csv read by ${reader}`).toEqual([])
      // money and statistics are read as floats, whatever their values
      for (const [i, name] of SummaryColumnNames.entries())
        if (!['year', 'programme', 'level', 'measure', 'n'].includes(name)) expect(summarySeen.dtypes[i].toLowerCase(), `${reader} ${name}`).toMatch(/^float64$/)
    }
  })

  it('read back in arrow-js identically', async () => {
    const { readFileSync } = await import('node:fs')
    const back = tableFromIPC(readFileSync(files.arrow))
    expect(back.numRows).toBe(expectedRows)
    expect(Array.from(back.getChild('paid')!.toArray() as Float64Array)).toEqual(Array.from(s.columns.money.paid))
  })
})
