// The server's main thread only routes requests: simulating, summarising (sorting every series for
// exact quantiles) and reading stored runs happen in worker threads. A run large enough to have
// blocked every request for seconds in the previous design (100,000 baseline trials: 7-8 s of
// summarising on the main thread) must leave /health answering promptly throughout, and a small run
// submitted behind it must not wait for it.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { pollUntil, postJson, startServer, type ServerProcess } from '../helpers/serverProcess.js'

let server: ServerProcess
afterAll(async () => server?.stop('SIGKILL'))

describe('while a large run simulates and summarises', () => {
  it('answers /health promptly and finishes a small run submitted behind it', async () => {
    server = await startServer(mkdtempSync(join(tmpdir(), 'budget-sim-responsive-')))
    const { id } = await (await postJson(`${server.base}/runs`, { preset: 'guangzhou-2015-2017-baseline', trials: 100_000 })).json()
    let slowest = 0
    let phases = new Set<string>()
    let small: { id: string; submitted: number } | null = null
    let smallSeconds = NaN
    const done = await pollUntil(async () => {
      const t0 = performance.now()
      const health = await fetch(`${server.base}/health`)
      slowest = Math.max(slowest, performance.now() - t0)
      expect(health.status).toBe(200)
      const run = await (await fetch(`${server.base}/runs/${id}`)).json()
      phases.add(run.progress.phase)
      if (!small && run.progress.trials_done > 20_000) {
        small = { id: (await (await postJson(`${server.base}/runs`, { preset: 'guangzhou-2015-2017-baseline', trials: 1000, seed: 7 })).json()).id, submitted: performance.now() }
      }
      if (small && Number.isNaN(smallSeconds)) {
        const s = await (await fetch(`${server.base}/runs/${small.id}`)).json()
        if (s.status === 'done') smallSeconds = (performance.now() - small.submitted) / 1000
      }
      return run.status === 'done' ? run : undefined
    }, 240_000, 50)
    expect(done.status).toBe('done')
    expect(phases.has('summarize') || phases.has('write') || phases.size >= 2).toBe(true)
    // generous bounds for a shared 2-core machine: the old design answered after ~8 s
    expect(slowest).toBeLessThan(2000)
    expect(smallSeconds).toBeLessThan(20)
    process.stdout.write(`[responsiveness] slowest /health ${slowest.toFixed(0)} ms; a 1,000-trial run behind the big one took ${smallSeconds.toFixed(2)} s\n`)
  }, 300_000)
})
