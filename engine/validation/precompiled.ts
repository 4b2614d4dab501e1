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

/** Where the build writes the standalone validators (CommonJS, so they load synchronously). */
export const GENERATED_VALIDATORS = join(packageRoot, 'dist', 'engine', 'validation', 'validators.generated.cjs')

/** The table key of a schema: its name and the hash of its JSON text. */
export function validatorKey(name: string, schema: object): string {
  return `${name}@${createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 16)}`
}

let table: Record<string, ValidateFunction> | null | undefined

/** The build's validator for exactly this schema; undefined when the build has none. */
export function precompiledValidator(name: string, schema: object): ValidateFunction | undefined {
  if (table === undefined) table = existsSync(GENERATED_VALIDATORS) ? (createRequire(import.meta.url)(GENERATED_VALIDATORS) as Record<string, ValidateFunction>) : null
  return table?.[validatorKey(name, schema)]
}
