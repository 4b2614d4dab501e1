// A run is resolved once, when it is submitted: a seed edited on disk afterwards changes neither
// what a finished run reports it was run with, nor what a run recovered after a crash computes, and
// a run interrupted too many times is given up with the reason instead of restarted forever.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { packageRoot } from '../../engine/paths.js'
import { pollUntil, postJson, startServer, type ServerProcess } from '../helpers/serverProcess.js'

const dir = mkdtempSync(join(tmpdir(), 'budget-sim-spec-'))
const servers: ServerProcess[] = []
afterAll(async () => {
  for (const s of servers) await s.stop('SIGKILL')
})

/** A private copy of the seeds the server reads (BUDGET_SIM_SEEDS_DIR), to edit under its feet. */
function seedsCopy(name: string): string {
  const seeds = join(dir, name)
  cpSync(join(packageRoot, 'seeds'), seeds, { recursive: true })
  return seeds
}

function editRate(seeds: string, from: string, to: string): void {
  const file = join(seeds, 'tech-transaction-subsidy.yaml')
  const text = readFileSync(file, 'utf8')
  expect(text).toContain(`value: ${from}`)
  writeFileSync(file, text.replace(`value: ${from}`, `value: ${to}`))
}

async function start(data: string, seeds: string, env: Record<string, string> = {}) {
  const s = await startServer(data, { BUDGET_SIM_SEEDS_DIR: seeds, ...env })
  servers.push(s)
  return s
}

const run = (base: string, id: string) => fetch(`${base}/runs/${id}`).then((r) => r.json())
const waitFor = (base: string, id: string, test: (r: any) => boolean, timeoutMs = 180_000) =>
  pollUntil(async () => {
    const r = await run(base, id)
    return test(r) ? r : undefined
  }, timeoutMs)

describe('a run specification', () => {
  it('keeps a finished run reporting the parameters it was run with after its seeds change on disk', async () => {
    const seeds = seedsCopy('seeds-read')
    const data = join(dir, 'read')
    let server = await start(data, seeds)
    const res = await postJson(`${server.base}/runs`, { preset: 'guangzhou-2015-2017-baseline', trials: 300 }, { prefer: 'wait=60' })
    const done = await res.json()
    expect(done.status).toBe('done')
    const summaryBefore = await (await fetch(`${server.base}/runs/${done.id}/summary`)).text()
    await server.stop('SIGTERM')

    editRate(seeds, '0.05', '0.07')
    server = await start(data, seeds)
    const scenario = await (await fetch(`${server.base}/runs/${done.id}/scenario`)).json()
    const tech = scenario.programmes.find((p: any) => p.id === 'tech-transaction-subsidy')
    expect(tech.parameters.rate).toBe(0.05)
    expect(tech.provenance.rate.origin).toBe('policy')
    expect(await (await fetch(`${server.base}/runs/${done.id}/summary`)).text()).toBe(summaryBefore)
    const distribution = await (await fetch(`${server.base}/runs/${done.id}/distribution?year=2015&level=municipal`)).json()
    expect(distribution.appropriation).toBe(170_000_000)
    // a new run of the same preset does use the edited seed
    const fresh = await (await postJson(`${server.base}/scenarios/validate`, { name: 'x', extends: 'guangzhou-2015-2017-baseline' })).json()
    expect(fresh.scenario.programmes.find((p: any) => p.id === 'tech-transaction-subsidy').parameters.rate).toBe(0.07)
  }, 120_000)

  it('makes a run recovered after kill -9 compute exactly what it was submitted with, whatever the seeds say now', async () => {
    const seeds = seedsCopy('seeds-recover')
    const data = join(dir, 'recover')
    const trials = 40_000
    let server = await start(data, seeds)
    const { id } = await (await postJson(`${server.base}/runs`, { preset: 'guangzhou-2015-2017-baseline', trials })).json()
    await waitFor(server.base, id, (r) => r.status === 'running' && r.progress.trials_done > trials * 0.1)
    await server.stop('SIGKILL')
    editRate(seeds, '0.05', '0.07')
    server = await start(data, seeds)
    const done = await waitFor(server.base, id, (r) => r.status === 'done')
    expect(done.attempts).toBe(2)
    const out = join(dir, 'reference.arrow')
    const cli = spawnSync(process.execPath, [join(packageRoot, 'dist/cli/bin.js'), 'run', 'guangzhou-2015-2017-baseline', '--trials', String(trials), '--out', out, '--quiet'], {
      encoding: 'utf8',
    })
    expect(cli.status, cli.stderr).toBe(0)
    const served = Buffer.from(await (await fetch(`${server.base}/runs/${id}/trials.arrow`)).arrayBuffer())
    expect(served.equals(readFileSync(out))).toBe(true)
  }, 300_000)

  it('gives up a run interrupted more than RUN_MAX_ATTEMPTS times, with the reason', async () => {
    const seeds = seedsCopy('seeds-poison')
    const data = join(dir, 'poison')
    const env = { RUN_MAX_ATTEMPTS: '2' }
    let server = await start(data, seeds, env)
    const { id } = await (await postJson(`${server.base}/runs`, { preset: 'guangzhou-2015-2017-baseline', trials: 200_000 })).json()
    for (let attempt = 1; attempt <= 2; attempt++) {
      await waitFor(server.base, id, (r) => r.status === 'running' && r.attempts === attempt)
      await server.stop('SIGKILL')
      server = await start(data, seeds, env)
    }
    const given = await run(server.base, id)
    expect(given).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'RUN_GIVEN_UP' } })
    expect(given.error.message).toMatch(/interrupted 2 times \(limit RUN_MAX_ATTEMPTS=2\)/)
    expect((await server.stop('SIGTERM'))).toBe(0)
  }, 180_000)
})
