// Why: reading a stored run (one total per trial for a chart, a filtered or CSV copy of its trials
// table) touches every row of a file that may hold millions. These tasks run in worker threads and
// stream the file record batch by record batch, so the server's main thread only routes requests
// and memory holds one batch, not the table.
import { open } from 'node:fs/promises'
import type { MessagePort } from 'node:worker_threads'
import {
  DataType,
  Field,
  makeData,
  RecordBatch,
  RecordBatchReader,
  Schema,
  Struct,
  type Data,
} from 'apache-arrow'
import { BudgetSimError } from '../errors.js'
import { distribution, type Distribution } from '../summary/distribution.js'
import { ArrowPump } from './arrowPump.js'
import { PortSink } from './portStream.js'
import { csvBatchChunks, csvHeader } from './writeResults.js'

/** Which rows of a trials table: every given list must contain the row's value (all when omitted). */
export interface RowSelection {
  years?: number[]
  programmes?: string[]
  levels?: string[]
}

export interface TotalsSelection extends RowSelection {
  /** the column summed per trial */
  measure: string
}

export type ReadTask =
  | {
      kind: 'distribution'
      path: string
      /** a second run on the same draws: the distribution is of the per-trial difference path - against */
      against?: string
      trials: number
      selection: TotalsSelection
      bins: number
      points: number
      range?: [number, number]
    }
  | {
      /** the per-trial group totals of two runs on the same draws, paired into a budget-impact table */
      kind: 'compare'
      /** the reform (after) and the baseline (before) */
      path: string
      against: string
      trials: number
      measure: string
      groups: import('../analysis/budgetImpact.js').ImpactGroup[]
      plans: { after: import('../analysis/budgetImpact.js').AppropriationPlan; before: import('../analysis/budgetImpact.js').AppropriationPlan }
    }
  | {
      kind: 'table'
      path: string
      selection: RowSelection
      /** columns to keep, in order (all when omitted) */
      columns?: string[]
      format: 'arrow' | 'arrows' | 'csv'
      /** rows the output will hold (written in the schema metadata before the rows) */
      rowCount: number
    }

/** Run a read task; table output goes to `port`. */
export async function runReadTask(task: ReadTask, port?: MessagePort): Promise<unknown> {
  switch (task.kind) {
    case 'distribution': {
      let values = await fileTotals(task.path, task.trials, task.selection)
      if (task.against) {
        const base = await fileTotals(task.against, task.trials, task.selection)
        for (let i = 0; i < values.length; i++) values[i] -= base[i]
      }
      return distribution(values, task.bins, task.points, task.range) satisfies Distribution
    }
    case 'compare': {
      const { budgetImpactRows, groupTotalsFromFile } = await import('../analysis/budgetImpact.js')
      const [after, before] = await Promise.all([
        groupTotalsFromFile(task.path, task.trials, task.measure, task.groups),
        groupTotalsFromFile(task.against, task.trials, task.measure, task.groups),
      ])
      return budgetImpactRows(task.groups, task.measure, { plan: task.plans.before, series: before }, { plan: task.plans.after, series: after })
    }
    case 'table': {
      if (!port) throw new Error('a table read needs a port to stream to')
      const sink = new PortSink(port)
      try {
        const rows = await writeSelection(task, sink)
        sink.end()
        return { rows }
      } catch (e) {
        sink.fail(e)
        if (e instanceof BudgetSimError && e.code === 'RUN_CANCELLED') return { rows: 0, stopped: true }
        throw e
      }
    }
  }
}

/** Open a stored trials file for batch-by-batch reading. */
async function openTable(path: string) {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (e) {
    throw new BudgetSimError('OUTPUT_FAILED', `cannot read ${path}: ${(e as Error).message}`, { cause: e })
  }
  const reader = await RecordBatchReader.from(handle)
  await reader.open()
  return { reader, close: () => handle.close() }
}

/** Per batch, the dictionary indices allowed by a list of strings (null: no restriction). */
function allowed(batch: RecordBatch, column: string, wanted: string[] | undefined): Uint8Array | null {
  if (!wanted) return null
  const data = batch.getChild(column)!.data[0]
  const dictionary = [...data.dictionary!] as string[]
  return Uint8Array.from(dictionary.map((v) => (wanted.includes(v) ? 1 : 0)))
}

