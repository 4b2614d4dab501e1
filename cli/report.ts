// Why: `budget-sim report` writes the report a bureau files, as PDF (or HTML), for a run or an
// analysis on a server (an id: the run's report.html is fetched, else the analysis's, with --token or
// API_TOKEN for a protected server) or for a scenario or preset, which is run here first (--trials,
// --seed, --workers). --against adds the budget impact against a baseline on the same draws: a
// baseline run id on the server (?against=), or a baseline scenario or preset run here too. The PDF
// is printed by headless Chromium on this machine (CHROMIUM_PATH, default /usr/bin/chromium):
// without it the command says how to install it and exits 1 before any work; an --out ending in
// .html needs none.
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { existsSync, statSync } from 'node:fs'
import { extname, join, resolve } from 'node:path'
import { BudgetSimError } from '../engine/errors.js'
import { LimitDefinitions } from '../engine/limits.js'
import { assertChromium, chromiumPathFrom, pdfPageCount, printPdf } from '../engine/report/printPdf.js'
import { checkOutputPath } from './checkOutputPath.js'
import { loadScenarioArgument, parse, positiveInteger } from './main.js'

export const DEFAULT_SERVER = 'http://127.0.0.1:3000'
const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export const REPORT_USAGE = `budget-sim report <run|analysis> [--against BASELINE] [--out FILE] [--server URL] [--token T] [--trials N] [--seed S] [--workers W] [--quiet]`

/** Seconds Chromium may take to print (REPORT_TIMEOUT_SECONDS, default 120). */
function timeoutMs(): number {
  const v = Number(process.env.REPORT_TIMEOUT_SECONDS)
  return (Number.isFinite(v) && v > 0 ? v : 120) * 1000
}

export async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('report', args, {
    out: { type: 'string' },
    server: { type: 'string' },
    token: { type: 'string' },
    trials: { type: 'string' },
    seed: { type: 'string' },
    workers: { type: 'string' },
    quiet: { type: 'boolean' },
    against: { type: 'string' },
  })
  if (positionals.length !== 1)
    throw new BudgetSimError('INVALID_ARGUMENT', `report takes one run or analysis id (on a server) or one scenario file or preset name, got ${positionals.length}${positionals.length ? `: ${positionals.join(' ')}` : ''}`)
  const against = values.against as string | undefined
  if (against !== undefined && against.trim() === '') throw new BudgetSimError('INVALID_ARGUMENT', '--against: give the baseline (a run id on the server, or a scenario file or preset run here)')
  const target = positionals[0]
  const out = (values.out as string | undefined) ?? 'report.pdf'
  const ext = extname(out).toLowerCase()
  const asHtml = ext === '.html' || ext === '.htm'
  if (existsSync(out) && statSync(out).isDirectory())
    throw new BudgetSimError('INVALID_ARGUMENT', `--out ${out}: is a directory; give a file name, such as ${resolve(out, 'report.pdf')}`)
  checkOutputPath(out, 'json') // one file, in a writable directory
  const chromium = chromiumPathFrom()
  if (!asHtml) await assertChromium(chromium) // before any work: exit 1 with the advice

  let html: string
  if (RUN_ID.test(target)) {
    for (const flag of ['trials', 'seed', 'workers'] as const)
      if (values[flag] !== undefined) throw new BudgetSimError('INVALID_ARGUMENT', `--${flag}: applies to a scenario run here, not to ${target} on a server`)
    if (against !== undefined && !RUN_ID.test(against))
      throw new BudgetSimError('INVALID_ARGUMENT', `--against: with a run on a server, give its baseline's run id on the same server (same trials and seed), not "${against}"`)
    html = await fetchReport(target, against ?? null, (values.server as string | undefined) ?? DEFAULT_SERVER, (values.token as string | undefined) ?? process.env.API_TOKEN)
  } else {
    if (values.server !== undefined || values.token !== undefined)
      throw new BudgetSimError('INVALID_ARGUMENT', `${values.server !== undefined ? '--server' : '--token'}: applies to a run id; "${target}" is not one, so it is read as a scenario file or preset and run here`)
    if (against !== undefined && RUN_ID.test(against))
      throw new BudgetSimError('INVALID_ARGUMENT', `--against: "${target}" is run here, so its baseline is too: give a scenario file or preset, not a run id`)
    html = await runHere(target, values)
  }

  if (asHtml) {
    await writeAtomic(out, html)
    process.stdout.write(`Wrote ${out} (HTML, ${Math.round(html.length / 1024)} KB)\n`)
    return 0
  }
  const pdf = await printPdf(html, { chromiumPath: chromium, timeoutMs: timeoutMs() })
  await writeAtomic(out, pdf)
  const pages = pdfPageCount(pdf)
  process.stdout.write(`Wrote ${out} (PDF, ${pages} page${pages === 1 ? '' : 's'}, ${Math.round(pdf.length / 1024)} KB)\n`)
  return 0
}

