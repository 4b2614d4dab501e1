// Why: the command line is how a planner or CI runs a scenario without the server: validate a
// file, list the programmes and their citations, run a scenario with a progress bar, print the
// risk summary and write results. Exit codes: 0 ok, 2 invalid input, 1 other failure.
// Modules a command needs are imported inside it, so `budget-sim run` does not load what
// `validate` or `programmes` need and the pool's threads start while the scenario is read.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { basename, extname } from 'node:path'
import { parseArgs } from 'node:util'
import { BudgetSimError, ErrorCodes } from '../engine/errors.js'
import { LimitDefinitions } from '../engine/limits.js'
import { closestName } from '../engine/validation/closestName.js'
import { engineVersion } from '../engine/version.js'
import { checkOutputPath } from './checkOutputPath.js'

const Formats = ['arrow', 'arrows', 'csv', 'json'] as const
type Format = (typeof Formats)[number]
export const defaultThreads = () => Math.max(1, availableParallelism())

const USAGE = `budget-sim ${engineVersion}: Monte Carlo fiscal exposure of S&T subsidy programmes

Usage:
  budget-sim run <scenario> [--trials N] [--seed S] [--workers W] [--out FILE] [--format F] [--quiet] [--redis URL]
                 [--precision TARGET]... [--against BASELINE]
  budget-sim worker --redis URL [--concurrency N]   (see budget-sim worker --help)
  budget-sim sensitivity <scenario> [--measure demand|paid] [--level L] [--year Y|all]
                 [--statistic mean|p95|p_exceed] [--range PATH=LOW,HIGH]... [--vectors K]
                 [--trials-per-vector M] [--no-contribution] [--no-seeded-ranges] [--trials N]
                 [--seed S] [--json]
  budget-sim goal-seek <scenario> --parameter PATH --target "STATISTIC<=VALUE" [--measure M]
                 [--level L] [--year Y|all] [--interval LO,HI] [--replicates R] [--trials N] [--json]
  budget-sim compare <reform> <baseline> [--trials N] [--seed S] [--measure demand|paid] [--json]
  budget-sim validate <scenario>
  budget-sim programmes [--json]
  budget-sim presets
  budget-sim report <run|analysis> [--against BASELINE] [--out FILE] [--server URL] [--token T]
                 [--trials N] [--seed S] [--workers W] [--quiet]

<scenario> is a YAML or JSON file, or the name of a preset (see \`budget-sim presets\`).

run options:
  --trials N     Monte Carlo trials (default: the scenario's)
  --seed S       random seed (default: the scenario's); same seed, same results
  --workers W    worker threads (default: available cores, ${defaultThreads()} here)
  --out FILE     write the trials table to FILE and the summary beside it
                 (results.arrow -> results.arrow + results.summary.arrow)
  --format F     arrow (IPC file) | arrows (IPC stream) | csv | json (summary only);
                 default: from FILE's extension, else arrow
  --quiet        no progress bar
  --redis URL    simulate on the workers serving this Redis (budget-sim worker);
                 this machine's threads then only summarise
  --precision T  add trials until a figure's standard error is at most a target, --trials
                 being the maximum: <statistic>:<level>:<year>[:<measure>]<=<se>, e.g.
                 p_exceed:municipal:2017<=0.002 or mean:all:all<=1e6 (repeat for several)
  --against B    also run baseline B on the same draws and print the budget-impact table

sensitivity: the tornado (each ranged parameter at its low and high, on the same draws) and the
  contribution to variance; ranged parameters are the assumptions whose seeds give ranges
  (--no-seeded-ranges: none of them), and --range PATH=LOW,HIGH (e.g.
  programmes.tech-transaction-subsidy.cap=3000000,8000000).
goal-seek: the PATH value (a cap, rate, quota, approval rate, matching ratio or
  appropriations.<level>.<year>) at which the target is just met, by bisection on the same
  draws, with its sd over --replicates independent seeds (default 5).
compare: the reform against its baseline, on the same draws: cost before and after by year and
  level, the difference with its paired standard error, P95 and P(over) before and after.

report writes the report of a run or an analysis, to file (PDF by default: report.pdf; HTML for
a FILE ending in .html). <run> is a run id on a server, or a scenario file or preset run here
first; <analysis> is an analysis id on a server (a sensitivity analysis or a goal seek):
  --server URL   the server holding the run (default: http://127.0.0.1:3000)
  --token T      its bearer token (default: $API_TOKEN)
  --against B    add the run's budget impact against baseline B on the same draws: a run id on
                 the server (same trials and seed), or a scenario or preset run here too
  --trials, --seed, --workers  as for run (a scenario run here)
The PDF is printed by headless Chromium (CHROMIUM_PATH, default /usr/bin/chromium;
apt-get install -y chromium fonts-wqy-microhei).

Exit codes: 0 ok, 2 invalid input, 3 Redis unreachable, 1 other failure (also: a goal not met in
the interval).`

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return command ? 0 : 2
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${engineVersion}\n`)
    return 0
  }
  switch (command) {
    case 'run':
      return runCommand(rest)
    case 'worker':
      return (await import('./worker.js')).workerCommand(rest)
    case 'validate':
      return validateCommand(rest)
    case 'sensitivity':
      return (await import('./analysis.js')).sensitivityCommand(rest)
    case 'goal-seek':
      return (await import('./analysis.js')).goalSeekCommand(rest)
    case 'compare':
      return (await import('./analysis.js')).compareCommand(rest)
    case 'programmes':
      return programmesCommand(rest)
    case 'report':
      return (await import('./report.js')).reportCommand(rest)
    case 'presets': {
      const { listPresets } = await import('../engine/scenario/presets.js')
      for (const name of listPresets()) process.stdout.write(`${name}\n`)
      return 0
    }
    default:
      throw new BudgetSimError('INVALID_ARGUMENT', `unknown command "${command}" (commands: run, sensitivity, goal-seek, compare, worker, validate, programmes, presets, report; see --help)`)
  }
}

/** Read a scenario argument: an existing file, else a preset name. */
export async function loadScenarioArgument(arg: string | undefined): Promise<{ data: unknown; origin: string; preset: string | null }> {
  if (!arg) throw new BudgetSimError('INVALID_ARGUMENT', 'a scenario is required: a YAML/JSON file or a preset name (see `budget-sim presets`)')
  const { parseScenarioText } = await import('../engine/scenario/parseScenarioText.js')
  if (existsSync(arg) && statSync(arg).isFile()) return { data: parseScenarioText(readFileSync(arg, 'utf8'), arg), origin: arg, preset: null }
  const looksLikeFile = /[\\/]/.test(arg) || /\.(ya?ml|json)$/i.test(arg)
  if (looksLikeFile) throw new BudgetSimError('SCENARIO_FILE_NOT_FOUND', `${arg}: no such file`)
  const { readPresetText } = await import('../engine/scenario/presets.js')
  return { data: parseScenarioText(readPresetText(arg), `scenarios/${arg}.yaml`), origin: `preset ${arg}`, preset: arg }
}

export function parse(
  command: string,
  args: string[],
  options: NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true }) as any
  } catch (e) {
    throw new BudgetSimError('INVALID_ARGUMENT', optionErrorMessage(e as Error & { code?: string }, command, Object.keys(options)))
  }
}

/** Node's parser errors in our words; an unknown option gets the nearest flag, or the command's flags. */
function optionErrorMessage(e: Error & { code?: string }, command: string, names: string[]): string {
  const flags = names.map((n) => `--${n}`)
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const typed = /Unknown option '([^']+)'/.exec(e.message)?.[1]?.split('=')[0] ?? ''
    const meant = closestName(typed.replace(/^-+/, ''), names)
    if (meant) return `unknown option ${typed}; did you mean --${meant}?`
    return flags.length > 0
      ? `unknown option ${typed} (${command} options: ${flags.join(', ')})`
      : `unknown option ${typed}: ${command} takes no options`
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /Option '(--?[\w-]+)/.exec(e.message)?.[1]
    if (flag && /argument missing/.test(e.message)) return `${flag}: needs a value`
    if (flag && /does not take an argument/.test(e.message)) return `${flag}: takes no value`
  }
  return e.message
}

/** --seed: a whole number stays a number, anything else is a string seed. */
export function seedOf(text: string | undefined): number | string | undefined {
  if (text !== undefined && text.length === 0) throw new BudgetSimError('INVALID_ARGUMENT', '--seed: must not be empty')
  return text === undefined ? undefined : /^\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text
}

export function positiveInteger(flag: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > max)
    throw new BudgetSimError('INVALID_ARGUMENT', `${flag}: must be a whole number between 1 and ${max}, got "${value}"`)
  return n
}

async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('run', args, {
    trials: { type: 'string' },
    seed: { type: 'string' },
    workers: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    quiet: { type: 'boolean' },
    redis: { type: 'string' },
    precision: { type: 'string', multiple: true },
    against: { type: 'string' },
  })
  if (positionals.length > 1) throw new BudgetSimError('INVALID_ARGUMENT', `expected one scenario, got ${positionals.length}: ${positionals.join(' ')}`)
  const trials = positiveInteger('--trials', values.trials as string | undefined, LimitDefinitions.trials.hard)
  const workers = positiveInteger('--workers', values.workers as string | undefined, 256)
  const seed = seedOf(values.seed as string | undefined)
  const out = values.out as string | undefined
  const format = chooseFormat(values.format as string | undefined, out)
  if (out !== undefined) checkOutputPath(out, format)

  // Threads take longer to start than a small run takes to simulate. A run that may be small (few
  // trials) is resolved first and, when its expected draws are few, simulated on this thread; any
  // other run starts its threads first, so they load while the scenario is read and checked.
  const { TaskPool } = await import('../workers/pipeline/TaskPool.js')
  const threads = workers ?? defaultThreads()
  const scenarioArgument = loadScenarioArgument(positionals[0])
  scenarioArgument.catch(() => undefined) // its error is thrown where it is awaited, below
  const mayBeSmall = values.redis === undefined && workers === undefined && (trials ?? (await scenarioTrials(scenarioArgument)) ?? Infinity) <= INLINE_MAX_TRIALS
  let pool: InstanceType<typeof TaskPool> | null = mayBeSmall ? null : new TaskPool({ threads })
  const bar = new (await import('./ProgressBar.js')).ProgressBar(process.stderr, !values.quiet && process.stderr.isTTY === true)
  const controller = new AbortController()
  const onSignal = () => controller.abort()
  process.once('SIGINT', onSignal)
  let executor: import('../workers/executor/redis/RedisExecutor.js').RedisExecutor | undefined
  try {
    if (values.redis !== undefined) executor = await (await import('./redisExecutor.js')).openRedisExecutor(values.redis as string, values.quiet === true)
    const { data, preset } = await scenarioArgument
    const { resolveScenario } = await import('../engine/scenario/resolveScenario.js')
    const { createRunSpec } = await import('../engine/run/RunSpec.js')
    const { limitsFromEnv } = await import('../engine/limits.js')
    const spec = createRunSpec(resolveScenario(data), { trials, seed, preset })
    if (pool === null) {
      const { compilePlan } = await import('../engine/plan/compilePlan.js')
      const small = spec.trials * compilePlan(spec, spec.seed).expectedDrawsPerTrial <= INLINE_MAX_DRAWS
      pool = small ? new TaskPool({ inline: true }) : new TaskPool({ threads })
    }
    const precisionTexts = (values.precision as unknown as string[] | undefined) ?? []
    const analysis = precisionTexts.length > 0 || values.against !== undefined ? await import('./analysis.js') : null
    const precision = analysis && precisionTexts.length > 0 ? await analysis.precisionFor(spec, precisionTexts) : null
    const against = analysis && values.against !== undefined ? await analysis.againstFor(spec, values.against as string) : null
    const { runLocally } = await import('../workers/runLocally.js')
    // the files' writers (and Arrow) are loaded only when there are files to write
    const files = out === undefined ? null : await import('./writeRunFiles.js')
    const keepTrials = out !== undefined && format !== 'json'
    const run = await runLocally(spec, {
      pool,
      limits: limitsFromEnv(),
      trialsPath: keepTrials ? files!.trialsWorkPath(out!) : null,
      signal: controller.signal,
      onProgress: (p) => bar.update(p),
      executor,
      precision: precision?.control,
      extractSeries: against?.selectors,
    })
    bar.done()
    const { formatRunSummary } = await import('./formatRunSummary.js')
    process.stdout.write(formatRunSummary(run, { threads: executor ? executor.slots() : pool.threads }))
    if (precision) process.stdout.write(`\n${(await import('./analysisFormat.js')).formatPrecisionOutcome(precision.outcome())}`)
    if (against && analysis)
      process.stdout.write(`\n${await analysis.printAgainst({ spec: run.spec, series: run.series!, plan: run.plan }, against, pool, Boolean(values.quiet))}`)
    if (out) {
      const written = await files!.writeRunFiles(run, out, format, pool)
      process.stdout.write(`\nWrote ${written.join(', ')}\n`)
    }
    return 0
  } finally {
    bar.done()
    process.removeListener('SIGINT', onSignal)
    await executor?.shutdown()
    await pool?.destroy()
  }
}

/** Runs of at most this many trials may be simulated on the CLI's own thread... */
const INLINE_MAX_TRIALS = 2000
/** ...when they expect at most this many random draws (about a tenth of a second of work). */
const INLINE_MAX_DRAWS = 3_000_000

/** The trials a scenario document states itself (undefined when it inherits them or is unreadable). */
async function scenarioTrials(argument: Promise<{ data: unknown }>): Promise<number | undefined> {
  try {
    const { data } = await argument
    const t = (data as { trials?: unknown } | null)?.trials
    return typeof t === 'number' ? t : undefined
  } catch {
    return undefined
  }
}

function chooseFormat(flag: string | undefined, out: string | undefined): Format {
  if (flag !== undefined) {
    if (!(Formats as readonly string[]).includes(flag))
      throw new BudgetSimError('INVALID_ARGUMENT', `--format: must be one of ${Formats.join(', ')}, got "${flag}"`)
    return flag as Format
  }
  const ext = out ? extname(out).slice(1).toLowerCase() : ''
  return (Formats as readonly string[]).includes(ext) ? (ext as Format) : 'arrow'
}

async function validateCommand(args: string[]): Promise<number> {
  const { positionals } = parse('validate', args, {})
  if (positionals.length !== 1) throw new BudgetSimError('INVALID_ARGUMENT', 'validate takes exactly one scenario file or preset name')
  const { data, origin } = await loadScenarioArgument(positionals[0])
  const { resolveScenario } = await import('../engine/scenario/resolveScenario.js')
  const s = resolveScenario(data)
  const lineage = s.lineage.length > 0 ? `, extends ${s.lineage.join(' -> ')}` : ''
  process.stdout.write(
    `ok: ${basename(origin)} is a valid scenario "${s.name}"${lineage}: ${s.programmes.length} programme(s) (${s.programmes
      .map((p) => p.id)
      .join(', ')}), years ${s.years.join(', ')}, ${s.trials} trials, seed ${s.seed}, on_exhaustion ${s.on_exhaustion}\n`,
  )
  return 0
}

async function programmesCommand(args: string[]): Promise<number> {
  const { values } = parse('programmes', args, { json: { type: 'boolean' } })
  const { loadCatalogue } = await import('../engine/policy/loadCatalogue.js')
  const { formatProgrammes } = await import('./formatProgrammes.js')
  const catalogue = loadCatalogue()
  if (values.json) {
    const programmes = [...catalogue.programmes.values()]
    process.stdout.write(`${JSON.stringify({ documents: [...catalogue.documents.values()], programmes }, null, 2)}\n`)
  } else process.stdout.write(formatProgrammes(catalogue))
  return 0
}

/** Exit code for an error: 2 for invalid input, 1 otherwise. */
export function exitCodeFor(e: unknown): number {
  return e instanceof BudgetSimError ? ErrorCodes[e.code].exit : 1
}
