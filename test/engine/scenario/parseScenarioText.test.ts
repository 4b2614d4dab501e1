import { describe, expect, it } from 'vitest'
import { BudgetSimError } from '../../../engine/errors.js'
import { parseScenarioText } from '../../../engine/scenario/parseScenarioText.js'
import { yamlNestingBound } from '../../../engine/scenario/yamlNestingBound.js'
import { resolveScenario } from '../../../engine/scenario/resolveScenario.js'
import { tooDeep } from '../../../engine/validation/nestingDepth.js'

function parseError(text: string): { message: string; issues: { path: string; message: string }[] } {
  try {
    parseScenarioText(text)
  } catch (e) {
    expect(e).toBeInstanceOf(BudgetSimError)
    expect((e as BudgetSimError).code).toBe('SCENARIO_PARSE_ERROR')
    return e as BudgetSimError
  }
  throw new Error('expected a parse error')
}

const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]', 'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]', 'g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]'].join('\n')

describe('parseScenarioText refuses hostile YAML structure with a parse error naming the place', () => {
  it('an alias bomb (9^7 values from 250 bytes)', () => {
    expect(parseError(bomb).issues).toEqual([
      { path: 'line 1, column 1', message: 'aliases expand the document from 78 to 6053451 values; at most 100000 more than written are allowed (an alias bomb?)' },
    ])
  })

  it('an unresolved alias and a merge key to nothing', () => {
    expect(parseError('name: x\n<<: *nonexist\n').issues).toEqual([
      { path: 'line 2, column 1', message: 'merge keys (<<) are not supported in scenarios; write the keys out' },
      { path: 'line 2, column 5', message: 'alias *nonexist refers to no anchor &nonexist defined before it' },
    ])
  })

  it('a recursive alias, in block and flow style', () => {
    for (const [text, path] of [
      ['a: &a\n  b: *a\n', 'line 2, column 6'],
      ['a: &a [1, [*a]]\n', 'line 1, column 12'],
    ])
      expect(parseError(text).issues).toEqual([{ path, message: 'alias *a refers to a mapping or list that contains it (a recursive alias, which expands for ever)' }])
  })

  it('nesting deeper than 64 levels, as written or through an alias, fast even for a megabyte of brackets', () => {
    expect(parseError(`a: ${'['.repeat(100)}${']'.repeat(100)}`).issues[0]).toEqual({
      path: 'line 1, column 68',
      message: 'nests mappings and lists too deeply (a scenario needs about 10 levels; the limit is 64)',
    })
    expect(parseError(`${'- '.repeat(200)}x`).issues[0].message).toMatch(/too deeply/)
    const started = performance.now()
    expect(parseError('{"a":'.repeat(200_000) + '1' + '}'.repeat(200_000)).issues[0].path).toBe('line 1, column 321')
    expect(performance.now() - started).toBeLessThan(500)
    const viaAlias = `x: &x ${'['.repeat(40)}1${']'.repeat(40)}\ny: ${'['.repeat(30)}*x${']'.repeat(30)}\n`
    expect(parseError(viaAlias).issues[0].message).toMatch(/^nests mappings and lists more than 64 levels deep \(counting what aliases expand to/)
  })

  it('more than 100 anchors or aliases, and duplicate keys, reported in linear time', () => {
    const anchors = Array.from({ length: 150 }, (_, i) => `k${i}: &a${i} ${i}`).join('\n')
    expect(parseError(anchors).issues).toEqual([{ path: 'line 101, column 13', message: 'more than 100 anchors (&name); a scenario needs a few at most' }])
    expect(parseError('name: x\nname: y\n').issues).toEqual([{ path: 'line 2, column 1', message: 'duplicate key "name" (first at line 1, column 1)' }])
    const started = performance.now()
    const many = Array.from({ length: 60_000 }, (_, i) => `k${i}: ${i}`).join('\n')
    expect(Object.keys(parseScenarioText(many) as object)).toHaveLength(60_000)
    expect(performance.now() - started).toBeLessThan(5000)
  })

  it('reports at most 20 parse errors of a text that has one per character', () => {
    const { issues } = parseError(`a: ${'"'.repeat(20_000)}`)
    expect(issues).toHaveLength(21)
    expect(issues[20]).toEqual({ path: '(text)', message: expect.stringMatching(/^and \d+ more problems$/) })
  })

  it('still reads anchors and aliases a scenario may use', () => {
    expect(parseScenarioText('x: &v { lognormal: { median: 1, sigma: 1 } }\ny: *v\nname: ok\n')).toEqual({
      x: { lognormal: { median: 1, sigma: 1 } },
      y: { lognormal: { median: 1, sigma: 1 } },
      name: 'ok',
    })
  })
})

describe('yamlNestingBound', () => {
  it('counts flow brackets outside quotes and comments, and block indicators stacked on a line', () => {
    expect(yamlNestingBound('a: [[[1]]]', 2)).toEqual({ line: 1, column: 6, depth: 3 })
    expect(yamlNestingBound('a: "[[[[[" # [[[[[\nb: \'[[[[\'', 2)).toBeNull()
    expect(yamlNestingBound('- - - x', 2)).toEqual({ line: 1, column: 5, depth: 3 })
    expect(yamlNestingBound("title: it's [fine]", 2)).toBeNull()
  })
})

describe('validation of deeply nested data', () => {
  it('finds nesting past the limit without recursion, even 100,000 levels or a cycle', () => {
    expect(tooDeep({ a: [[1]] }, 2)).toEqual({ path: 'a[0]', depth: 3 })
    expect(tooDeep(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))?.depth).toBe(65)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(tooDeep(cyclic)?.depth).toBe(65)
  })

  it('answers a real problem for a scenario nested 3,000 deep, not "0 problems"', () => {
    let deep: unknown = 1
    for (let i = 0; i < 3000; i++) deep = { a: deep }
    try {
      resolveScenario({ name: 'x', years: [2015], trials: 1, seed: 1, description: deep, programmes: {} })
      throw new Error('expected an error')
    } catch (e) {
      // every problem at once: the nesting, and the empty programmes of what the schema accepted
      expect((e as BudgetSimError).issues).toEqual([
        { path: `description${'.a'.repeat(63)}`, message: 'is nested more than 64 levels deep (a scenario needs about 10), got at least 65 levels' },
        { path: 'programmes', message: 'must name at least one programme' },
      ])
      expect((e as BudgetSimError).message).toBe('The scenario is invalid (2 problems)')
    }
  })
})
