// A real client: the server listening on a port, the Guangzhou baseline submitted over HTTP, then
// the README's notebook snippets reading /trials and /summary with polars and pyarrow.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pythonInterpreter } from '../../scripts/pythonInterpreter.js'
import { readmeSnippet } from '../helpers/readmeSnippets.js'
import { pollUntil, postJson, startServer, type ServerProcess } from '../helpers/serverProcess.js'

const dir = mkdtempSync(join(tmpdir(), 'budget-sim-client-'))
const trials = 2000
let server: ServerProcess
let run: any
let summary: any

beforeAll(async () => {
  server = await startServer(join(dir, 'data'))
  const res = await postJson(`${server.base}/runs`, { preset: 'guangzhou-2015-2017-baseline', trials })
  expect(res.status).toBe(202)
  const location = res.headers.get('location')!
  run = await pollUntil(async () => {
    const r = await (await fetch(`${server.base}${location}`)).json()
    return r.status === 'done' ? r : r.status === 'failed' ? Promise.reject(new Error(r.error.message)) : undefined
  })
  summary = await (await fetch(`${server.base}/runs/${run.id}/summary`)).json()
}, 120_000)
afterAll(async () => {
  await server?.stop()
})

function runPython(code: string): any {
  const file = join(dir, `snippet-${Math.random().toString(36).slice(2)}.py`)
  writeFileSync(file, code)
  const out = execFileSync(pythonInterpreter(), [file], { encoding: 'utf8', cwd: dir })
  const line = out.split('\n').find((l) => l.startsWith('@@RESULT@@'))!
  return JSON.parse(line.slice('@@RESULT@@'.length))
}

function withServer(snippet: string): string {
  return snippet.replace(/^BASE = ".*"$/m, `BASE = "${server.base}"`).replace(/^RUN = ".*"(.*)$/m, `RUN = "${run.id}"`)
}

const row = (year: number | null, level: string) =>
  summary.rows.find((r: any) => r.year === year && r.programme === 'all' && r.level === level && r.measure === 'demand')

describe('a real client over HTTP', () => {
  it('reads the trials stream and the summary file with polars (the README snippet)', () => {
    const result = runPython(
      `${withServer(readmeSnippet('notebook-http-polars'))}
import json
print("@@RESULT@@" + json.dumps({"rows": trials.height, "columns": trials.columns, "summary_rows": summary.height,
  "municipal_2017_mean": municipal_2017["demand"].mean(), "trials_2017": municipal_2017.height}))
`,
    )
    expect(result.rows).toBe(trials * 18)
    expect(result.rows).toBe(run.rows)
    expect(result.summary_rows).toBe(summary.rows.length)
    expect(result.columns).toEqual(['trial', 'year', 'programme', 'level', 'applicants', 'approved', 'capped', 'quota_rejected', 'budget_rejected', 'recipients', 'demand', 'paid', 'shortfall', 'cap_saved', 'budget_cut'])
    expect(result.trials_2017).toBe(trials)
    // the client's own aggregate equals the engine's summary
    expect(result.municipal_2017_mean / row(2017, 'municipal').mean).toBeCloseTo(1, 12)
  })

  it('reads a filtered trials stream with pyarrow and pandas (the README snippet)', () => {
    const result = runPython(
      `${withServer(readmeSnippet('notebook-http-pyarrow'))}
import json
print("@@RESULT@@" + json.dumps({"rows": table.num_rows, "row_count": int(table.schema.metadata[b"row_count"]),
  "total": float(df["demand"].sum()), "levels": sorted(df["level"].astype(str).unique().tolist())}))
`,
    )
    // municipal rows: 4 municipal programmes x 3 years per trial
    expect(result.rows).toBe(trials * 12)
    expect(result.row_count).toBe(trials * 12)
    expect(result.levels).toEqual(['municipal'])
    expect(result.total / (row(null, 'municipal').mean * trials)).toBeCloseTo(1, 12)
  })

  it('reads the summary as JSON with the same numbers as the Arrow summary', async () => {
    const res = await fetch(`${server.base}/runs/${run.id}/summary.arrows`)
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream')
    const result = runPython(`
import io, json, urllib.request
import pyarrow.ipc as ipc
data = urllib.request.urlopen("${server.base}/runs/${run.id}/summary.arrows").read()
t = ipc.open_stream(io.BytesIO(data)).read_all()
rows = t.to_pylist()
r = next(x for x in rows if x["year"] == 2015 and x["programme"] == "all" and x["level"] == "municipal" and x["measure"] == "demand")
print("@@RESULT@@" + json.dumps({"n": t.num_rows, "mean": r["mean"], "p_exceed": r["p_exceed"]}))
`)
    expect(result.n).toBe(summary.rows.length)
    expect(result.mean).toBe(row(2015, 'municipal').mean)
    expect(result.p_exceed).toBe(row(2015, 'municipal').p_exceed)
  })
})
