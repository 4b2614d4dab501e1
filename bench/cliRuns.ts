// Why: measure what a user of the command line gets, not a warm pool: the rate `budget-sim run`
// itself reports ("Simulated N applications in X s") with 1 and with 2 workers, and the whole
// process (node start to exit) for a small run, so start-up and set-up count.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { packageRoot } from '../engine/paths.js'
import { measured, type Measured } from './measure.js'

const bin = join(packageRoot, 'dist/cli/bin.js')

function cli(args: string[]): { stdout: string; seconds: number } {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' })
  const seconds = (performance.now() - t0) / 1000
  if (r.status !== 0) throw new Error(`budget-sim ${args.join(' ')} failed: ${r.stderr}`)
  return { stdout: r.stdout, seconds }
}

/** The rate the CLI reports, applications per second. */
function reportedRate(stdout: string): number {
  const m = /Simulated ([\d,]+) applications in ([\d.]+) s/.exec(stdout)
  if (!m) throw new Error(`no "Simulated ..." line in: ${stdout.slice(0, 300)}`)
  return Number(m[1].replace(/,/g, '')) / Number(m[2])
}

/** CLI-reported rates with 1 and 2 workers, in turns. */
export function cliRates(trials: number, repeat: number): { one: Measured; two: Measured } {
  const one: number[] = []
  const two: number[] = []
  const args = (w: number) => ['run', 'bench-tech-transaction', '--trials', String(trials), '--workers', String(w), '--quiet']
  cli(args(1))
  for (let i = 0; i < repeat; i++) {
    one.push(reportedRate(cli(args(1)).stdout))
    two.push(reportedRate(cli(args(2)).stdout))
  }
  return { one: measured(one), two: measured(two) }
}

/** Seconds for a whole `budget-sim run <preset> --trials N` process, node start to exit. */
export function cliWholeProcess(preset: string, trials: number, repeat: number): Measured {
  cli(['run', preset, '--trials', String(trials), '--quiet'])
  return measured(Array.from({ length: repeat }, () => cli(['run', preset, '--trials', String(trials), '--quiet']).seconds))
}