async function writeAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`
  try {
    await writeFile(tmp, data)
    await rename(tmp, path)
  } catch (e) {
    await rm(tmp, { force: true })
    throw new BudgetSimError('OUTPUT_FAILED', `cannot write ${path}: ${(e as Error).message}`, { cause: e })
  }
}

/** The report.html of run `id` on `server` (with its budget impact against run `against`), or of analysis `id`. */
async function fetchReport(id: string, against: string | null, server: string, token: string | undefined): Promise<string> {
  let base: URL
  try {
    base = new URL(server)
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http')
  } catch {
    throw new BudgetSimError('INVALID_ARGUMENT', `--server: must be an http:// or https:// address such as ${DEFAULT_SERVER}, got "${server}"`)
  }
  const get = async (path: string): Promise<{ response: Response; detail: string }> => {
    const url = new URL(path, base.href.endsWith('/') ? base.href : `${base.href}/`)
    let response: Response
    try {
      response = await fetch(url, { headers: { accept: 'text/html', ...(token ? { authorization: `Bearer ${token}` } : {}) }, signal: AbortSignal.timeout(120_000) })
    } catch (e) {
      const c = (e as { cause?: { code?: string; errors?: { code?: string }[]; message?: string } }).cause
      const cause = c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? (e as Error).message
      throw new BudgetSimError('REPORT_FAILED', `cannot reach the budget-sim server at ${base.origin} (${cause}): start it with \`npm start\`, or give its address with --server`)
    }
    if (response.ok) return { response, detail: '' }
    let detail = ''
    try {
      const problem = (await response.json()) as { detail?: string; code?: string; errors?: { path?: string; message?: string }[] }
      detail = problem.detail ?? ''
      if (problem.errors?.[0]?.path === 'query.against') detail = `--against: ${problem.errors[0].message ?? detail}`
    } catch {
      /* not problem+json */
    }
    return { response, detail }
  }
  let what = `run ${id}`
  let answer = await get(`runs/${id}/report.html${against ? `?against=${against}` : ''}`)
  // not a run: an analysis (a run's baseline is never an analysis)
  if (answer.response.status === 404 && !against && !answer.detail.startsWith('--against')) {
    const analysis = await get(`analyses/${id}/report.html`)
    if (analysis.response.status !== 404) [answer, what] = [analysis, `analysis ${id}`]
    else what = `run or analysis ${id}`
  }
  const { response, detail } = answer
  if (response.ok) return response.text()
  if (response.status === 401)
    throw new BudgetSimError('INVALID_ARGUMENT', `${base.origin} needs a valid token to read ${what}: give --token or set API_TOKEN${detail ? ` (${detail})` : ''}`)
  if (response.status === 400 && detail.startsWith('--against')) throw new BudgetSimError('INVALID_ARGUMENT', detail)
  if (response.status === 404) throw new BudgetSimError('INVALID_ARGUMENT', detail.startsWith('--against') ? detail : `no ${what} on ${base.origin}${detail ? ` (${detail})` : ''}`)
  if (response.status === 409) throw new BudgetSimError('INVALID_ARGUMENT', `${what} on ${base.origin} has no report: ${detail}`)
  throw new BudgetSimError('REPORT_FAILED', `${base.origin} answered ${response.status} for the report of ${what}${detail ? `: ${detail}` : ''}`)
}

