// Why: peak memory must be measured in a fresh process per size. This runs one scenario end to end
// (simulate, summarise, build and write the trials table) and prints its peak RSS as JSON.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tableChunks, writeFileAtomic } from '../engine/results/writeResults.js'
import { loadPresetData } from '../engine/scenario/presets.js'
import { resolveScenario } from '../engine/scenario/resolveScenario.js'
import { runScenario, trialsTable } from '../workers/runScenario.js'

const [preset, trialsText, threadsText] = process.argv.slice(2)
const trials = Number(trialsText)
const dir = mkdtempSync(join(tmpdir(), 'budget-sim-memory-'))
const run = await runScenario(resolveScenario(loadPresetData(preset)), { trials, threads: Number(threadsText) || undefined })
await writeFileAtomic(join(dir, 'trials.arrow'), tableChunks(trialsTable(run), 'arrow'))
rmSync(dir, { recursive: true, force: true })
const rows = run.trials * run.plan.rowsPerTrial
process.stdout.write(`${JSON.stringify({ preset, trials, rows, peak_rss_bytes: process.resourceUsage().maxRSS * 1024 })}\n`)
