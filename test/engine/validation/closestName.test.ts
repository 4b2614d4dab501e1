import { describe, expect, it } from 'vitest'
import { closestName, editDistance } from '../../../engine/validation/closestName.js'

describe('closestName', () => {
  it('counts a swap of neighbours as one edit, like an insertion, a deletion or a substitution', () => {
    expect(editDistance('trails', 'trials')).toBe(1)
    expect(editDistance('seed', 'sed')).toBe(1)
    expect(editDistance('out', 'outt')).toBe(1)
    expect(editDistance('format', 'formet')).toBe(1)
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('', 'abc')).toBe(3)
  })

  it('finds the name meant by a typo, a change of case or a unique prefix, and nothing for a far-off word', () => {
    const flags = ['trials', 'seed', 'workers', 'out', 'format', 'quiet']
    expect(closestName('trails', flags)).toBe('trials')
    expect(closestName('Seed', flags)).toBe('seed')
    expect(closestName('quite', flags)).toBe('quiet')
    expect(closestName('work', flags)).toBe('workers')
    expect(closestName('colour', flags)).toBeUndefined()
    expect(closestName('o', flags)).toBeUndefined()
    expect(closestName('tech-transacton-subsidy', ['tech-transaction-subsidy', 'torch-pilot-matching'])).toBe('tech-transaction-subsidy')
  })
})
