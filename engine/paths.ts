// Why: seeds, presets and documents ship beside the code; the same lookup must work from the
// TypeScript sources (tests) and from the compiled dist/ tree (CLI, API, workers).
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findPackageRoot(start: string): string {
  let dir = start
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'seeds'))) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`budget-sim: cannot find the package root above ${start}`)
    dir = parent
  }
}

/** The directory holding package.json, seeds/ and scenarios/. */
export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)))
/** The policy seeds; BUDGET_SIM_SEEDS_DIR points elsewhere (an operator's amended copy, tests). */
export const seedsDir = process.env.BUDGET_SIM_SEEDS_DIR || join(packageRoot, 'seeds')
export const documentsDir = join(seedsDir, 'documents')
export const scenariosDir = join(packageRoot, 'scenarios')
