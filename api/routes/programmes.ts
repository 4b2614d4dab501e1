// Why: planners must see which figures are policy (with the clause) and which are assumptions.
import type { FastifyInstance } from 'fastify'
import { loadCatalogue } from '../../engine/policy/loadCatalogue.js'

export async function programmeRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/programmes',
    {
      schema: {
        tags: ['policy'],
        summary: 'The seeded programmes with their rules and citations',
        description: 'Each parameter carries either `source` (document, clause, verbatim quote) or `assumption` (rationale, `informed_by` calibration facts).',
      },
    },
    async () => {
      const catalogue = loadCatalogue()
      return { documents: [...catalogue.documents.values()], programmes: [...catalogue.programmes.values()] }
    },
  )
}
