import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { seedSchema } from '../../../engine/policy/seedSchema.js'
import { scenarioSchema } from '../../../engine/scenario/schema.js'
import { createValidator } from '../../../engine/validation/createValidator.js'
import { GENERATED_VALIDATORS, precompiledValidator, validatorFile } from '../../../engine/validation/precompiled.js'

const badScenario = {
  name: 'x',
  years: [2016, 2016.5],
  trials: 0,
  seed: 'abc',
  programmes: { 'tech-transaction-subsidy': { rate: 2, cap: { by_year: { 2016: -1, nope: 3 } }, colour: 'red' } },
}

describe('validators compiled by the build', () => {
  it('are keyed by the schema text, so a changed schema never meets a stale validator', () => {
    const a = validatorFile('scenario', { type: 'object' })
    expect(validatorFile('scenario', { type: 'object' })).toBe(a)
    expect(validatorFile('scenario', { type: 'object', required: ['name'] })).not.toBe(a)
    expect(precompiledValidator('scenario', { type: 'object', title: 'not built' })).toBeUndefined()
  })

  it.runIf(existsSync(GENERATED_VALIDATORS))('exist for the scenario and seed schemas of this source', () => {
    expect(precompiledValidator('scenario', scenarioSchema())).toBeTypeOf('function')
    expect(precompiledValidator('seed', seedSchema())).toBeTypeOf('function')
  })

  it('report the same problems, word for word, as a validator compiled at run time', () => {
    const built = createValidator(scenarioSchema, { name: 'scenario' })(badScenario)
    const compiled = createValidator(scenarioSchema())(badScenario)
    expect(built).toEqual(compiled)
    expect(built.map((i) => i.path)).toEqual(expect.arrayContaining(['trials', 'years[1]', 'programmes.tech-transaction-subsidy.colour']))
  })
})
