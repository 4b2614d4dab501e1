// Why: scenarios/schema.json is published for editors and API clients; it is generated from
// the registered mechanisms and the funding levels (engine/scenario/schema.ts) and a test checks
// it is current.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { scenariosDir } from '../engine/paths.js'
import { scenarioJsonSchema } from '../engine/scenario/schema.js'

const path = join(scenariosDir, 'schema.json')
writeFileSync(path, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`)
process.stdout.write(`wrote ${path}\n`)
