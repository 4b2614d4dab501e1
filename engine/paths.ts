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
export const seedsDir = join(packageRoot, 'seeds')
export const documentsDir = join(packageRoot, 'seeds', 'documents')
export const scenariosDir = join(packageRoot, 'scenarios')
