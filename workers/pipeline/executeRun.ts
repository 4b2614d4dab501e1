// Why: this is the coordinator of one run, the same for the CLI, the API and analyses. It cuts the
// trials into blocks, keeps a bounded window of them in flight on an executor (local threads or a
// cluster), and as blocks complete (in any order) appends their rows to the trials file and their
// summary series to the series file strictly in trial order. When every block is in, worker
// threads describe the series (exact quantiles, VaR, TVaR, batch errors) and the summary is
// assembled. Memory holds a window of blocks, one record batch and one series segment, whatever
// the number of trials; the results are identical for any executor, worker count and block size.
// For analyses it can also hand back the per-trial values of chosen summary groups (and skip the
// summary), and, for a precision run, check figures at fixed trial counts and stop at the first
// count that meets them, giving exactly the results of a fixed run of that many trials.
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { withRun } from '../../engine/analysis/parameterPath.js'
import { seriesIndexOf, type SeriesSelector } from '../../engine/analysis/seriesSelector.js'
import { BudgetSimError } from '../../engine/errors.js'
import { blockDrawBudget, checkRunSize, type RunLimits } from '../../engine/limits.js'
import { compilePlan, type Plan } from '../../engine/plan/compilePlan.js'
import type { BlockOutput } from '../../engine/pipeline/simulateBlock.js'
import { runMetadata, type RunMetadata } from '../../engine/results/metadata.js'
import type { TrialsFileWriter } from '../../engine/results/TrialsFileWriter.js'
import type { RunSpec } from '../../engine/run/RunSpec.js'
import type { DescribeSeriesTask } from '../../engine/summary/describeSeriesFile.js'
import { readSeries } from '../../engine/summary/seriesFile.js'
import { SeriesFileWriter } from '../../engine/summary/SeriesFileWriter.js'
import { summaryLayout } from '../../engine/summary/SummaryLayout.js'
import { appropriationsBySeries, assembleSummary, type DescribedSeries, type SummaryRow } from '../../engine/summary/summarize.js'
import { RowSpool } from '../analysis/RowSpool.js'
import type { BlockTask, Executor } from '../executor/Executor.js'
import { EtaEstimator } from './EtaEstimator.js'
import { planBlocks, type BlockRange } from './planBlocks.js'
import type { TaskPool } from './TaskPool.js'

export type RunPhase = 'simulate' | 'summarize' | 'write'

export interface RunProgress {
  phase: RunPhase
  trialsDone: number
  trials: number
  /** summary series described so far, of `series` (summarise phase) */
  seriesDone: number
  series: number
  /** seconds left for the phase, once the rate is known (null before) */
  etaSeconds: number | null
  elapsedSeconds: number
}

export interface ExecuteOptions {
  executor: Executor
  /** worker threads for the summary (and the executor's threads when it is local) */
  pool: TaskPool
  limits: RunLimits
  /** where to write the trials table (Arrow IPC file); null keeps no trials table */
  trialsPath: string | null
  /** a directory for the temporary series file (must exist) */
  workDir: string
  /** identifies this execution to the executor (default: random) */
  runId?: string
  signal?: AbortSignal
  onProgress?: (p: RunProgress) => void
  /** ms between progress reports (default 100) */
  progressInterval?: number
  /** trials per block (default: planBlocks' choice) */
  blockTrials?: number
  /** hand back the per-trial values of these summary groups (RunResult.series, same order); a group with no rows is 0 */
  extractSeries?: SeriesSelector[]
  /** false: describe no summary series (RunResult.summary is empty), for runs read through extractSeries only */
  summary?: boolean
  /** a precision run: spec.trials is the maximum; stop at the first checkpoint the control accepts */
  precision?: PrecisionControl
}

/**
 * Stopping a run at a fixed trial count. Blocks never cross a checkpoint, so the checks see the
 * same trials whatever the executor and block size; rows are spooled and written as a trials
 * file of the final count, so a run that stops at n trials equals a fixed run of n trials.
 */
