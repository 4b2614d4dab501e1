// Why: a planner types amounts the way the page shows them (1.7亿, 17,000万) or in yuan; pin every
// form the page accepts, that it never rounds a figure it writes back into an input, and that the
// server's raw-yuan limits are restated in the field's unit.
import { describe, expect, it } from 'vitest'
import { amountInputText, amountInWords, parseAmount, restateAmounts, toHalfWidth } from '../src/format/amount'
import { UNIT_WAN, UNIT_YI } from '../src/format/cny'
import { parseField } from '../src/scenario/overrides'

const value = (text: string) => {
  const parsed = parseAmount(text)
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.value
}

describe('parseAmount', () => {
  it('reads 亿 and 万, with or without 元 and spaces, and plain yuan', () => {
    for (const text of ['1.7亿', '17000万', '170,000,000', '1.7 亿元', '17,000 万元', '170000000', '170,000,000元', '1.7e8', ' 1.7亿 ']) expect(value(text), text).toBe(170_000_000)
    expect(value('300万')).toBe(3_000_000)
    expect(value('0.5万元')).toBe(5_000)
    expect(value('2万亿')).toBe(2e12)
    expect(value('0')).toBe(0)
    expect(value('')).toBeNull()
  })
  it('reads full-width digits, commas and points', () => {
    expect(toHalfWidth('１７，０００万')).toBe('17,000万')
    expect(value('１７，０００万')).toBe(170_000_000)
    expect(value('１．７亿元')).toBe(170_000_000)
  })
  it('is exact where multiplying would not be', () => {
    expect(value('0.1亿')).toBe(10_000_000)
    expect(value('1.15亿')).toBe(115_000_000)
    expect(value('10.78万')).toBe(107_800)
  })
  it('says what it expects, in the field’s unit, for what it cannot read', () => {
    const wan = parseAmount('a lot', UNIT_WAN)
    expect(wan).toEqual({ ok: false, message: 'enter an amount such as 300万, 300 万元 or 3,000,000 (CNY), not "a lot"' })
    const yi = parseAmount('1.7 billion', UNIT_YI)
    expect(yi.ok ? null : yi.message).toBe('enter an amount such as 1.7亿, 1.7 亿元 or 170,000,000 (CNY), not "1.7 billion"')
    // never the 0.85 of a share
    expect(yi.ok ? '' : yi.message).not.toContain('0.85')
    const comma = parseAmount('1,7亿')
    expect(comma.ok ? null : comma.message).toMatch(/^group thousands in threes/)
  })
})

describe('amounts written for inputs and messages', () => {
  it('writes an input’s amount in 万元 or 亿元, exactly', () => {
    expect(amountInputText(5_000_000)).toBe('500 万元')
    expect(amountInputText(170_000_000)).toBe('1.7 亿元')
    expect(amountInputText(50_000_000)).toBe('5,000 万元')
    expect(amountInputText(123_456_789)).toBe('123,456,789')
    expect(amountInputText(null)).toBe('')
    for (const v of [5_000_000, 170_000_000, 50_000_000, 123_456_789, 1_234_500]) expect(value(amountInputText(v))).toBe(v)
  })
  it('restates the server’s raw-yuan limits in the field’s unit', () => {
    expect(restateAmounts('must be between 0 and 1000000000000000, got 2000000000000000', UNIT_WAN)).toBe('must be between 0 and 100,000,000,000 万元, got 200,000,000,000 万元')
    expect(restateAmounts('must be between 0 and 1000000000000000, got -5', UNIT_YI)).toBe('must be between 0 and 10,000,000 亿元, got -5 元')
    expect(amountInWords(3_000_000, UNIT_WAN)).toBe('300 万元')
  })
})

describe('parseField', () => {
  it('reads shares and growth as 0.85 or 85%', () => {
    expect(parseField({ kind: 'share' }, '85%')).toEqual({ ok: true, value: 0.85 })
    expect(parseField({ kind: 'share' }, '0.85')).toEqual({ ok: true, value: 0.85 })
    expect(parseField({ kind: 'growth' }, '10.78%')).toEqual({ ok: true, value: 0.1078 })
    expect(parseField({ kind: 'share' }, 'high')).toEqual({ ok: false, message: 'enter a share such as 0.85 or 85%, not "high"' })
  })
  it('reads amounts as amounts and counts as counts', () => {
    expect(parseField({ kind: 'cny', unit: UNIT_WAN }, '300万')).toEqual({ ok: true, value: 3_000_000 })
    expect(parseField({ kind: 'count' }, '１，０００')).toEqual({ ok: true, value: 1000 })
    expect(parseField({ kind: 'trials' }, 'many')).toEqual({ ok: false, message: 'enter a number such as 10,000, not "many"' })
  })
})
