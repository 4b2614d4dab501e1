import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { checkSeed, loadCatalogue, SeedIndexFiles } from '../../../engine/policy/loadCatalogue.js'
import { documentsDir, seedsDir } from '../../../engine/paths.js'

const catalogue = loadCatalogue()
const strip = (s: string) => s.replace(/\s+/g, '')
const documentText = new Map(readdirSync(documentsDir).map((f) => [f, strip(readFileSync(join(documentsDir, f), 'utf8'))]))

describe('the policy seeds', () => {
  it('include every programme of the explicit-amounts table', () => {
    for (const id of [
      'tech-transaction-subsidy',
      'transfer-institution-grant',
      'testing-certification-award',
      'demonstration-enterprise-grant',
      'torch-pilot-matching',
    ])
      expect(catalogue.programmes.has(id), id).toBe(true)
  })

  it('mark every value with a reference (document and clause) or as an assumption with a rationale', () => {
    for (const p of catalogue.programmes.values()) {
      expect(Object.keys(p.parameters).length).toBeGreaterThan(0)
      for (const [name, node] of Object.entries(p.parameters))
        for (const [i, v] of (node!.values ?? [node!]).entries()) {
          const label = `${p.id}.${name}${node!.values ? `.values[${i}]` : ''}`
          const cited = (v.source ?? []).every((s) => s.document.length > 0 && s.clause.length > 0) && (v.source?.length ?? 0) > 0
          const assumed = typeof v.assumption === 'string' && v.assumption.length >= 10
          expect(cited !== assumed, `${label} must be either cited or an assumption`).toBe(true)
        }
    }
  })

  it('quote every cited clause and calibration fact verbatim from the named document', () => {
    let quotes = 0
    for (const p of catalogue.programmes.values())
      for (const [name, node] of Object.entries(p.parameters))
        for (const c of [...(node!.source ?? []), ...(node!.informed_by ?? [])]) {
          expect(documentText.has(c.document), `${p.id}.${name} cites ${c.document}`).toBe(true)
          if (!c.quote) continue
          quotes++
          expect(documentText.get(c.document)!.includes(strip(c.quote)), `${p.id}.${name}: "${c.quote}" is not in ${c.document}`).toBe(true)
        }
    expect(quotes).toBeGreaterThan(30)
  })

  it('encode the explicit amounts of the policy table', () => {
    const value = (id: string, name: string) => (catalogue.programmes.get(id)!.parameters as any)[name].value
    const dated = (id: string, name: string) => (catalogue.programmes.get(id)!.parameters as any)[name].values[0]
    expect(dated('tech-transaction-subsidy', 'rate')).toMatchObject({ value: 0.05, until: 2017, source: [expect.objectContaining({ clause: '§四(一)2' }), expect.anything()] })
    expect(dated('tech-transaction-subsidy', 'cap')).toMatchObject({ value: 5_000_000, until: 2017, source: [expect.objectContaining({ clause: '§四(一)2' }), expect.anything()] })
    expect(value('transfer-institution-grant', 'amount')).toBe(1_000_000)
    expect(value('transfer-institution-grant', 'quota')).toEqual({ per_year: 10 })
    expect(value('testing-certification-award', 'tier_amounts')).toEqual({ national_recognition: 2_000_000, provincial_recognition: 1_000_000 })
    expect(value('demonstration-enterprise-grant', 'quota')).toEqual({ total: 50, recurring: true })
    expect(value('demonstration-enterprise-grant', 'cap')).toBe(500_000)
    expect(value('torch-pilot-matching', 'matching')).toEqual({ provincial: { of: 'national', ratio: 2 } })
  })

  it('cite the 2014 turnover calibration fact where it informs the applicant assumption', () => {
    const facts = catalogue.programmes.get('tech-transaction-subsidy')!.parameters.applicants!.informed_by!
    expect(facts.some((f) => f.fact.includes('246.87') && f.fact.includes('10.78%'))).toBe(true)
  })

  it('all load without error from seeds/', () => {
    const files = readdirSync(seedsDir).filter((f) => f.endsWith('.yaml') && !SeedIndexFiles.has(f))
    expect(catalogue.programmes.size).toBe(files.length)
  })
})

describe('checkSeed', () => {
  const doc = () => parse(readFileSync(join(seedsDir, 'tech-transaction-subsidy.yaml'), 'utf8'))

  it('rejects a value with neither a reference nor an assumption mark', () => {
    const seed = doc()
    delete seed.parameters.rate.values[0].source
    expect(checkSeed(seed, 'x.yaml', catalogue.documents)).toEqual([
      { path: 'x.yaml.parameters.rate.values[0]', message: 'has neither a source (document and clause) nor an assumption mark' },
    ])
  })

  it('rejects a value that is both cited and assumed', () => {
    const seed = doc()
    seed.parameters.rate.values[0].assumption = 'a rationale of some length'
    expect(checkSeed(seed, 'x.yaml', catalogue.documents)[0].message).toMatch(/both a source and an assumption/)
  })

  it('rejects a citation without a clause and a document not in the index', () => {
    const seed = doc()
    delete seed.parameters.cap.values[0].source[0].clause
    seed.parameters.funding.source[0].document = '009_0000000000000000.txt'
    const issues = checkSeed(seed, 'x.yaml', catalogue.documents)
    expect(issues).toContainEqual({ path: 'x.yaml.parameters.cap.values[0].source[0].clause', message: 'is required' })
  })

  it('rejects an invalid parameter value with its path', () => {
    const seed = doc()
    seed.parameters.rate.values[1].value = 1.4
    expect(checkSeed(seed, 'x.yaml', catalogue.documents)).toEqual([
      { path: 'x.yaml.parameters.rate.values[1].value', message: 'must be between 0 and 1, got 1.4' },
    ])
  })
})
