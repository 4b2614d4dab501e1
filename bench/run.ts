// Why: speed and memory targets live here, measured as ratios in one run (the machine is shared and
// noisy, absolute times are not stable). `npm run bench` runs everything and writes
// bench/results/latest.json, bench/results/latest.md and the README's table; `npm run bench:ci`
// runs a reduced version that fails only on a collapse (a ratio below half its target, or the
// engine and the NumPy peer disagreeing on the mean).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { buildServer } from '../api/server.js'
import { packageRoot } from '../engine/paths.js'
import { compilePlan } from '../engine/plan/compilePlan.js'
import { createRunSpec, type RunSpec } from '../engine/run/RunSpec.js'
import { loadPresetData } from '../engine/scenario/presets.js'
import { resolveScenario } from '../engine/scenario/resolveScenario.js'
import { TaskPool } from '../workers/pipeline/TaskPool.js'
import { runLocally } from '../workers/runLocally.js'
import { pythonInterpreter } from '../scripts/pythonInterpreter.js'
import { Piscina } from 'piscina'
import { cliRates, cliWholeProcess } from './cliRuns.js'
import { measureLargeRun } from './largeRun.js'
import { measureRedis } from './redisRuns.js'
import { logLogSlope, measured, rate, timeInTurns, timeIt, type Measured } from './measure.js'

const ci = process.argv.includes('--ci')
const settings = ci
  ? { repeat: 5, peerTrials: 5000, engineTrials: 5000, ceilingApps: 10_000_000, scaleTrials: 1000, scaleApplicants: 500, scaleTrialsAtApplicants: 2000, memory: [10_000, 100_000], e2eTrials: 10_000, e2eRepeat: 5, largeTrials: 100_000, cliTrials: 20_000, cliRepeat: 3, wholeRepeat: 7, redisTrials: 5000, tinyBlocks: 300 }
  : { repeat: 9, peerTrials: 5000, engineTrials: 5000, ceilingApps: 10_000_000, scaleTrials: 1000, scaleApplicants: 500, scaleTrialsAtApplicants: 2000, memory: [10_000, 100_000], e2eTrials: 10_000, e2eRepeat: 5, largeTrials: 1_000_000, cliTrials: 20_000, cliRepeat: 5, wholeRepeat: 9, redisTrials: 5000, tinyBlocks: 500 }
