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

  it('include the rules of 001, 002 and 004 whose figures are assumptions (issue 13)', () => {
    for (const id of [
      'guangzhou-innovation-voucher',
      'guangdong-innovation-voucher',
      'beijing-innovation-voucher',
      'incubator-risk-compensation',
      'guangzhou-rd-spending-post-subsidy',
      'guangzhou-rd-institution-post-subsidy',
      'guangdong-instrument-sharing-subsidy',
      'guangzhou-leading-talent',
      'guangzhou-industry-high-end-talent',
      'guangzhou-industry-shortage-talent',
    ])
      expect(catalogue.programmes.has(id), id).toBe(true)
    const node = (id: string, name: string) => (catalogue.programmes.get(id)!.parameters as any)[name]
    expect(node('guangzhou-leading-talent', 'quota')).toMatchObject({ value: { total: 500 }, source: [expect.objectContaining({ clause: '§四(六)23' })] })
    expect(node('guangzhou-industry-high-end-talent', 'quota')).toMatchObject({ value: { per_year: 1000 }, source: [expect.objectContaining({ clause: '§四(六)23' })] })
    expect(node('guangzhou-industry-shortage-talent', 'quota')).toMatchObject({ value: { per_year: 2000 }, source: [expect.objectContaining({ clause: '§四(六)23' })] })
    for (const id of ['guangzhou-innovation-voucher', 'guangdong-innovation-voucher', 'beijing-innovation-voucher'])
      expect(node(id, 'budget')).toMatchObject({ value: { rule: 'first_come' }, assumption: expect.any(String) })
    const fund = node('incubator-risk-compensation', 'portfolio')
    expect(Object.keys(fund.value)).toEqual(['angel_investments', 'first_loans'])
    expect(fund.informed_by.map((f: { clause: string }) => f.clause)).toEqual(expect.arrayContaining(['§四(二)8', '§(十七)']))
    expect(node('incubator-risk-compensation', 'budget')).toMatchObject({ value: { rule: 'pro_rata' } })
    expect(node('incubator-risk-compensation', 'funding').assumption).toMatch(/not in the corpus/)
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

  it('quote every cited clause and calibration fact verbatim from the named document: values, dated values, ranges, levels and rules not modelled', () => {
    const citations: { label: string; document: string; quote?: string }[] = []
    const add = (label: string, list: { document: string; quote?: string }[] | undefined) => list?.forEach((c, i) => citations.push({ label: `${label}[${i}]`, ...c }))
    for (const p of catalogue.programmes.values())
      for (const [name, node] of Object.entries(p.parameters)) {
        const at = `${p.id}.${name}`
        add(`${at}.source`, node!.source)
        add(`${at}.informed_by`, node!.informed_by)
        node!.values?.forEach((v, i) => {
          add(`${at}.values[${i}].source`, v.source)
          add(`${at}.values[${i}].informed_by`, v.informed_by)
        })
        node!.ranges?.forEach((r, i) => add(`${at}.ranges[${i}].informed_by`, r.informed_by))
      }
    catalogue.levels.levels.forEach((l) => add(`levels.yaml ${l.id}.source`, l.source))
    catalogue.notModelled.forEach((r) => add(`not-modelled.yaml ${r.id}.source`, r.source))
    let quotes = 0
    for (const c of citations) {
      expect(documentText.has(c.document), `${c.label} cites ${c.document}`).toBe(true)
      if (!c.quote) continue
      quotes++
      expect(documentText.get(c.document)!.includes(strip(c.quote)), `${c.label}: "${c.quote}" is not in ${c.document}`).toBe(true)
    }
    expect(quotes).toBeGreaterThan(150)
    for (const where of ['.values[', '.ranges[', 'levels.yaml', 'not-modelled.yaml'])
      expect(citations.some((c) => c.quote && c.label.includes(where)), `quotes in ${where}`).toBe(true)
  })

  it('list the rules that move money but are not fiscal outlay, each with its clause, quote and reason', () => {
    const ids = catalogue.notModelled.map((r) => r.id)
    expect(ids).toEqual(expect.arrayContaining(['inventor-share-guangzhou', 'researcher-reward-guangdong', 'transfer-service-team-reward', 'tax-deferral-equity-rewards']))
    for (const r of catalogue.notModelled) expect(r.source.every((c) => c.quote && c.clause), r.id).toBe(true)
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
