// Why: the decision analyses from the command line, without a server: `sensitivity` (the
// tornado and the contribution to variance), `goal-seek`, `compare` (the budget-impact table of a
// reform against its baseline), and the parts of `run` that analyses add (--precision, --against).
// Each runs its batch of runs through the same pipeline as `run`, on this machine's threads, with
// a progress line on a terminal and Ctrl-C to cancel. Exit codes as for run: 0 ok, 2 invalid input,
// 1 other failure (a goal that cannot be met in the interval too).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PrecisionTarget } from '../engine/analysis/precision.js'
import { BudgetSimError } from '../engine/errors.js'
import { LimitDefinitions } from '../engine/limits.js'
import type { RunSpec } from '../engine/run/RunSpec.js'
import type { AnalysisContext, AnalysisProgress } from '../workers/analysis/RunBatch.js'
import type { TaskPool } from '../workers/pipeline/TaskPool.js'
import { formatSeconds } from './ProgressBar.js'
import { defaultThreads, loadScenarioArgument, parse, positiveInteger, seedOf } from './main.js'

/** A one-line "runs" progress on a terminal. */
class RunsProgress {
  private drawn = false
  private last = 0
  private readonly started = performance.now()
  constructor(private readonly enabled: boolean) {}
  update(p: AnalysisProgress): void {
    if (!this.enabled) return
    const now = performance.now()
    if (now - this.last < 100) return
    this.last = now
    const width = 30
    const filled = Math.round(p.fraction * width)
    const elapsed = (now - this.started) / 1000
    const eta = p.fraction > 0.02 && p.fraction < 1 ? ` ETA ${formatSeconds((elapsed * (1 - p.fraction)) / p.fraction)}` : ''
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(p.fraction * 100).toFixed(0).padStart(3)}% ${p.runs_done}/${p.runs} runs${eta}\u001b[K`)
    this.drawn = true
  }
  done(): void {
    if (this.drawn) process.stderr.write('\r\u001b[K')
    this.drawn = false
  }
}

const common = {
  trials: { type: 'string' },
  seed: { type: 'string' },
  workers: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const

/** Resolve a scenario argument into a specification with the --trials and --seed given. */
async function specOf(arg: string | undefined, values: Record<string, unknown>): Promise<RunSpec> {
  const trials = positiveInteger('--trials', values.trials as string | undefined, LimitDefinitions.trials.hard)
  const seed = seedOf(values.seed as string | undefined)
  const { data, preset } = await loadScenarioArgument(arg)
  const { resolveScenario } = await import('../engine/scenario/resolveScenario.js')
  const { createRunSpec } = await import('../engine/run/RunSpec.js')
  return createRunSpec(resolveScenario(data), { trials, seed, preset })
}

/** Threads, executor, limits and a work directory for a batch of runs; cleaned up after `body`. */
async function withContext<T>(values: Record<string, unknown>, body: (ctx: AnalysisContext, progress: RunsProgress) => Promise<T>, pool?: TaskPool): Promise<T> {
  const workers = positiveInteger('--workers', values.workers as string | undefined, 256)
  const { TaskPool } = await import('../workers/pipeline/TaskPool.js')
  const { LocalExecutor } = await import('../workers/executor/LocalExecutor.js')
  const { limitsFromEnv } = await import('../engine/limits.js')
  const own = pool ?? new TaskPool({ threads: workers ?? defaultThreads() })
  const workDir = await mkdtemp(join(tmpdir(), 'budget-sim-analysis-'))
  const controller = new AbortController()
  const onSignal = () => controller.abort()
  process.once('SIGINT', onSignal)
  const progress = new RunsProgress(!values.quiet && !values.json && process.stderr.isTTY === true)
  try {
    return await body(
      { executor: new LocalExecutor(own), pool: own, limits: limitsFromEnv(), workDir, id: 'cli', signal: controller.signal, onProgress: (p) => progress.update(p) },
      progress,
    )
  } finally {
    progress.done()
    process.removeListener('SIGINT', onSignal)
    await rm(workDir, { recursive: true, force: true })
    if (!pool) await own.destroy()
  }
}

/** --year: a four-digit year or "all" (checked against the run later). */
function yearOf(v: unknown): number | 'all' | undefined {
  if (v === undefined) return undefined
  if (v === 'all') return 'all'
  if (typeof v !== 'string' || !/^[0-9]{4}$/.test(v)) throw new BudgetSimError('INVALID_ARGUMENT', `--year: must be a four-digit year or all, got "${v}"`)
  return Number(v)
}

/** --range path=low,high */
function rangeOf(text: string) {
  const m = /^([^=]+)=([^,]+),(.+)$/.exec(text)
  const low = Number(m?.[2])
  const high = Number(m?.[3])
  if (!m || !Number.isFinite(low) || !Number.isFinite(high))
    throw new BudgetSimError('INVALID_ARGUMENT', `--range: write PATH=LOW,HIGH, e.g. programmes.tech-transaction-subsidy.cap=3000000,8000000; got "${text}"`)
  return { path: m[1].trim(), low, high }
}

/** Field names of the engine's errors in the CLI's words (target.level -> --level). */
function cliError<T>(f: () => T): T {
  try {
    return f()
  } catch (e) {
    if (e instanceof BudgetSimError) {
      const words: Record<string, string> = { 'target.level': '--level', 'target.year': '--year', 'target.measure': '--measure', 'target.statistic': '--statistic', parameter: '--parameter', interval: '--interval', replicates: '--replicates', target: '--target' }
      const rename = (p: string) =>
        words[p] ?? p.replace(/^ranges\[(\d+)\]/, (_, i) => `--range #${Number(i) + 1}`).replace(/^contribution\.(\w+)/, (_, f: string) => `--${f.replace(/_/g, '-')}`)
      throw new BudgetSimError(e.code, e.message.replace(/^(target\.\w+|parameter|interval|replicates)(?=:)/, (p) => rename(p)), {
        issues: e.issues.map((i) => ({ path: rename(i.path), message: i.message })),
        detail: e.detail,
      })
    }
    throw e
  }
}