const cores = availableParallelism()
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`)

function benchSpec(trials: number, applicantsMean?: number): RunSpec {
  const data = loadPresetData('bench-tech-transaction') as any
  if (applicantsMean !== undefined) data.programmes['tech-transaction-subsidy'].applicants = { poisson: { mean: applicantsMean } }
  return createRunSpec(resolveScenario(data), { trials })
}

interface Target {
  name: string
  value: number
  target: string
  ok: boolean
  collapsed: boolean
}

/** The previous design's figures for the same measurements (from the streaming-pipeline issue, 2-core machine). */
const previous = {
  tail_share: '1.35 (110.7 s + 7.8 s vs 87.5 s)',
  peak_rss_run: '1.5 GB',
  peak_rss_reads: '2.8 GB',
  health_max: '~117 s',
  small_during: '76 s (86 ms alone)',
  cli_ratio: '1.55',
  cli_whole: '0.78 s',
}

async function main(): Promise<void> {
  const started = Date.now()
  const targets: Target[] = []
  const addTarget = (name: string, value: number, lo: number, hi = Infinity) => {
    const target = hi === Infinity ? `>= ${lo}` : `${lo} to ${hi}`
    // a collapse: below half the lower target, or above twice the upper one
    targets.push({ name, value, target, ok: value >= lo && value <= hi, collapsed: value < lo / 2 || value > hi * 2 })
  }
  const addMax = (name: string, value: number, max: number) =>
    targets.push({ name, value, target: `<= ${max}`, ok: value <= max, collapsed: value > 2 * max })

  // 1, 2 and 3. throughput on the bench scenario with 1 worker and every core, and the NumPy peer on
  // the same model, timed in turns so that host contention falls on all three alike
  const one = new TaskPool({ threads: 1 })
  const all = new TaskPool({ threads: cores })
  let applications = 0
  // the simulation of a run (blocks through the pipeline), timed by the pipeline itself
  const simulate = (pool: typeof one, trials: number, applicantsMean?: number) => {
    const spec = benchSpec(trials, applicantsMean)
    return async () => {
      const out = await runLocally(spec, { pool })
      applications = out.applications
      return out.timings.simulateMs / 1000
    }
  }
  let peer: any
  const numpy = () => {
    peer = JSON.parse(
      execFileSync(pythonInterpreter(), [join(packageRoot, 'bench/peers/numpy_reference.py'), '--trials', String(settings.peerTrials), '--repeat', '1'], { encoding: 'utf8' }),
    )
    // the peer times its own simulation (imports and start-up excluded)
    return peer.seconds[0] as number
  }
  log(`throughput: ${settings.engineTrials} trials of bench-tech-transaction, 1 worker, ${cores} workers, the NumPy peer and the generator ceiling, in turns`)
  await simulate(one, settings.engineTrials)()
  const benchApplications = applications
  // 3. the generator ceiling, in a worker thread like the engine, in the same turns
  const ceilingPool = new Piscina({ filename: join(packageRoot, 'dist/bench/ceilingWorker.js'), minThreads: 1, maxThreads: 1, idleTimeout: 60_000 })
  const ceiling = async () => ((await ceilingPool.run({ applications: settings.ceilingApps })) as { seconds: number }).seconds
  const [oneSeconds, allSeconds, peerSeconds, ceilingSeconds] = await timeInTurns(
    [simulate(one, settings.engineTrials), simulate(all, settings.engineTrials), numpy, ceiling],
    settings.repeat,
  )
  const oneRate = rate(benchApplications, oneSeconds)
  const allRate = rate(benchApplications, allSeconds)
  const peerRate = rate(peer.applications, peerSeconds)
  addTarget('all cores / 1 worker', allRate.median / oneRate.median, cores >= 2 ? 1.8 : 1)

  // agreement on the mean outlay (different generators: within Monte Carlo error)
  const peerMean = JSON.parse(
    execFileSync(pythonInterpreter(), [join(packageRoot, 'bench/peers/numpy_reference.py'), '--trials', String(settings.peerTrials), '--repeat', '1'], { encoding: 'utf8' }),
  )
  const engineOutlay = await runLocally(benchSpec(settings.peerTrials), { pool: all })
  const demandRow = engineOutlay.summary.find((r) => r.year === null && r.programme === 'all' && r.level === 'all' && r.measure === 'demand')!
  const engineMean = demandRow.mean
  const engineSe = demandRow.mean_se
  const z = (engineMean - peerMean.mean_outlay) / Math.sqrt(engineSe ** 2 + peerMean.mean_outlay_se ** 2)
  addTarget('1 worker / NumPy', oneRate.median / peerRate.median, 1.0)
  const meansAgree = Math.abs(z) <= 4

  const ceilingRate = rate(settings.ceilingApps, ceilingSeconds)
  await ceilingPool.destroy()
  addTarget('1 worker / generator ceiling', oneRate.median / ceilingRate.median, 0.5)

  // 4. scaling with trials and with applicants per trial (1 worker)
  log('scaling')
  const factors = [1, 4, 16]
  const trialTimes = await timeInTurns(factors.map((f) => simulate(one, settings.scaleTrials * f)), settings.repeat)
  const applicantTimes = await timeInTurns(
    factors.map((f) => simulate(one, settings.scaleTrialsAtApplicants, settings.scaleApplicants * f)),
    settings.repeat,
  )
  const trialExponent = logLogSlope(factors, trialTimes.map((t) => t.median))
  const applicantExponent = logLogSlope(factors, applicantTimes.map((t) => t.median))
  addTarget('scaling exponent, trials', trialExponent, 0.9, 1.1)
  addTarget('scaling exponent, applicants', applicantExponent, 0.9, 1.1)
  await one.destroy()

  // 5. building and writing the trials table, against a whole run of the baseline
  log('results: build and write the trials table')
  const baselineTrials = 10_000
  const baseline = createRunSpec(resolveScenario(loadPresetData('guangzhou-2015-2017-baseline')), { trials: baselineTrials })
  const baselinePlan = compilePlan(baseline, baseline.seed)
  const dir = mkdtempSync(join(tmpdir(), 'budget-sim-bench-'))
  const phases: { sim: number[]; sum: number[]; write: number[]; total: number[] } = { sim: [], sum: [], write: [], total: [] }
  const withRows = async () => {
    const t0 = performance.now()
    const r = await runLocally(baseline, { pool: all, trialsPath: join(dir, 'trials.arrow') })
    phases.sim.push(r.timings.simulateMs / 1000)
    phases.sum.push(r.timings.summarizeMs / 1000)
    phases.write.push(r.timings.writeMs / 1000)
    phases.total.push((performance.now() - t0) / 1000)
  }
  await timeIt(withRows, settings.repeat)
  const simSeconds = measured(phases.sim.slice(1))
  const summarizeSeconds = measured(phases.sum.slice(1))
  const writeSeconds = measured(phases.write.slice(1))
  const rows = baselineTrials * baselinePlan.rowsPerTrial
  const writeShare = (summarizeSeconds.median + writeSeconds.median) / simSeconds.median
  rmSync(dir, { recursive: true, force: true })

  // 6. peak memory of the baseline, each size in a fresh process
  log(`memory: baseline at ${settings.memory.join(' and ')} trials`)
  const memory = settings.memory.map((trials) => {
    const r = spawnSync(process.execPath, [join(packageRoot, 'dist/bench/memoryProbe.js'), 'guangzhou-2015-2017-baseline', String(trials)], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`memory probe failed: ${r.stderr}`)
    const m = JSON.parse(r.stdout)
    return { ...m, bytes_per_row: m.peak_rss_bytes / m.rows }
  })
  const [smallMemory, largeMemory] = memory
  const marginalBytesPerRow = (largeMemory.peak_rss_bytes - smallMemory.peak_rss_bytes) / (largeMemory.rows - smallMemory.rows)
  const largest = memory.find((m) => m.trials === 100_000)
  if (largest) addTarget('peak RSS at 100,000 baseline trials, GB', largest.peak_rss_bytes / 1e9, 0, 2)

  // 8. what a user of the command line gets: the rate it reports with 1 and 2 workers, and a whole small run
  log(`command line: reported rate for ${settings.cliTrials} trials with 1 and 2 workers; a whole 20-trial run`)
  const rates = cliRates(settings.cliTrials, settings.cliRepeat)
  addTarget('CLI-reported rate, 2 workers / 1 worker', rates.two.median / rates.one.median, cores >= 2 ? 1.8 : 1)
  const whole = cliWholeProcess('guangzhou-2015-2017-baseline', 20, settings.wholeRepeat)
  addMax('whole CLI process, 20 baseline trials, s', whole.median, 0.35)

  // 9. a large run through a real server: tail, memory, responsiveness, fairness
  const large = await measureLargeRun(settings.largeTrials, cores, log)
  addMax('large run: (summarise + write) / simulate', large.tail_share, 0.15)
  addMax('large run: server peak RSS while it runs, MB', large.peak_rss_run_bytes / 1e6, 600)
  addMax('large run: server peak RSS while it is read, MB', large.peak_rss_reads_bytes / 1e6, 800)
  addMax('large run: longest /health response, ms', large.health_max_ms, 250)
  addMax('large run: 1,000-trial run behind it / (3 x alone + 1 s)', large.small_during_seconds / (3 * large.small_solo_seconds + 1), 1)

  // 10. the cluster path: 2 worker processes through Redis against the local pool with 2 threads
  const cluster = await measureRedis((trials) => benchSpec(trials), { trials: settings.redisTrials, repeat: settings.repeat, tinyBlocks: settings.tinyBlocks }, log)
  addTarget('2 workers through Redis / local pool, 2 threads', cluster.redis.median / cluster.local.median, 0.85)

  // 7. end to end over HTTP: POST /runs to a readable summary
  log(`end to end: POST /runs to summary, baseline at ${settings.e2eTrials} trials`)
  const app = await buildServer({ pool: all, logger: false, config: { dataDir: mkdtempSync(join(tmpdir(), 'budget-sim-bench-api-')), logLevel: 'silent' } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const e2eSeconds = await timeIt(async () => {
    const res = await fetch(`${base}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=300' },
      body: JSON.stringify({ preset: 'guangzhou-2015-2017-baseline', trials: settings.e2eTrials }),
    })
    const run = (await res.json()) as { id: string }
    const summary = (await (await fetch(`${base}/runs/${run.id}/summary`)).json()) as { rows?: unknown[] }
    if (!summary.rows?.length) throw new Error('no summary')
  }, settings.e2eRepeat)
  await app.close()
  await all.destroy()

  const result = {
    mode: ci ? 'ci' : 'full',
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores, memory_gb: Math.round(totalmem() / 1e9), node: process.versions.node, v8: process.versions.v8 },
    throughput: { trials: settings.engineTrials, applications: benchApplications, one_worker: oneRate, all_cores: allRate, threads: cores },
    peer: { trials: settings.peerTrials, numpy: peerRate, numpy_version: peer.numpy_version, mean: { engine: engineMean, engine_se: engineSe, numpy: peerMean.mean_outlay, numpy_se: peerMean.mean_outlay_se, z, agree: meansAgree } },
    ceiling: { applications: settings.ceilingApps, rate: ceilingRate },
    scaling: {
      trials: { factors, base: settings.scaleTrials, seconds: trialTimes, exponent: trialExponent },
      applicants: { factors, base: settings.scaleApplicants, trials: settings.scaleTrialsAtApplicants, seconds: applicantTimes, exponent: applicantExponent },
    },
    results: { trials: baselineTrials, rows, write_seconds: writeSeconds, rows_per_second: rate(rows, writeSeconds), simulate_seconds: simSeconds, summarize_seconds: summarizeSeconds, share_of_run: writeShare },
    memory: { runs: memory, marginal_bytes_per_row: marginalBytesPerRow },
    end_to_end: { trials: settings.e2eTrials, seconds: e2eSeconds },
    cli: { trials: settings.cliTrials, one_worker: rates.one, two_workers: rates.two, whole_20_trials: whole },
    large_run: large,
    cluster,
    targets,
    means_agree: meansAgree,
    seconds: (Date.now() - started) / 1000,
  }
  const markdown = toMarkdown(result)
  const stem = ci ? 'ci' : 'latest'
  writeFileSync(join(packageRoot, `bench/results/${stem}.json`), `${JSON.stringify(result, null, 2)}\n`)
  writeFileSync(join(packageRoot, `bench/results/${stem}.md`), markdown)
  if (!ci) updateReadme(markdown)
  process.stdout.write(markdown)

  const collapsed = targets.filter((t) => t.collapsed)
  if (!meansAgree) process.stderr.write(`[bench] FAIL: the engine and NumPy disagree on the mean outlay (z = ${z.toFixed(2)})\n`)
  for (const t of collapsed) process.stderr.write(`[bench] FAIL (collapse): ${t.name} = ${t.value.toFixed(3)}, target ${t.target}\n`)
  for (const t of targets.filter((t) => !t.ok && !t.collapsed)) process.stderr.write(`[bench] missed: ${t.name} = ${t.value.toFixed(3)}, target ${t.target}\n`)
  process.exitCode = ci && (collapsed.length > 0 || !meansAgree) ? 1 : 0
}

