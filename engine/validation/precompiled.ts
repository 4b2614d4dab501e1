// Why: compiling the scenario and seed schemas with Ajv costs more than a small run (a second or
// more: every programme parameter may be a value or a value by year). The build compiles them once
// into standalone code (scripts/generate-validators.ts), keyed by the name and a hash of the schema
// text; at run time a validator is taken from there only when the schema is the very one the build
// compiled (same funding levels, same registered mechanisms, same source). Otherwise it is compiled.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { ValidateFunction } from 'ajv'
import { packageRoot } from '../paths.js'

/** Where the build writes the standalone validators, one CommonJS file each (loaded synchronously, only when needed). */
export const GENERATED_VALIDATORS = join(packageRoot, 'dist', 'engine', 'validation', 'generated')

/** The file of a schema's validator: its name and the hash of its JSON text. */
export function validatorFile(name: string, schema: object): string {
  const hash = createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 16)
  return join(GENERATED_VALIDATORS, `${name.replace(/[^A-Za-z0-9_-]/g, '_')}-${hash}.cjs`)
}

const require = createRequire(import.meta.url)

/** The build's validator for exactly this schema; undefined when the build has none. */
export function precompiledValidator(name: string, schema: object): ValidateFunction | undefined {
  const file = validatorFile(name, schema)
  return existsSync(file) ? (require(file) as ValidateFunction) : undefined
}
