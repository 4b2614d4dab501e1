// Why: clients list and read the preset scenarios, fetch the scenario JSON Schema, and check a
// scenario of their own before running it.
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { invalidScenario } from '../../engine/errors.js'
import { parseScenarioText } from '../../engine/scenario/parseScenarioText.js'
import { listPresets, loadPresetData, readPresetText } from '../../engine/scenario/presets.js'
import { resolveScenario } from '../../engine/scenario/resolveScenario.js'
import { scenarioView } from '../../engine/scenario/scenarioView.js'
import { scenarioJsonSchema } from '../../engine/scenario/schema.js'
import { problems, scenarioBodySchema } from '../schemas.js'

const NameParams = Type.Object({ name: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,99}$' }) })

export async function scenarioRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/scenarios',
    { schema: { tags: ['scenarios'], summary: 'The preset scenarios' } },
    async () => ({
      scenarios: listPresets().map((name) => {
        const s = resolveScenario(loadPresetData(name))
        return { name, title: s.title ?? null, description: s.description ?? null, extends: s.lineage.at(-1) ?? null, years: s.years, trials: s.trials, programmes: s.programmes.map((p) => p.id), links: { self: `/scenarios/${name}` } }
      }),
    }),
  )

  app.get('/scenarios/schema.json', { schema: { tags: ['scenarios'], summary: 'The scenario JSON Schema (as scenarios/schema.json)' } }, async () =>
    scenarioJsonSchema(),
  )

  app.get<{ Params: { name: string } }>(
    '/scenarios/:name',
    {
      schema: {
        tags: ['scenarios'],
        summary: 'One preset: its document, its YAML, and what it resolves to',
        params: NameParams,
        response: { ...problems(400, 404) },
      },
    },
    async (request) => {
      const yaml = readPresetText(request.params.name)
      const document = parseScenarioText(yaml, `scenarios/${request.params.name}.yaml`)
      return { name: request.params.name, document, yaml, resolved: scenarioView(resolveScenario(document)) }
    },
  )

  app.post(
    '/scenarios/validate',
    {
      schema: {
        tags: ['scenarios'],
        summary: 'Check a scenario (JSON or YAML body) without running it',
        description: 'Answers 200 with what the scenario resolves to, or 422 with every offending field.',
        body: scenarioBodySchema(),
        response: { ...problems(400, 413, 415, 422) },
      },
      attachValidation: true,
    },
    async (request) => {
      if (request.validationError) {
        const issues = (request.validationError as unknown as { issues?: { path: string; message: string }[] }).issues ?? []
        // "invalid (0 problems)" is never an answer: a validator that failed without naming a problem is a bug
        if (issues.length === 0) throw request.validationError
        throw invalidScenario(issues)
      }
      return { valid: true, scenario: scenarioView(resolveScenario(request.body)) }
    },
  )
}