export async function sensitivityCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('sensitivity', args, {
    ...common,
    measure: { type: 'string' },
    level: { type: 'string' },
    year: { type: 'string' },
    statistic: { type: 'string' },
    range: { type: 'string', multiple: true },
    vectors: { type: 'string' },
    'trials-per-vector': { type: 'string' },
    'no-contribution': { type: 'boolean' },
    'no-seeded-ranges': { type: 'boolean' },
  })
  if (positionals.length !== 1) throw new BudgetSimError('INVALID_ARGUMENT', 'sensitivity takes exactly one scenario file or preset name')
  const ranges = ((values.range as unknown as string[] | undefined) ?? []).map(rangeOf)
  const vectors = positiveInteger('--vectors', values.vectors as string | undefined, 1000)
  const perVector = positiveInteger('--trials-per-vector', values['trials-per-vector'] as string | undefined, 100_000)
  const spec = await specOf(positionals[0], values)
  const { defineSensitivity, runSensitivity } = await import('../workers/analysis/sensitivity.js')
  const definition = cliError(() =>
    defineSensitivity({
      spec,
      target: { measure: values.measure, level: values.level, year: yearOf(values.year), statistic: values.statistic },
      ranges,
      contribution: values['no-contribution'] ? false : { vectors, trials_per_vector: perVector },
      seededRanges: values['no-seeded-ranges'] ? false : undefined,
    }),
  )
  const started = performance.now()
  const result = await withContext(values, (ctx) => runSensitivity(definition, ctx))
  const { draws, ...body } = result
  if (values.json) process.stdout.write(`${JSON.stringify(body, null, 2)}\n`)
  else {
    const { formatTornado } = await import('./analysisFormat.js')
    const runs = 1 + 2 * body.bars.length + (body.contribution?.vectors ?? 0)
    process.stdout.write(formatTornado(body, { scenario: spec.name, seconds: (performance.now() - started) / 1000, runs }))
    void draws
  }
  return 0
}

export async function goalSeekCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('goal-seek', args, {
    ...common,
    parameter: { type: 'string' },
    target: { type: 'string' },
    measure: { type: 'string' },
    level: { type: 'string' },
    year: { type: 'string' },
    interval: { type: 'string' },
    replicates: { type: 'string' },
  })
  if (positionals.length !== 1) throw new BudgetSimError('INVALID_ARGUMENT', 'goal-seek takes exactly one scenario file or preset name')
  if (values.parameter === undefined) throw new BudgetSimError('INVALID_ARGUMENT', '--parameter is required, e.g. --parameter programmes.tech-transaction-subsidy.cap')
  if (values.target === undefined) throw new BudgetSimError('INVALID_ARGUMENT', '--target is required, e.g. --target "p_exceed<=0.05"')
  const { parseCondition } = await import('../engine/analysis/goalSeek.js')
  const condition = cliError(() => parseCondition(values.target as string, '--target'))
  let interval: [number, number] | undefined
  if (values.interval !== undefined) {
    const parts = String(values.interval).split(',').map((x) => Number(x.trim()))
    if (parts.length !== 2 || !parts.every(Number.isFinite)) throw new BudgetSimError('INVALID_ARGUMENT', `--interval: write LOW,HIGH, got "${values.interval}"`)
    interval = [parts[0], parts[1]]
  }
  const replicates = positiveInteger('--replicates', values.replicates as string | undefined, 50)
  const spec = await specOf(positionals[0], values)
  const { defineGoalSeek, runGoalSeek } = await import('../workers/analysis/goalSeek.js')
  const definition = cliError(() =>
    defineGoalSeek({ spec, parameter: values.parameter as string, target: { measure: values.measure, level: values.level, year: yearOf(values.year) }, condition, interval, replicates }),
  )
  const started = performance.now()
  const result = await withContext(values, (ctx) => runGoalSeek(definition, ctx))
  const { draws: _draws, ...body } = result
  if (values.json) process.stdout.write(`${JSON.stringify(body, null, 2)}\n`)
  else {
    const { formatGoalSeek } = await import('./analysisFormat.js')
    process.stdout.write(formatGoalSeek(body as typeof result, { scenario: spec.name, seconds: (performance.now() - started) / 1000 }))
  }
  return 0
}

