import { describe, expect, it } from 'vitest'
import { loadCatalogue, valueAtPath } from '../../../engine/policy/loadCatalogue.js'
import type { Range, ValueNode } from '../../../engine/policy/seedSchema.js'

const catalogue = loadCatalogue()

/**
 * Paths of the numbers inside a value ('' for a value that is itself a number). Lists are not
 * walked: a range's path names object keys only, so a list (the years of an assumed period) takes
 * no range; its alternatives are stated in the node's note.
 */
function numberPaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'number') return [prefix]
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return []
  return Object.entries(value).flatMap(([k, v]) => numberPaths(v, prefix ? `${prefix}.${k}` : k))
}

/** The assumed values of a parameter node: its value, or its dated values marked as assumptions. */
function assumedValues(node: ValueNode): unknown[] {
  if (node.values) return node.values.filter((v) => v.assumption !== undefined).map((v) => v.value)
  return node.assumption !== undefined ? [node.value] : []
}

/** Numbers of the assumed values that no range covers, as "path (value)". */
function uncovered(node: ValueNode): string[] {
  const covered = new Set((node.ranges ?? []).map((r) => r.at ?? ''))
  return assumedValues(node).flatMap((v) => numberPaths(v).filter((p) => !covered.has(p)).map((p) => `${p || '(the value)'} (${String(valueAtPath(v, p || undefined))})`))
}

/** Ranges that do not contain the assumed value they range over. */
function outside(node: ValueNode): string[] {
  return (node.ranges ?? []).flatMap((r: Range) =>
    r.low === undefined || r.high === undefined
      ? []
      : assumedValues(node).flatMap((v) => {
          const x = valueAtPath(v, r.at) as number
          return r.low! <= x && x <= r.high! ? [] : [`${r.at ?? '(the value)'}: ${x} is not in [${r.low}, ${r.high}]`]
        }),
  )
}

const parameters = () => [...catalogue.programmes.values()].flatMap((p) => Object.entries(p.parameters).map(([name, node]) => ({ label: `${p.id}.${name}`, node: node! })))

describe('the ranges of the assumptions', () => {
  it('cover every number of every assumed value (or dated value)', () => {
    const missing = parameters().flatMap(({ label, node }) => uncovered(node).map((u) => `${label}: ${u}`))
    expect(missing).toEqual([])
  })

  it('contain the value they range over (low <= value <= high)', () => {
    const wrong = parameters().flatMap(({ label, node }) => outside(node).map((o) => `${label}: ${o}`))
    expect(wrong).toEqual([])
  })

  it('are given for assumptions only: a policy value gets no range', () => {
    const policyOnly = parameters().filter(({ node }) => node.ranges && assumedValues(node).length === 0)
    expect(policyOnly.map((p) => p.label)).toEqual([])
  })

  it('each carry a one-line rationale', () => {
    for (const { label, node } of parameters()) for (const r of node.ranges ?? []) expect(r.rationale.includes('\n'), `${label}: ${r.rationale}`).toBe(false)
  })

  it('are many: every seed with an assumption has ranges', () => {
    const ranged = parameters().filter(({ node }) => node.ranges)
    expect(ranged.length).toBeGreaterThan(80)
  })

  it('cover the assumed dated values of the technology transaction subsidy from 2018, not the cited ones', () => {
    const rate = catalogue.programmes.get('tech-transaction-subsidy')!.parameters.rate!
    expect(rate.values!.map((v) => [v.from, v.until, v.source ? 'policy' : 'assumption'])).toEqual([
      [undefined, 2017, 'policy'],
      [2018, undefined, 'assumption'],
    ])
    expect(rate.ranges).toEqual([expect.objectContaining({ low: 0.03, high: 0.05 })])
  })
})

describe('the coverage check', () => {
  it('finds a number without a range, inside a distribution and in a dated value', () => {
    const node: ValueNode = {
      value: { poisson: { mean: 600 }, growth: 0.1 },
      assumption: 'a rationale of some length',
      ranges: [{ at: 'poisson.mean', low: 300, high: 1200, rationale: 'a rationale of some length' }],
    }
    expect(uncovered(node)).toEqual(['growth (0.1)'])
    const dated: ValueNode = {
      values: [
        { value: 0.05, until: 2017, source: [{ document: '000_7b587ff48353dfe3.txt', clause: '§四(一)2' }] },
        { value: 0.05, from: 2018, assumption: 'a rationale of some length' },
      ],
    }
    expect(uncovered(dated)).toEqual(['(the value) (0.05)'])
    expect(outside({ ...dated, ranges: [{ low: 0.01, high: 0.04, rationale: 'a rationale of some length' }] })).toEqual(['(the value): 0.05 is not in [0.01, 0.04]'])
  })
})
