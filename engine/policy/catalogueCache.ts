// Why: parsing and validating every seed file costs more than a small run (YAML parsing and the
// seed schema's validator, about a fifth of a second). A command run from the build keeps the
// checked catalogue as JSON, keyed by the seeds' bytes and the engine code that checked them, so
// the next command reads it back in a millisecond. Any change to a seed file or to the compiled
// engine gives another key: a stale catalogue is never read. Nothing is cached when running from
// the TypeScript sources (tests) or with mechanisms registered at run time.
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { registryVersion } from '../mechanisms/registry.js'
import { packageRoot } from '../paths.js'
import type { Catalogue } from './loadCatalogue.js'

const here = fileURLToPath(import.meta.url)
/** Running from the compiled tree (dist/), whose code the key can fingerprint. */
const compiled = here.endsWith('.js')
/** BUDGET_SIM_CACHE_DIR moves it (tests); by default beside the installed dependencies. */
const CACHE_DIR = process.env.BUDGET_SIM_CACHE_DIR || join(packageRoot, 'node_modules', '.cache', 'budget-sim')

let codeHash: string | null = null

/** SHA-256 of the compiled engine (every .js file under dist/engine), computed once a process. */
function engineCodeHash(): string {
  if (codeHash) return codeHash
  const root = dirname(dirname(here))
  const hash = createHash('sha256')
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith('.js')) hash.update(`${p.slice(root.length)}\0`).update(readFileSync(p)).update('\0')
    }
  }
  walk(root)
  return (codeHash = hash.digest('hex'))
}

function cacheFile(seedsHash: string): string | null {
  if (!compiled || registryVersion() !== 0) return null
  return join(CACHE_DIR, `catalogue-${createHash('sha256').update(`${seedsHash}\0${engineCodeHash()}`).digest('hex').slice(0, 24)}.json`)
}

interface Stored {
  programmes: [string, unknown][]
  documents: [string, unknown][]
  notModelled: unknown[]
  levels: unknown
  hash: string
}

/** The checked catalogue of seeds whose bytes hash to `seedsHash`, if this build cached it. */
export function readCachedCatalogue(seedsHash: string): Catalogue | null {
  const file = cacheFile(seedsHash)
  if (!file) return null
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as Stored
    if (s.hash !== seedsHash) return null
    return { programmes: new Map(s.programmes), documents: new Map(s.documents), notModelled: s.notModelled, levels: s.levels, hash: s.hash } as Catalogue
  } catch {
    return null
  }
}

/** Keep a checked catalogue for the next command (best effort: an unwritable cache is skipped). */
export function writeCachedCatalogue(catalogue: Catalogue): void {
  const file = cacheFile(catalogue.hash)
  if (!file) return
  try {
    mkdirSync(CACHE_DIR, { recursive: true })
    // one catalogue is kept: older ones (other seeds, other builds) are removed
    for (const f of readdirSync(CACHE_DIR)) if (f.startsWith('catalogue-') && join(CACHE_DIR, f) !== file) rmSync(join(CACHE_DIR, f), { force: true })
    const stored: Stored = {
      programmes: [...catalogue.programmes],
      documents: [...catalogue.documents],
      notModelled: catalogue.notModelled,
      levels: catalogue.levels,
      hash: catalogue.hash,
    }
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(stored))
    renameSync(tmp, file)
  } catch {
    // a read-only install: every command checks the seeds itself
  }
}
