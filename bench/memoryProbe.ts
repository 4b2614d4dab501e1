// Why: peak memory must be measured in a fresh process per size. This runs one scenario end to end
// through the pipeline (simulate, write the trials file, summarise) and prints its peak RSS as JSON.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compilePlan } from '../engine/plan/compilePlan.js'
import { createRunSpec } from '../engine/run/RunSpec.js'
import { loadPresetData } from '../engine/scenario/presets.js'
import { resolveScenario } from '../engine/scenario/resolveScenario.js'
import { runLocally } from '../workers/runLocally.js'

const [preset, trialsText, threadsText] = process.argv.slice(2)
const trials = Number(trialsText)
const dir = mkdtempSync(join(tmpdir(), 'budget-sim-memory-'))
const spec = createRunSpec(resolveScenario(loadPresetData(preset)), { trials })
await runLocally(spec, { threads: Number(threadsText) || undefined, trialsPath: join(dir, 'trials.arrow'), limits: { trials: 1e8, rows: 5e8, draws: 1e15 } })
rmSync(dir, { recursive: true, force: true })
const rows = trials * compilePlan(spec, spec.seed).rowsPerTrial
process.stdout.write(`${JSON.stringify({ preset, trials, rows, peak_rss_bytes: process.resourceUsage().maxRSS * 1024 })}\n`)
