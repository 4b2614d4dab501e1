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
  rate: { low: 0.03, high: 0.05, rationale: 'test range: the assumed rate from 2018' },
  tierShare: { at: 'national_recognition', low: 0.15, high: 0.5, rationale: 'test range: national recognitions are the rarer' },
  funding: { at: 'municipal', low: 0.8, high: 1, rationale: 'test range: part could come from elsewhere' },
}

/**
 * A seeds directory like the project's, with ranges on contract_value and applicants of the
 * technology transaction subsidy, its rate dated (policy until 2017, an assumption with a range
 * from 2018), a range on the testing award's national tier share, and one on the transfer grant's
 * single funding level (which no analysis can take); no other ranges in the five baseline programmes.
 */
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
      // the rate: policy until 2017, an assumption from 2018 with a range (as dated seeds have)
      doc.setIn(
        ['parameters', 'rate'],
        doc.createNode({
          values: [
            { value: 0.05, until: 2017, source: [{ document: '000_7b587ff48353dfe3.txt', clause: '§四(一)2', quote: '按照技术合同实际发生的技术交易额 5% 比例给予补助' }] },
            { value: 0.05, from: 2018, assumption: 'test: the plan is assumed to continue at 5% after 2017' },
          ],
          ranges: [SEEDED_RANGES.rate],
        }),
      )
    }
    if (file === 'testing-certification-award') doc.setIn(['parameters', 'tier_shares', 'ranges'], [SEEDED_RANGES.tierShare])
    if (file === 'transfer-institution-grant')
      // a single funding level with a range: no other level takes the rest, so an analysis sets it aside
      doc.setIn(['parameters', 'funding'], doc.createNode({ value: { municipal: 1.0 }, assumption: 'test: paid by the city alone', ranges: [SEEDED_RANGES.funding] }))
    writeFileSync(path, doc.toString())
  }
  return dir
}