export interface PrecisionControl {
  /** increasing trial counts at which to check; the last is spec.trials */
  checkpoints: number[]
  /** the groups whose per-trial values the checks need */
  series: SeriesSelector[]
  /** at a checkpoint, with each group's values over trials [0, trials): true stops the run there */
  check(trials: number, series: Float64Array[]): boolean | Promise<boolean>
}

export interface RunResult {
  spec: RunSpec
  plan: Plan
  metadata: RunMetadata
  summary: SummaryRow[]
  applications: number
  draws: number
  rows: number
  blocks: number
  trialsPath: string | null
  timings: { simulateMs: number; summarizeMs: number; writeMs: number }
  /** the per-trial values of options.extractSeries, in order */
  series?: Float64Array[]
}

/** Execute a run specification. Rejects with RUN_CANCELLED when `signal` aborts. */
export async function executeRun(spec: RunSpec, options: ExecuteOptions): Promise<RunResult> {
  const { executor, pool, signal, precision } = options
  const trials = spec.trials
  const plan = compilePlan(spec, spec.seed)
  if (precision && (precision.checkpoints.at(-1) !== trials || precision.checkpoints.some((c, i) => !(c > (precision.checkpoints[i - 1] ?? 0)))))
    throw new Error(`precision checkpoints must increase to the run's ${trials} trials, got ${precision.checkpoints.join(', ')}`)
  checkRunSize(
    { trials, draws: trials * plan.expectedDrawsPerTrial, applications: trials * plan.expectedApplicationsPerTrial, rows: trials * plan.rowsPerTrial },
    options.limits,
    { rows: options.trialsPath !== null },
  )
  if (signal?.aborted) throw new BudgetSimError('RUN_CANCELLED', 'the run was cancelled before it started')
  const runId = options.runId ?? randomUUID()
  const layout = summaryLayout(plan)
  const blocks = planBlocks(plan, trials, executor.slots(), options.blockTrials ?? executor.blockTrials?.(plan, trials))
  const window = 2 * executor.slots() + 2
  const metadataAtStart = runMetadata(spec)
  const seriesPath = join(options.workDir, `series-${runId}.f64`)
  const started = performance.now()

  // a precision run's blocks never cross a checkpoint: each stretch between two is cut on its own
  if (precision) {
    const preferred = (n: number) => options.blockTrials ?? (executor as { blockTrials?: (plan: Plan, trials: number) => number | undefined }).blockTrials?.(plan, n)
    const cuts = precision.checkpoints
    const stretches = cuts.flatMap((end, k) => {
      const start = k === 0 ? 0 : cuts[k - 1]
      return planBlocks(plan, end - start, executor.slots(), preferred(end - start)).map((b) => ({ trialStart: start + b.trialStart, trialCount: b.trialCount }))
    })
    blocks.splice(0, blocks.length, ...stretches)
  }
  const checkedSeries = precision ? precision.series.map((s) => seriesIndexOf(layout, s, { missing: 'zero' })) : []
  const kept = checkedSeries.map(() => new Float64Array(Math.min(trials, 1024)))
  let finalTrials = trials

  let trialsWriter: TrialsFileWriter | null = null
  let spool: RowSpool | null = null
  let seriesWriter: SeriesFileWriter | null = null
  let phase: RunPhase = 'simulate'
  let written = 0
  let seriesDone = 0
  let phaseStarted = started
  // start-up is not part of the remaining time: each phase's rate is measured from its first progress
  const simulateEta = new EtaEstimator(trials)
  const summarizeEta = new EtaEstimator(layout.series.length)
  const progress = (): RunProgress => {
    const now = performance.now()
    const simulated = phase === 'simulate' ? Math.min(trials, Math.max(written, executor.trialsSimulated(runId) ?? 0)) : trials
    let eta: number | null = null
    if (phase === 'simulate') {
      simulateEta.observe(simulated)
      eta = simulateEta.seconds()
    } else if (phase === 'summarize') {
      summarizeEta.observe(seriesDone)
      eta = summarizeEta.seconds()
    }
    return { phase, trialsDone: simulated, trials, seriesDone, series: layout.series.length, etaSeconds: eta, elapsedSeconds: (now - started) / 1000 }
  }
  const timer = options.onProgress ? setInterval(() => options.onProgress!(progress()), options.progressInterval ?? 100) : null
  timer?.unref?.()

  let failure: unknown = null
  const onAbort = () => {
    if (!failure) failure = new BudgetSimError('RUN_CANCELLED', 'the run was cancelled')
    void executor.cancel(runId)
    pool.drop(runId)
  }
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    await executor.open({ runId, spec, plan })
    seriesWriter = await SeriesFileWriter.create(seriesPath, layout.series.length, trials)
    if (options.trialsPath && precision) spool = await RowSpool.create(join(options.workDir, `rows-${runId}.spool`))
    // Arrow is loaded only by a run that keeps a trials table
    else if (options.trialsPath) trialsWriter = await (await import('../../engine/results/TrialsFileWriter.js')).TrialsFileWriter.create(options.trialsPath, plan, metadataAtStart, trials)
    if (failure) throw failure

    // --- simulate: a window of blocks in flight, appended in trial order as they complete ---
    let applications = 0
    let draws = 0
    await new Promise<void>((resolve, reject) => {
      const done = new Map<number, BlockOutput>()
      let submitted = 0
      let next = 0
      let writing = false
      let stopped = false
      let checkpoint = 0
      const fail = (e: unknown) => {
        if (stopped) return
        if (!failure) failure = e
        void executor.cancel(runId)
        reject(failure)
      }
      const submit = () => {
        if (failure) return reject(failure)
        while (!failure && submitted < blocks.length && submitted - next < window) {
          const b: BlockRange = blocks[submitted]
          const task: BlockTask = {
            runId,
            index: submitted,
            trialStart: b.trialStart,
            trialCount: b.trialCount,
            rows: options.trialsPath !== null,
            drawBudget: blockDrawBudget(options.limits, trials, b.trialCount),
          }
          const index = submitted++
          executor.submit(task).then(
            (out) => {
              if (failure) return
              done.set(index, out)
              void write()
            },
            (e) => fail(failure ?? e),
          )
        }
      }
      const write = async () => {
        if (writing) return
        writing = true
        try {
          while (!failure && !stopped && done.has(next)) {
            const out = done.get(next)!
            done.delete(next)
            if (trialsWriter) await trialsWriter.append(out.rows!, out.trialStart, out.trialCount)
            if (spool) await spool.append(out.rows!, out.trialStart, out.trialCount)
            await seriesWriter!.append(out.series, out.trialStart, out.trialCount)
            if (precision) keep(out)
            applications += out.applications
            draws += out.draws
            written += out.trialCount
            next++
            if (precision && written === precision.checkpoints[checkpoint]) {
              checkpoint++
              const values = kept.map((k) => k.subarray(0, written))
              if (written < trials && (await precision.check(written, values))) {
                // met: the trials simulated beyond this count are dropped
                stopped = true
                finalTrials = written
                void executor.cancel(runId)
                pool.drop(runId)
                break
              }
              if (written === trials) await precision.check(written, values)
            }
            submit()
          }
        } catch (e) {
          writing = false
          return fail(e)
        }
        writing = false
        if (failure) return reject(failure)
        if (stopped || next === blocks.length) resolve()
      }
      /** keep the checked groups' values of a block (trials in order) */
      const keep = (out: BlockOutput) => {
        const values = new Float64Array(out.series)
        const end = out.trialStart + out.trialCount
        checkedSeries.forEach((s, i) => {
          if (kept[i].length < end) {
            const grown = new Float64Array(Math.min(trials, Math.max(end, 2 * kept[i].length)))
            grown.set(kept[i])
            kept[i] = grown
          }
          if (s >= 0) kept[i].set(values.subarray(s * out.trialCount, (s + 1) * out.trialCount), out.trialStart)
        })
      }
      submit()
    })
    if (finalTrials < trials) await seriesWriter.finishAt(finalTrials)
    else await seriesWriter.finish()
    const simulateMs = performance.now() - started
    const finalSpec = finalTrials === trials ? spec : withRun(spec, { trials: finalTrials })
    const extracted = options.extractSeries?.map((s) => {
      const index = seriesIndexOf(layout, s, { missing: 'zero' })
      return index < 0 ? new Float64Array(finalTrials) : readSeries(seriesPath, seriesWriter!.layout, index)
    })

    // --- summarise: describe every series in worker threads, in parallel ---
    phase = 'summarize'
    phaseStarted = performance.now()
    const appropriations = appropriationsBySeries(layout)
    const fileLayout = seriesWriter.layout
    const groups = options.summary === false ? [] : splitEvenly(layout.series.length, Math.min(layout.series.length, pool.threads * 3))
    const described: DescribedSeries[] = []
    await Promise.all(
      groups.map(async (indices) => {
        const task: DescribeSeriesTask = { path: seriesPath, layout: fileLayout, series: indices, appropriations: indices.map((s) => appropriations[s]) }
        const out = await pool.run<DescribedSeries[]>(runId, { kind: 'describe', task }, `the summary series ${indices[0]}-${indices.at(-1)}`)
        if (failure) throw failure
        for (const d of out) described[d.series] = d
        seriesDone += out.length
      }),
    )
    if (failure) throw failure
    const summary = options.summary === false ? [] : assembleSummary(layout, described, finalTrials)
    const summarizeMs = performance.now() - phaseStarted

    phase = 'write'
    const t0 = performance.now()
    if (spool) {
      // the trials file of a precision run, written now that its trial count is known
      trialsWriter = await (await import('../../engine/results/TrialsFileWriter.js')).TrialsFileWriter.create(options.trialsPath!, plan, runMetadata(finalSpec), finalTrials)
      const writer = trialsWriter
      await spool.replay(finalTrials, (rows, trialStart, trialCount) => writer.append(rows, trialStart, trialCount))
      spool = null
    }
    if (trialsWriter) await trialsWriter.finish()
    trialsWriter = null
    await rm(seriesPath, { force: true })
    return {
      spec: finalSpec,
      plan,
      metadata: runMetadata(finalSpec, applications),
      summary,
      applications,
      draws,
      rows: options.trialsPath ? finalTrials * plan.rowsPerTrial : 0,
      blocks: blocks.filter((b) => b.trialStart < finalTrials).length,
      trialsPath: options.trialsPath,
      timings: { simulateMs, summarizeMs, writeMs: performance.now() - t0 },
      ...(extracted ? { series: extracted } : {}),
    }
  } catch (e) {
    await executor.cancel(runId).catch(() => undefined)
    await trialsWriter?.abort().catch(() => undefined)
    await spool?.remove().catch(() => undefined)
    await seriesWriter?.abort().catch(() => undefined)
    throw failure ?? e
  } finally {
    if (timer) clearInterval(timer)
    signal?.removeEventListener('abort', onAbort)
    await rm(seriesPath, { force: true }).catch(() => undefined)
    await executor.close(runId).catch(() => undefined)
  }
}

/** 0..n-1 cut into k contiguous groups of nearly equal size. */
function splitEvenly(n: number, k: number): number[][] {
  const out: number[][] = []
  for (let g = 0; g < k; g++) {
    const from = Math.floor((g * n) / k)
    const to = Math.floor(((g + 1) * n) / k)
    if (to > from) out.push(Array.from({ length: to - from }, (_, i) => from + i))
  }
  return out
}
