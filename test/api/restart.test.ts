// The store's promises across process lifetimes: a finished run survives a restart byte for byte;
// a run interrupted by a crash (SIGKILL) or a shutdown (SIGTERM) is re-queued on the next start
// and, being deterministic, yields exactly the result it would have; the CLI and the API give the
// same trials table for the same scenario and seed.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { packageRoot } from '../../engine/paths.js'
import { pollUntil, postJson, startServer, type ServerProcess } from '../helpers/serverProcess.js'

const dir = mkdtempSync(join(tmpdir(), 'budget-sim-restart-'))
const servers: ServerProcess[] = []
afterAll(async () => {
  for (const s of servers) await s.stop('SIGKILL')
})

async function start(dataDir: string) {
  const s = await startServer(dataDir)
  servers.push(s)
  return s
}

async function bytes(url: string): Promise<Buffer> {
  const res = await fetch(url)
  expect(res.status).toBe(200)
  return Buffer.from(await res.arrayBuffer())
}

async function waitFor(base: string, id: string, test: (run: any) => boolean, timeoutMs = 180_000): Promise<any> {
  return pollUntil(async () => {
    const run = await (await fetch(`${base}/runs/${id}`)).json()
    if (run.status === 'failed') throw new Error(`run failed: ${JSON.stringify(run.error)}`)
    return test(run) ? run : undefined
  }, timeoutMs)
}

/** The trials and summary files the CLI writes for the baseline with `trials` trials. */
function cliReference(trials: number): { trials: Buffer; summary: Buffer } {
  const out = join(dir, `cli-${trials}.arrow`)
  const r = spawnSync(process.execPath, [join(packageRoot, 'dist/cli/bin.js'), 'run', 'guangzhou-2015-2017-baseline', '--trials', String(trials), '--out', out, '--quiet'], {
    encoding: 'utf8',
  })
  expect(r.status, r.stderr).toBe(0)
  return { trials: readFileSync(out), summary: readFileSync(join(dir, `cli-${trials}.summary.arrow`)) }
}

describe('the run store across restarts', () => {
  it('keeps a completed run byte for byte through a restart, identical to the CLI for the same scenario and seed', async () => {
    const data = join(dir, 'survive')
    let server = await start(data)
    const res = await postJson(`${server.base}/runs`, { preset: 'guangzhou-2015-2017-baseline', trials: 1500 }, { prefer: 'wait=60' })
    expect(res.status).toBe(201)
    const run = await res.json()
    const before = {
      trials: await bytes(`${server.base}/runs/${run.id}/trials.arrow`),
      stream: await bytes(`${server.base}/runs/${run.id}/trials`),
      summary: await bytes(`${server.base}/runs/${run.id}/summary.arrow`),
      json: await bytes(`${server.base}/runs/${run.id}/summary`),
    }
    expect(await server.stop('SIGTERM')).toBe(0)
    server = await start(data)
    const after = await (await fetch(`${server.base}/runs/${run.id}`)).json()
    expect(after).toMatchObject({ id: run.id, status: 'done', rows: run.rows, applications_simulated: run.applications_simulated })
    expect((await bytes(`${server.base}/runs/${run.id}/trials.arrow`)).equals(before.trials)).toBe(true)
    expect((await bytes(`${server.base}/runs/${run.id}/trials`)).equals(before.stream)).toBe(true)
    expect((await bytes(`${server.base}/runs/${run.id}/summary.arrow`)).equals(before.summary)).toBe(true)
    expect((await bytes(`${server.base}/runs/${run.id}/summary`)).equals(before.json)).toBe(true)

    const cli = cliReference(1500)
    expect(before.trials.equals(cli.trials)).toBe(true)
    expect(before.summary.equals(cli.summary)).toBe(true)
  }, 180_000)

  it('re-queues a run killed mid-way (SIGKILL) and finishes it with exactly the result it would have had', async () => {
    const data = join(dir, 'crash')
    const trials = 60_000
    let server = await start(data)
    const { id } = await (await postJson(`${server.base}/runs`, { preset: 'guangzhou-2015-2017-baseline', trials })).json()
    await waitFor(server.base, id, (r) => r.status === 'running' && r.progress.trials_done > trials * 0.1)
    await server.stop('SIGKILL')

    server = await start(data)
    const done = await waitFor(server.base, id, (r) => r.status === 'done')
    expect(done.attempts).toBe(2)
    const reference = cliReference(trials)
    expect((await bytes(`${server.base}/runs/${id}/trials.arrow`)).equals(reference.trials)).toBe(true)
    expect((await bytes(`${server.base}/runs/${id}/summary.arrow`)).equals(reference.summary)).toBe(true)
    expect(readdirSync(join(data, 'runs')).filter((f) => f.includes('.tmp-'))).toEqual([])
  }, 300_000)

  it('shuts down gracefully on SIGTERM: ends event streams, checkpoints the running run, resumes it on start', async () => {
    const data = join(dir, 'graceful')
    let server = await start(data)
    const { id } = await (await postJson(`${server.base}/runs`, { preset: 'guangzhou-2015-2017-baseline', trials: 60_000 })).json()
    await waitFor(server.base, id, (r) => r.status === 'running' && r.progress.trials_done > 0)
    const events = fetch(`${server.base}/runs/${id}/events`).then((r) => r.text())
    await new Promise((r) => setTimeout(r, 200))
    const started = Date.now()
    expect(await server.stop('SIGTERM')).toBe(0)
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(await events).toMatch(/event: shutdown/)

    server = await start(data)
    const done = await waitFor(server.base, id, (r) => r.status === 'done')
    expect(done.attempts).toBe(2)
  }, 300_000)
})
