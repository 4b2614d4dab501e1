// Why: a CI run builds once (`npm ci` builds through `prepare`) and every later step (`npm test`,
// `npm run bench:ci`, `npm run test:e2e`) reuses that build, while `npm test` on a fresh clone or
// after an edit still builds. `npm run build` records a hash of everything the build reads in
// dist/.build-inputs; the build is current when that hash matches the sources and the outputs exist.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { packageRoot } from '../engine/paths.js'

/** What `npm run build` reads: the compiled trees, the page's sources and the build settings. */
const INPUT_DIRS = ['engine', 'workers', 'cli', 'api', 'scripts', 'bench', 'web/src']
const INPUT_FILES = ['tsconfig.json', 'web/tsconfig.json', 'web/vite.config.ts', 'web/index.html', 'package.json', 'package-lock.json']
/** Written by the benchmark or Python, not read by the build. */
const IGNORED = new Set(['bench/results', '__pycache__'])
/** What the build must have produced. */
const OUTPUTS = ['dist/api/main.js', 'dist/cli/bin.js', 'dist/bench/run.js', 'web/dist/index.html']
const STAMP = 'dist/.build-inputs'

function filesUnder(root: string, dir: string): string[] {
  const abs = join(root, dir)
  if (!existsSync(abs)) return []
  return readdirSync(abs, { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`
    if (IGNORED.has(rel) || IGNORED.has(entry.name)) return []
    return entry.isDirectory() ? filesUnder(root, rel) : entry.isFile() ? [rel] : []
  })
}

/** SHA-256 over the path and content of every build input, in a fixed order. */
export function buildInputsHash(root: string = packageRoot): string {
  const files = [...INPUT_DIRS.flatMap((d) => filesUnder(root, d)), ...INPUT_FILES.filter((f) => existsSync(join(root, f)))].sort()
  const hash = createHash('sha256')
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(root, file))).update('\0')
  return hash.digest('hex')
}

/** Why the build is not current, or null when dist/ and web/dist/ match the sources. */
export function staleBuildReason(root: string = packageRoot): string | null {
  const missing = OUTPUTS.find((f) => !existsSync(join(root, f)))
  if (missing) return `${missing} is missing`
  const stamp = join(root, STAMP)
  if (!existsSync(stamp)) return `${relative(root, stamp)} is missing`
  if (readFileSync(stamp, 'utf8').trim() !== buildInputsHash(root)) return 'the sources changed since the last build'
  return null
}

/** Record that the build matches the sources as they are now (the last step of `npm run build`). */
export function writeBuildStamp(root: string = packageRoot): void {
  writeFileSync(join(root, STAMP), `${buildInputsHash(root)}\n`)
}