/** Indices of the rows of `batch` matching `selection`; null when every row matches. */
function matchingRows(batch: RecordBatch, selection: RowSelection): Int32Array | null {
  const years = selection.years ? (batch.getChild('year')!.data[0].values as Int32Array) : null
  const programmeOk = allowed(batch, 'programme', selection.programmes)
  const programmes = programmeOk ? (batch.getChild('programme')!.data[0].values as Int32Array) : null
  const levelOk = allowed(batch, 'level', selection.levels)
  const levels = levelOk ? (batch.getChild('level')!.data[0].values as Int32Array) : null
  if (!years && !programmes && !levels) return null
  const n = batch.numRows
  const keep = new Int32Array(n)
  let k = 0
  for (let i = 0; i < n; i++) {
    if (years && !selection.years!.includes(years[i])) continue
    if (programmes && !programmeOk![programmes[i]]) continue
    if (levels && !levelOk![levels[i]]) continue
    keep[k++] = i
  }
  return keep.subarray(0, k)
}

/** One total per trial: the sum of `measure` over the matching rows, in row order. */
export async function fileTotals(path: string, trials: number, selection: TotalsSelection): Promise<Float64Array> {
  const totals = new Float64Array(trials)
  const { reader, close } = await openTable(path)
  try {
    for await (const batch of reader) {
      const trial = batch.getChild('trial')!.data[0].values as Int32Array
      const column = batch.getChild(selection.measure)
      if (!column) throw new BudgetSimError('INVALID_ARGUMENT', `the trials table has no column ${selection.measure}`)
      const values = column.data[0].values as Float64Array | Int32Array
      const rows = matchingRows(batch, selection)
      if (rows === null) for (let i = 0; i < batch.numRows; i++) totals[trial[i]] += values[i]
      else for (let j = 0; j < rows.length; j++) totals[trial[rows[j]]] += values[rows[j]]
    }
  } finally {
    await close()
  }
  return totals
}

/** Stream the selected rows and columns of a stored trials table to `sink`; returns the rows written. */
async function writeSelection(task: Extract<ReadTask, { kind: 'table' }>, sink: PortSink): Promise<number> {
  const { reader, close } = await openTable(task.path)
  let rows = 0
  try {
    const input = reader.schema
    const names = task.columns && task.columns.length > 0 ? task.columns : input.fields.map((f) => f.name)
    const fields = names.map((n) => {
      const f = input.fields.find((x) => x.name === n)
      if (!f) throw new BudgetSimError('INVALID_ARGUMENT', `the trials table has no column ${n}`)
      return new Field(f.name, f.type, f.nullable)
    })
    const metadata = new Map(input.metadata)
    metadata.set('row_count', String(task.rowCount))
    const described = Object.fromEntries(
      Object.entries({ ...task.selection, columns: task.columns }).filter(([, v]) => v !== undefined && (!Array.isArray(v) || v.length > 0)),
    )
    if (Object.keys(described).length > 0) metadata.set('filter', JSON.stringify(described))
    const schema = new Schema(fields, metadata)

    const pump = task.format === 'csv' ? null : new ArrowPump(task.format === 'arrow' ? 'file' : 'stream', (chunk) => sink.write(chunk))
    if (!pump) await sink.write(csvHeader(names))
    let wroteAny = false
    try {
      for await (const batch of reader) {
        const keep = matchingRows(batch, task.selection)
        const k = keep === null ? batch.numRows : keep.length
        if (k === 0) continue
        const children = fields.map((f): Data => {
          const source = batch.getChild(f.name)!.data[0]
          const values = source.values as Int32Array | Float64Array
          let out = values
          if (keep !== null) {
            out = new (values.constructor as Int32ArrayConstructor | Float64ArrayConstructor)(k)
            for (let j = 0; j < k; j++) out[j] = values[keep[j]]
          }
          if (DataType.isDictionary(f.type)) return makeData({ type: f.type, length: k, nullCount: 0, data: out as Int32Array, dictionary: source.dictionary } as any)
          return makeData({ type: f.type, length: k, nullCount: 0, data: out } as any)
        })
        const selected = new RecordBatch(schema, makeData({ type: new Struct(fields), length: k, nullCount: 0, children }))
        rows += k
        wroteAny = true
        if (pump) await pump.write(selected)
        else for (const chunk of csvBatchChunks(selected)) await sink.write(chunk)
      }
      if (pump) {
        if (!wroteAny) {
          const children = fields.map((f) => makeData({ type: f.type, length: 0, nullCount: 0 } as any))
          await pump.write(new RecordBatch(schema, makeData({ type: new Struct(fields), length: 0, nullCount: 0, children })))
        }
        await pump.finish()
      }
    } catch (e) {
      await pump?.abort().catch(() => undefined)
      throw e
    }
  } finally {
    await close()
  }
  if (rows !== task.rowCount) throw new BudgetSimError('OUTPUT_FAILED', `wrote ${rows} rows where ${task.rowCount} were expected`)
  return rows
}
