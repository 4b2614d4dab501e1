// A private copy of the policy seeds with ranges on two assumptions of the technology transaction
// subsidy, for tests of ranged parameters that must not depend on the ranges the project's seeds
// carry (another engineer's work). Load it with loadCatalogue(dir).
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseDocument } from 'yaml'
import { seedsDir } from '../../engine/paths.js'

export const SEEDED_RANGES = {
  median: { at: 'lognormal.median', low: 1_000_000, high: 2_500_000, rationale: 'test range: contract medians seen in other cities' },
  applicants: { at: 'poisson.mean', low: 450, high: 750, rationale: 'test range: the qualifying count is uncertain by a quarter' },
}

/** A seeds directory like the project's, with ranges on contract_value and applicants (and none elsewhere). */
export function rangedSeedsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'budget-sim-seeds-'))
  cpSync(seedsDir, dir, { recursive: true })
  // the project's seeds may carry ranges of their own: the tests control which exist
  for (const file of ['tech-transaction-subsidy', 'transfer-institution-grant', 'testing-certification-award', 'demonstration-enterprise-grant', 'torch-pilot-matching']) {
    const path = join(dir, `${file}.yaml`)
    const doc = parseDocument(readFileSync(path, 'utf8'))
    const parameters = doc.get('parameters') as any
    for (const item of parameters.items) item.value.delete?.('ranges')
    if (file === 'tech-transaction-subsidy') {
      doc.setIn(['parameters', 'contract_value', 'ranges'], [SEEDED_RANGES.median])
      doc.setIn(['parameters', 'applicants', 'ranges'], [SEEDED_RANGES.applicants])
    }
    writeFileSync(path, doc.toString())
  }
  return dir
}