export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('compare', args, { ...common, measure: { type: 'string' } })
  if (positionals.length !== 2) throw new BudgetSimError('INVALID_ARGUMENT', 'compare takes two scenarios: the reform, then its baseline')
  const measure = (values.measure as string | undefined) ?? 'demand'
  if (!['demand', 'paid'].includes(measure)) throw new BudgetSimError('INVALID_ARGUMENT', `--measure: must be demand or paid, got "${measure}"`)
  const reform = await specOf(positionals[0], values)
  const baseline = await specOf(positionals[1], { ...values, trials: values.trials ?? String(reform.trials), seed: values.seed ?? String(reform.seed) })
  const { compareSpecs, onSameDraws } = await import('../workers/analysis/compare.js')
  const rows = await withContext(values, (ctx) => compareSpecs(reform, onSameDraws(baseline, reform), ctx, measure))
  if (values.json) process.stdout.write(`${JSON.stringify({ reform: reform.name, baseline: baseline.name, trials: reform.trials, seed: String(reform.seed), measure, rows }, null, 2)}\n`)
  else {
    const { formatImpact } = await import('./analysisFormat.js')
    process.stdout.write(formatImpact(rows, { reform: reform.name, baseline: baseline.name, trials: reform.trials, seed: String(reform.seed) }))
  }
  return 0
}

/** `run --precision`: the parsed targets, checked against the run, and the control. */
export async function precisionFor(spec: RunSpec, texts: string[]) {
  const { parsePrecision } = await import('../engine/analysis/precision.js')
  const targets: PrecisionTarget[] = texts.map((t) => parsePrecision(t))
  const { precisionControl } = await import('../workers/analysis/precisionRun.js')
  try {
    return precisionControl(spec, targets)
  } catch (e) {
    if (e instanceof BudgetSimError)
      throw new BudgetSimError(e.code, e.message.replace(/precision\[(\d+)\]/g, (_, i) => `--precision ${texts[Number(i)]}`), {
        issues: e.issues.map((i) => ({ path: i.path.replace(/^precision\[(\d+)\]/, (_, k) => `--precision ${texts[Number(k)]}`), message: i.message })),
      })
    throw e
  }
}

/** `run --against`: the baseline on the reform's draws and the selectors both runs hand back. */
export async function againstFor(reform: RunSpec, baselineArg: string) {
  const baseline = await specOf(baselineArg, { trials: String(reform.trials), seed: String(reform.seed) })
  const { compilePlan } = await import('../engine/plan/compilePlan.js')
  const { compareSelectors, onSameDraws } = await import('../workers/analysis/compare.js')
  const before = onSameDraws(baseline, reform)
  return { before, ...compareSelectors(compilePlan(reform, reform.seed), compilePlan(before, before.seed)) }
}

/**
 * The budget impact of a reform run here against its baseline: the baseline simulated now
 * (summary-only) on the reform's draws (a precision run's trials are known only once it ran).
 */
export async function impactAgainst(
  reform: { spec: RunSpec; series: Float64Array[]; plan: import('../engine/plan/compilePlan.js').Plan },
  against: Awaited<ReturnType<typeof againstFor>>,
  pool: TaskPool,
  quiet: boolean,
): Promise<{ rows: import('../engine/analysis/budgetImpact.js').ImpactRow[]; baseline: RunSpec }> {
  const { RunBatch } = await import('../workers/analysis/RunBatch.js')
  const { appropriationPlan, budgetImpactRows } = await import('../engine/analysis/budgetImpact.js')
  const { onSameDraws } = await import('../workers/analysis/compare.js')
  const baseline = onSameDraws(against.before, reform.spec)
  const rows = await withContext(
    { quiet },
    async (ctx) => {
      const batch = new RunBatch(ctx, 1)
      try {
        const b = await batch.run(baseline, against.selectors)
        return budgetImpactRows(against.groups, 'demand', { plan: appropriationPlan(b.plan), series: b.series }, { plan: appropriationPlan(reform.plan), series: reform.series })
      } finally {
        batch.close()
      }
    },
    pool,
  )
  return { rows, baseline }
}

/** `run --against`: simulate the baseline (summary-only) and print the budget-impact table. */
export async function printAgainst(
  reform: { spec: RunSpec; series: Float64Array[]; plan: import('../engine/plan/compilePlan.js').Plan },
  against: Awaited<ReturnType<typeof againstFor>>,
  pool: TaskPool,
  quiet: boolean,
): Promise<string> {
  const { rows } = await impactAgainst(reform, against, pool, quiet)
  const { formatImpact } = await import('./analysisFormat.js')
  return formatImpact(rows, { reform: reform.spec.name, baseline: against.before.name, trials: reform.spec.trials, seed: String(reform.spec.seed) })
}
