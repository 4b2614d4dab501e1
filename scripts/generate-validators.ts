// Why: see engine/validation/precompiled.ts. Run by `npm run build` after tsc: compiles the schemas
// that every command validates against (the scenario, the seeds and each programme parameter, the
// document index, the rules not modelled) into standalone CommonJS.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import AjvModule from 'ajv'
import standaloneModule from 'ajv/dist/standalone/index.js'
import { DocumentIndexSchema, NotModelledSchema, seedSchema } from '../engine/policy/seedSchema.js'
import { programmeParameterSchemas, scenarioSchema } from '../engine/scenario/schema.js'
import { AjvOptions } from '../engine/validation/createValidator.js'
import { GENERATED_VALIDATORS, validatorFile } from '../engine/validation/precompiled.js'

const Ajv = ((AjvModule as any).default ?? AjvModule) as typeof AjvModule.default
const standaloneCode = ((standaloneModule as any).default ?? standaloneModule) as typeof standaloneModule.default

const schemas: Record<string, object> = {
  scenario: scenarioSchema(),
  seed: seedSchema(),
  'document-index': DocumentIndexSchema,
  'not-modelled': NotModelledSchema,
  ...Object.fromEntries(Object.entries(programmeParameterSchemas()).map(([name, schema]) => [`parameter:${name}`, schema])),
}
rmSync(GENERATED_VALIDATORS, { recursive: true, force: true })
mkdirSync(GENERATED_VALIDATORS, { recursive: true })
let bytes = 0
for (const [name, schema] of Object.entries(schemas)) {
  const ajv = new Ajv({ ...AjvOptions, code: { source: true } })
  const code = standaloneCode(ajv, ajv.compile(JSON.parse(JSON.stringify(schema))))
  writeFileSync(validatorFile(name, schema), code)
  bytes += code.length
}
process.stdout.write(`wrote ${Object.keys(schemas).length} validators (${(bytes / 1e6).toFixed(1)} MB) to ${GENERATED_VALIDATORS}\n`)
