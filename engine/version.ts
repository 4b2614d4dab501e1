// Why: results record the engine version that produced them (bit-identical results are promised
// for the same engine version and Node major version).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from './paths.js'

/** The engine version: package.json's version. */
export const engineVersion: string = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version