const M = (x: number) => `${(x / 1e6).toFixed(1)}M`
const fmtBytes = (x: number) => (x >= 1e4 ? `${(x / 1e3).toFixed(1)} kB` : `${Math.round(x).toLocaleString('en-US')} B`)
const s = (x: number) => `${x.toFixed(3)} s`

function toMarkdown(r: any): string {
  const fig = (label: string, m: Measured, f: (x: number) => string, target = '', prev = '') => `| ${label} | ${f(m.median)} | ${f(m.min)} | ${f(m.max)} | ${prev} | ${target} |`
  const t = (name: string) => r.targets.find((x: Target) => x.name === name)
  const ratio = (name: string, prev = '', digits = 2) => {
    const x = t(name)
    return `| ${name} | **${x.value.toFixed(digits)}** | | | ${prev} | ${x.target} ${x.ok ? '✓' : '✗ missed'} |`
  }
  const L = r.large_run
  const lines = [
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memory_gb} GB, Node ${r.machine.node}; ${r.date.slice(0, 10)}; \`npm run bench${r.mode === 'ci' ? ':ci' : ''}\` (median of ${settings.repeat} repetitions, min and max).`,
    '',
    '| figure | median | min | max | previous design | target |',
    '|---|---|---|---|---|---|',
    fig(`applications/s, 1 worker (${r.throughput.trials} trials)`, r.throughput.one_worker, M),
    fig(`applications/s, ${r.throughput.threads} workers`, r.throughput.all_cores, M),
    fig(`applications/s, NumPy ${r.peer.numpy_version} peer`, r.peer.numpy, M),
    fig('applications/s, generator ceiling', r.ceiling.rate, M),
    ratio('1 worker / NumPy', '1.42'),
    ratio('all cores / 1 worker', '1.92'),
    ratio('1 worker / generator ceiling', '0.76'),
    `| mean outlay, engine vs NumPy | ${(r.peer.mean.engine / 1e6).toFixed(2)}M vs ${(r.peer.mean.numpy / 1e6).toFixed(2)}M | | | | agree within 4 s.e.: z = ${r.peer.mean.z.toFixed(2)} ${r.peer.mean.agree ? '✓' : '✗'} |`,
    ...r.scaling.trials.seconds.map((m: Measured, i: number) => fig(`time, ${r.scaling.trials.base * r.scaling.trials.factors[i]} trials x 2000 applicants`, m, s)),
    ratio('scaling exponent, trials'),
    ...r.scaling.applicants.seconds.map((m: Measured, i: number) => fig(`time, ${r.scaling.applicants.trials} trials x ${r.scaling.applicants.base * r.scaling.applicants.factors[i]} applicants`, m, s)),
    ratio('scaling exponent, applicants'),
    fig(`baseline ${r.results.trials.toLocaleString('en-US')} trials with its trials file: simulate`, r.results.simulate_seconds, s),
    fig(`... summarise (worker threads)`, r.results.summarize_seconds, s),
    fig(`... finish the files`, r.results.write_seconds, s),
    ...r.memory.runs.map((m: any) => `| peak RSS, baseline ${m.trials.toLocaleString('en-US')} trials (${m.rows.toLocaleString('en-US')} rows) | ${(m.peak_rss_bytes / 1e6).toFixed(0)} MB | | | ${m.trials === 100_000 ? '313 MB' : '186 MB'} | ${m.trials === 100_000 ? 'under 2 GB ' + (m.peak_rss_bytes < 2e9 ? '✓' : '✗') : ''} |`),
    `| memory per result row (marginal, 10,000 -> 100,000 trials) | ${r.memory.marginal_bytes_per_row.toFixed(0)} bytes | | | 78 bytes | |`,
    fig(`end to end: POST /runs to summary, baseline ${r.end_to_end.trials.toLocaleString('en-US')} trials`, r.end_to_end.seconds, s, '', '1.340 s'),
    fig(`CLI-reported rate, ${r.cli.trials.toLocaleString('en-US')} trials, 1 worker`, r.cli.one_worker, M),
    fig(`CLI-reported rate, ${r.cli.trials.toLocaleString('en-US')} trials, 2 workers`, r.cli.two_workers, M),
    ratio('CLI-reported rate, 2 workers / 1 worker', previous.cli_ratio),
    ratio('whole CLI process, 20 baseline trials, s', previous.cli_whole, 3),
    `| large run: ${L.trials.toLocaleString('en-US')} baseline trials (${L.rows.toLocaleString('en-US')} rows): simulate / summarise / write | ${L.simulate_seconds.toFixed(1)} s / ${L.summarize_seconds.toFixed(1)} s / ${L.write_seconds.toFixed(1)} s | | | 87.5 s / 110.7 s / 7.8 s | |`,
    ratio('large run: (summarise + write) / simulate', previous.tail_share, 3),
    ratio('large run: server peak RSS while it runs, MB', previous.peak_rss_run, 0),
    ratio('large run: server peak RSS while it is read, MB', previous.peak_rss_reads, 0),
    ratio('large run: longest /health response, ms', previous.health_max, 0),
    `| large run: a 1,000-trial run submitted during it | ${L.small_during_seconds.toFixed(2)} s (${L.small_solo_seconds.toFixed(2)} s alone) | | | ${previous.small_during} | |`,
    ratio('large run: 1,000-trial run behind it / (3 x alone + 1 s)', '', 2),
    fig(`cluster: applications/s, 2 worker processes (1 thread each) through Redis, ${r.cluster.trials} trials`, r.cluster.redis, M),
    fig(`cluster: applications/s, local pool with 2 threads, same run`, r.cluster.local, M),
    ratio('2 workers through Redis / local pool, 2 threads'),
    fig(`cluster: ms per block through Redis (${r.cluster.blocks.count} blocks of 1 trial)`, r.cluster.blocks.redis_ms, (x: number) => `${x.toFixed(2)} ms`),
    fig(`cluster: ms per block locally (same run)`, r.cluster.blocks.local_ms, (x: number) => `${x.toFixed(2)} ms`),
    `| cluster: bytes through Redis per trial, baseline summary-only / with trials table | ${fmtBytes(r.cluster.bytes_per_trial.summary_only)} / ${fmtBytes(r.cluster.bytes_per_trial.with_rows)} | | | | results alone: ${fmtBytes(r.cluster.bytes_per_trial.summary_only_payload)} / ${fmtBytes(r.cluster.bytes_per_trial.with_rows_payload)} |`,
    `| large run: /distribution and a filtered trials.csv read at once | ${L.reads.distribution_seconds.toFixed(1)} s and ${L.reads.filtered_csv_seconds.toFixed(1)} s (${(L.reads.filtered_csv_bytes / 1e6).toFixed(0)} MB) | | | | |`,
  ]
  return `${lines.join('\n')}\n`
}

function updateReadme(markdown: string): void {
  const path = join(packageRoot, 'README.md')
  const readme = readFileSync(path, 'utf8')
  const start = '<!-- bench:start -->'
  const end = '<!-- bench:end -->'
  const a = readme.indexOf(start)
  const b = readme.indexOf(end)
  if (a < 0 || b < 0) return
  writeFileSync(path, `${readme.slice(0, a + start.length)}\n${markdown}${readme.slice(b)}`)
}

main().catch((e) => {
  process.stderr.write(`[bench] error: ${e?.stack ?? e}\n`)
  process.exitCode = 1
})
