// Why: the page's CNY and odds wording is a contract with its readers (and with the e2e test, which
// reads amounts back); pin the rule: 亿元 from 1e8, 万元 below, "about 1 in N years", and a removed
// quota or matching rule read as "no quota", "no matching".
import { describe, expect, it } from 'vitest'
import { axisLabel, formatCny, formatWan, parseCny, unitFor, UNIT_YI } from '../src/format/cny'
import { formatPercent, oddsInWords } from '../src/format/odds'
import { describeRule, describeValue } from '../src/format/parameters'

describe('formatCny', () => {
  it('writes 亿元 from 100 million and 万元 below', () => {
    expect(formatCny(732_287_171.9)).toBe('7.32 亿元')
    expect(formatCny(100_000_000)).toBe('1.00 亿元')
    expect(formatCny(99_990_000)).toBe('9,999 万元')
    expect(formatCny(5_000_000)).toBe('500 万元')
    expect(formatCny(541_111)).toBe('54.1 万元')
    expect(formatCny(35_000)).toBe('3.50 万元')
    expect(formatCny(0)).toBe('0 万元')
    expect(formatCny(null)).toBe('–')
  })
  it('signs differences with a true minus and an optional plus', () => {
    expect(formatCny(-2_370_000)).toBe('−237 万元')
    expect(formatCny(2_370_000, { signed: true })).toBe('+237 万元')
    expect(formatCny(-1.5e8)).toBe('−1.50 亿元')
  })
  it('reads back what it wrote', () => {
    for (const v of [732_287_171.9, 5_000_000, 541_111, -2_370_000, 35_000]) {
      const back = parseCny(formatCny(v))
      expect(Math.abs(back - v)).toBeLessThanOrEqual(Math.abs(v) * 0.005 + 50)
    }
    expect(parseCny('15,751.3')).toBeCloseTo(157_513_000)
    expect(parseCny('1.58', UNIT_YI)).toBe(158_000_000)
  })
  it('tables use 万元 with one decimal; charts name their unit', () => {
    expect(formatWan(157_513_300.5)).toBe('15,751.3')
    expect(unitFor(2e8).name).toBe('亿元')
    expect(unitFor(5e7).name).toBe('万元')
    expect(axisLabel('Outlay', unitFor(2e8))).toBe('Outlay (亿元; 亿元 = 100 million CNY)')
  })
})

describe('oddsInWords', () => {
  it('says 1 in N for one year', () => {
    expect(oddsInWords(0.146)).toBe('about 1 in 7 years')
    expect(oddsInWords(0.144)).toBe('about 1 in 7 years')
    expect(oddsInWords(0.328)).toBe('about 1 in 3 years')
    expect(oddsInWords(0.5)).toBe('about 1 in 2 years')
    expect(oddsInWords(0.0002)).toBe('about 1 in 5,000 years')
  })
  it('says N in 10 when overrun is the rule', () => {
    expect(oddsInWords(0.7)).toBe('about 7 years in 10')
    expect(oddsInWords(0.999)).toBe('almost every year')
  })
  it('speaks of periods over several years', () => {
    expect(oddsInWords(0.042, { years: 3 })).toBe('about 1 in 24 three-year periods')
  })
  it('is honest about zero and about no appropriation', () => {
    expect(oddsInWords(0, { trials: 500 })).toBe('not once in 500 simulated years')
    expect(oddsInWords(null)).toMatch(/no appropriation/)
  })
  it('formats percentages', () => {
    expect(formatPercent(0.1443)).toBe('14.4%')
    expect(formatPercent(0.004)).toBe('0.40%')
    expect(formatPercent(0)).toBe('0.0%')
  })
})

describe('rules in words', () => {
  it('says when a scenario removed a quota or a matching rule', () => {
    expect(describeValue('quota', null)).toBe('no quota')
    expect(describeValue('matching', null)).toBe('no matching')
    expect(describeValue('cap', null)).toBe('none')
    expect(describeRule(500_000, null)).toBe('cap 50 万元, no quota')
    // a programme that never had a quota says nothing of it
    expect(describeRule(5_000_000, undefined)).toBe('cap 500 万元')
    expect(describeRule(null, { total: 50, recurring: true })).toBe('50 places in all, recurring')
  })
})
