// Why: the streaming pipeline's promises are about what a planner meets at the API's own limit: a
// run of a million baseline trials must not stall the server, must not hold its rows in memory,
// must summarise in a fraction of its simulation time, and must not hold up a small run behind it.
// This measures exactly that against a real server process (`node dist/api/main.js`), as `npm
// start` runs it: the whole path, start-up included.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { packageRoot } from '../engine/paths.js'

export interface LargeRunFigures {
  trials: number
  rows: number
  simulate_seconds: number
  summarize_seconds: number
  write_seconds: number
  /** (summarise + write) / simulate */
  tail_share: number
  peak_rss_run_bytes: number
  peak_rss_reads_bytes: number
  health_max_ms: number
  health_requests: number
  small_solo_seconds: number
  small_during_seconds: number
  reads: { distribution_seconds: number; filtered_csv_seconds: number; filtered_csv_bytes: number }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })

/** Resident memory of a process now (VmRSS), in bytes. */
function rss(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : 0
  } catch {
    return 0
  }
}

/** Run the large-run measurements on a fresh server with `threads` worker threads. */
export async function measureLargeRun(trials: number, threads: number, log: (m: string) => void): Promise<LargeRunFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'budget-sim-bench-large-'))
  const port = await freePort()
  const proc = spawn(process.execPath, [join(packageRoot, 'dist/api/main.js')], {
    cwd: packageRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', POOL_THREADS: String(threads), MAX_TRIALS: String(Math.max(trials, 1_000_000)), MAX_DRAWS: '1e11', MAX_ROWS: '100000000' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  proc.stderr!.on('data', (d) => (stderr += d))
  const base = `http://127.0.0.1:${port}`
  const post = (body: object) => fetch(`${base}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>)
  const get = (path: string) => fetch(`${base}${path}`).then((r) => r.json() as Promise<any>)
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/health`)).ok) break
      } catch {
        /* starting */
      }
      if (i > 300) throw new Error(`the server did not start: ${stderr}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    const waitDone = async (id: string) => {
      for (;;) {
        const r = await get(`/runs/${id}`)
        if (r.status === 'done') return r
        if (r.status !== 'queued' && r.status !== 'running') throw new Error(`run ${id} ${r.status}: ${JSON.stringify(r.error)}`)
        await new Promise((res) => setTimeout(res, 20))
      }
    }
    // the small run alone, warm (second of two)
    const small = { preset: 'guangzhou-2015-2017-baseline', trials: 1000 }
    let smallSolo = Infinity
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now()
      await waitDone((await post({ ...small, seed: 100 + i })).id)
      smallSolo = Math.min(smallSolo, (performance.now() - t0) / 1000)
    }

    log(`large run: ${trials.toLocaleString('en-US')} baseline trials on a server with ${threads} threads`)
    const big = await post({ preset: 'guangzhou-2015-2017-baseline', trials })
    let peakRun = 0
    let healthMax = 0
    let healthRequests = 0
    let smallDuring = NaN
    let smallSubmitted = false
    const sampler = setInterval(() => (peakRun = Math.max(peakRun, rss(proc.pid!))), 100)
    let done: any
    let lastLog = 0
    for (;;) {
      const t0 = performance.now()
      const health = await fetch(`${base}/health`)
      healthMax = Math.max(healthMax, performance.now() - t0)
      healthRequests++
      if (!health.ok) throw new Error(`/health answered ${health.status}`)
      const run = await get(`/runs/${big.id}`)
      if (!smallSubmitted && run.progress.trials_done >= trials * 0.3) {
        smallSubmitted = true
        const t1 = performance.now()
        void post({ ...small, seed: 7 })
          .then((s) => waitDone(s.id))
          .then(() => (smallDuring = (performance.now() - t1) / 1000))
      }
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now()
        log(`  ${run.progress.phase} ${run.progress.trials_done}/${trials}${run.progress.eta_seconds ? `, ETA ${run.progress.eta_seconds} s` : ''}`)
      }
      if (run.status === 'done') {
        done = run
        break
      }
      if (run.status !== 'queued' && run.status !== 'running') throw new Error(`the large run ${run.status}: ${JSON.stringify(run.error)}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    clearInterval(sampler)
    while (Number.isNaN(smallDuring)) await new Promise((r) => setTimeout(r, 20))

    // reads of the stored run: a distribution and a filtered CSV at once
    let peakReads = 0
    const readSampler = setInterval(() => (peakReads = Math.max(peakReads, rss(proc.pid!))), 50)
    const t0 = performance.now()
    const [distributionSeconds, csv] = await Promise.all([
      get(`/runs/${big.id}/distribution?year=2017&level=municipal`).then(() => (performance.now() - t0) / 1000),
      fetch(`${base}/runs/${big.id}/trials.csv?level=municipal`).then(async (r) => {
        let bytes = 0
        for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength
        return { seconds: (performance.now() - t0) / 1000, bytes }
      }),
    ])
    clearInterval(readSampler)
    const simulate = done.timings.simulate_ms / 1000
    const summarize = done.timings.summarize_ms / 1000
    const write = done.timings.write_ms / 1000
    return {
      trials,
      rows: done.rows,
      simulate_seconds: simulate,
      summarize_seconds: summarize,
      write_seconds: write,
      tail_share: (summarize + write) / simulate,
      peak_rss_run_bytes: peakRun,
      peak_rss_reads_bytes: Math.max(peakReads, 0),
      health_max_ms: healthMax,
      health_requests: healthRequests,
      small_solo_seconds: smallSolo,
      small_during_seconds: smallDuring,
      reads: { distribution_seconds: distributionSeconds, filtered_csv_seconds: csv.seconds, filtered_csv_bytes: csv.bytes },
    }
  } finally {
    proc.kill('SIGTERM')
    await new Promise((r) => proc.once('exit', r))
    rmSync(dataDir, { recursive: true, force: true })
  }
}