/** Run the scenario here (its trials in a temporary file, for the charts) and return its report's HTML. */
async function runHere(target: string, values: Record<string, string | boolean | undefined>): Promise<string> {
  const trials = positiveInteger('--trials', values.trials as string | undefined, LimitDefinitions.trials.hard)
  const workers = positiveInteger('--workers', values.workers as string | undefined, 256)
  const seedText = values.seed as string | undefined
  if (seedText !== undefined && seedText.length === 0) throw new BudgetSimError('INVALID_ARGUMENT', '--seed: must not be empty')
  const seed = seedText === undefined ? undefined : /^\d+$/.test(seedText) && Number.isSafeInteger(Number(seedText)) ? Number(seedText) : seedText
  const { TaskPool } = await import('../workers/pipeline/TaskPool.js')
  const { availableParallelism } = await import('node:os')
  const pool = new TaskPool({ threads: workers ?? Math.max(1, availableParallelism()) })
  const bar = new (await import('./ProgressBar.js')).ProgressBar(process.stderr, !values.quiet && process.stderr.isTTY === true)
  const controller = new AbortController()
  const onSignal = () => controller.abort()
  process.once('SIGINT', onSignal)
  const dir = await mkdtemp(join(tmpdir(), 'budget-sim-report-run-'))
  try {
    const { data, preset } = await loadScenarioArgument(target)
    const { resolveScenario } = await import('../engine/scenario/resolveScenario.js')
    const { createRunSpec } = await import('../engine/run/RunSpec.js')
    const { limitsFromEnv } = await import('../engine/limits.js')
    const spec = createRunSpec(resolveScenario(data), { trials, seed, preset })
    // --against: the baseline on the same draws (checked before anything runs)
    const analysis = values.against !== undefined ? await import('./analysis.js') : null
    const against = analysis ? await analysis.againstFor(spec, values.against as string) : null
    const { runLocally } = await import('../workers/runLocally.js')
    const trialsPath = join(dir, 'trials.arrow')
    const run = await runLocally(spec, { pool, limits: limitsFromEnv(), trialsPath, signal: controller.signal, onProgress: (p) => bar.update(p), extractSeries: against?.selectors })
    bar.done()
    const impact = analysis && against ? await analysis.impactAgainst({ spec: run.spec, series: run.series!, plan: run.plan }, against, pool, Boolean(values.quiet)) : null
    const { buildRunReport, loadDistributions } = await import('../engine/report/runReport.js')
    const { renderReportHtml } = await import('../engine/report/document.js')
    const { scenarioView } = await import('../engine/scenario/scenarioView.js')
    const { loadCatalogue } = await import('../engine/policy/loadCatalogue.js')
    // the summary as the server stores and serves it (JSON: no NaN, no undefined)
    const rows = JSON.parse(JSON.stringify(run.summary))
    const distributions = await loadDistributions(rows, (s) =>
      pool.run(
        'report',
        {
          kind: 'read',
          task: {
            kind: 'distribution',
            path: trialsPath,
            trials: spec.trials,
            selection: { measure: 'demand', years: s.year === 'all' ? undefined : [s.year], levels: s.level === 'all' ? undefined : [s.level] },
            bins: 30,
            points: 200,
          },
        },
        'the report',
      ),
    )
    if (!values.quiet)
      process.stderr.write(
        `Ran ${spec.name}${impact ? ` and ${impact.baseline.name}` : ''}: ${spec.trials.toLocaleString('en-US')} trials, seed ${spec.seed}, spec ${run.metadata.spec_hash.slice(0, 12)}\n`,
      )
    return renderReportHtml(
      buildRunReport({
        metadata: run.metadata,
        rows,
        scenario: scenarioView(spec),
        documents: [...loadCatalogue().documents.values()],
        distributions,
        run: null,
        generatedAt: new Date(),
        comparison: impact
          ? {
              rows: impact.rows,
              runs: {
                baseline: { id: null, name: impact.baseline.name, title: impact.baseline.title ?? null },
                reform: { name: spec.name, title: spec.title ?? null },
                trials: spec.trials,
                seed: String(spec.seed),
              },
            }
          : null,
      }),
    )
  } finally {
    bar.done()
    process.removeListener('SIGINT', onSignal)
    await pool.destroy()
    await rm(dir, { recursive: true, force: true })
  }
}
