// Why: see engine/validation/precompiled.ts. Run by `npm run build` after tsc: compiles the schemas
// that every command validates against (the scenario, the seeds and each programme parameter, the
// document index, the rules not modelled) into standalone CommonJS.
import { writeFileSync } from 'node:fs'
import AjvModule from 'ajv'
import standaloneModule from 'ajv/dist/standalone/index.js'
import { DocumentIndexSchema, NotModelledSchema, seedSchema } from '../engine/policy/seedSchema.js'
import { programmeParameterSchemas, scenarioSchema } from '../engine/scenario/schema.js'
import { AjvOptions } from '../engine/validation/createValidator.js'
import { GENERATED_VALIDATORS, validatorKey } from '../engine/validation/precompiled.js'

const Ajv = ((AjvModule as any).default ?? AjvModule) as typeof AjvModule.default
const standaloneCode = ((standaloneModule as any).default ?? standaloneModule) as typeof standaloneModule.default

const schemas: Record<string, object> = {
  scenario: scenarioSchema(),
  seed: seedSchema(),
  'document-index': DocumentIndexSchema,
  'not-modelled': NotModelledSchema,
  ...Object.fromEntries(Object.entries(programmeParameterSchemas()).map(([name, schema]) => [`parameter:${name}`, schema])),
}
const ajv = new Ajv({ ...AjvOptions, code: { source: true } })
const exports: Record<string, string> = {}
for (const [name, schema] of Object.entries(schemas)) {
  const key = validatorKey(name, schema)
  ajv.addSchema({ ...JSON.parse(JSON.stringify(schema)), $id: key }, key)
  exports[key] = key
}
writeFileSync(GENERATED_VALIDATORS, standaloneCode(ajv, exports))
process.stdout.write(`wrote ${Object.keys(exports).length} validators to ${GENERATED_VALIDATORS}\n`)
