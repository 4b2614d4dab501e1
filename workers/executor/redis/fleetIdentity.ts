// Why: a cluster gives identical results only if every machine runs the same engine. The version
// string alone is not enough (it is package.json's and does not change between commits), so a
// coordinator stamps every block with its identity: engine version, the hash of its policy seeds,
// a fingerprint of the compiled engine code and the Node major version (Math.exp and friends may
// differ between V8s). A worker whose identity differs refuses the block with ENGINE_MISMATCH,
// so a mixed fleet cannot produce mixed results.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { BudgetSimError } from '../../../engine/errors.js'
import { packageRoot } from '../../../engine/paths.js'
import { loadCatalogue } from '../../../engine/policy/loadCatalogue.js'
import { engineVersion } from '../../../engine/version.js'

export interface FleetIdentity {
  engineVersion: string
  /** SHA-256 of the policy seeds this process loaded */
  seedsHash: string
  /** SHA-256 (first 16 hex digits) of the compiled engine code this process runs */
  build: string
  /** Node major version */
  node: string
}

let cached: FleetIdentity | null = null

/** This process's identity (computed once). */
export function fleetIdentity(): FleetIdentity {
  if (!cached) cached = { engineVersion, seedsHash: loadCatalogue().hash, build: engineBuild(), node: process.versions.node.split('.')[0] }
  return cached
}

/**
 * Fingerprint of the engine code: the compiled dist/engine tree and the task worker (what
 * simulates), or the TypeScript sources when nothing is compiled.
 */
export function engineBuild(root = packageRoot): string {
  const dist = join(root, 'dist', 'engine')
  const files = existsSync(dist)
    ? [...walk(dist, '.js'), join(root, 'dist', 'workers', 'task-worker.js')]
    : [...walk(join(root, 'engine'), '.ts'), join(root, 'workers', 'task-worker.ts')]
  const hash = createHash('sha256')
  for (const file of files.filter(existsSync).sort()) {
    hash.update(relative(root, file))
    hash.update('\0')
    hash.update(readFileSync(file))
    hash.update('\0')
  }
  return hash.digest('hex').slice(0, 16)
}

function walk(dir: string, ext: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...walk(path, ext))
    else if (entry.name.endsWith(ext)) out.push(path)
  }
  return out
}

const labels: Record<keyof FleetIdentity, string> = { engineVersion: 'engine version', seedsHash: 'policy seeds', build: 'engine build', node: 'Node major version' }

/** What differs between the identity a block was queued with and this worker's, as phrases. */
export function identityDifferences(queued: FleetIdentity, here: FleetIdentity): string[] {
  return (Object.keys(labels) as (keyof FleetIdentity)[])
    .filter((k) => queued[k] !== here[k])
    .map((k) => `${labels[k]} ${short(queued[k])} (coordinator) vs ${short(here[k])} (this worker)`)
}

/** Throw ENGINE_MISMATCH when a block was queued by a coordinator of another identity. */
export function assertSameFleet(queued: FleetIdentity, here: FleetIdentity, worker: string): void {
  const differences = identityDifferences(queued, here)
  if (differences.length > 0)
    throw new BudgetSimError(
      'ENGINE_MISMATCH',
      `worker ${worker} refuses the block: ${differences.join('; ')}; results would not be identical, so run the same build with the same seeds on every machine`,
      { detail: { coordinator: queued, worker: here } },
    )
}

function short(s: string): string {
  return /^[0-9a-f]{40,}$/.test(s) ? s.slice(0, 12) : s
}
