// Why: the page's decision analysis rests on pure functions: the numbers a planner may move, the
// values typed in their unit, the body of POST /analyses, where the server's problems go, and a goal
// seek's refusal in words. Pin them. (That the paths are the engine's and the bodies pass the
// server's schema is checked against the server's own code in test/web/analysis/.)
import { describe, expect, it } from 'vitest'
import type { Analysis, ResolvedScenario } from '../src/api/types'
import { analysisFieldFor, analysisRequest, type AnalysisFormValues } from '../src/analysis/analysisRequest'
import { goalSeekProblem } from '../src/analysis/goalSeekProblem'
import { currentText, parameterOptions, parseParameterInput, restateInUnit } from '../src/analysis/parameterPaths'
import type { Source } from '../src/scenario/request'
import resolvedJson from './fixtures/baseline-resolved.json'

const resolved = resolvedJson as unknown as ResolvedScenario
const BASELINE = 'guangzhou-2015-2017-baseline'
const titles = new Map(resolved.programmes.map((p) => [p.id, p.title]))
const preset: Source = { kind: 'preset', name: BASELINE, title: 'Baseline', resolved }

const tornado: AnalysisFormValues = {
  kind: 'sensitivity',
  statistic: 'mean',
  level: 'municipal',
  year: 2017,
  trials: 300,
  seededRanges: true,
  ranges: [{ path: 'appropriations.municipal.2017', low: 150_000_000, high: 250_000_000 }],
  contribution: { vectors: 8, trials_per_vector: 4 },
  parameter: 'programmes.tech-transaction-subsidy.cap',
  op: '<=',
  value: 0,
  interval: null,
  replicates: 5,
}
const goalSeek: AnalysisFormValues = { ...tornado, kind: 'goal_seek', statistic: 'p_exceed', value: 0.1, interval: [1_000_000, 5_000_000], replicates: 2 }

describe('the numbers a planner may move', () => {
  const options = parameterOptions(resolved)

  it('lists every number of each programme in words, then the appropriations of every level and year', () => {
    const cap = options.find((o) => o.path === 'programmes.tech-transaction-subsidy.cap')!
    expect(cap).toEqual({ path: 'programmes.tech-transaction-subsidy.cap', label: 'Technology transaction subsidy: cap', unit: 'CNY', value: 5_000_000, group: 'Technology transaction subsidy' })
    expect(options.find((o) => o.path === 'programmes.tech-transaction-subsidy.contract_value.lognormal.median')).toMatchObject({ label: 'Technology transaction subsidy: contract value (lognormal median)', unit: 'CNY' })
    expect(options.find((o) => o.path === 'programmes.tech-transaction-subsidy.approval_rate')).toMatchObject({ unit: 'share', value: 0.85 })
    const appropriations = options.filter((o) => o.group === 'Appropriations')
    expect(appropriations).toHaveLength(3 * resolved.years.length)
    expect(appropriations.find((o) => o.path === 'appropriations.municipal.2017')).toMatchObject({ label: 'Municipal appropriation 2017', value: 210_000_000 })
    expect(appropriations.find((o) => o.path === 'appropriations.national.2017')).toMatchObject({ value: null })
    // a list of years, a selection rule or a note is not a number to move
    expect(options.some((o) => /\.(years|selection|note)(\.|$)/.test(o.path))).toBe(false)
  })

  it('reads a low, a high or an interval as the planner types it in the parameter’s unit', () => {
    const cny = { unit: 'CNY', value: 5_000_000 }
    expect(parseParameterInput('300万', cny)).toEqual({ ok: true, value: 3_000_000 })
    expect(parseParameterInput('3,000,000', cny)).toEqual({ ok: true, value: 3_000_000 })
    expect(parseParameterInput('1.5亿', cny)).toEqual({ ok: true, value: 150_000_000 })
    expect(parseParameterInput('85%', { unit: 'share', value: 0.85 })).toEqual({ ok: true, value: 0.85 })
    expect(parseParameterInput('0.7', { unit: 'share', value: 0.85 })).toEqual({ ok: true, value: 0.7 })
    expect(parseParameterInput('10%', { unit: 'a year', value: 0.1 })).toEqual({ ok: true, value: 0.1 })
    expect(parseParameterInput('1,200', { unit: 'applicants a year', value: 600 })).toEqual({ ok: true, value: 1200 })
    expect(parseParameterInput('', cny)).toEqual({ ok: true, value: null })
    expect(parseParameterInput('3 million', cny)).toMatchObject({ ok: false, message: expect.stringMatching(/^enter an amount such as 300万/) })
    expect(parseParameterInput('lots', { unit: 'share', value: 0.85 })).toMatchObject({ ok: false, message: 'enter a share such as 0.85 or 85%, not "lots"' })
    expect(currentText({ unit: 'CNY', value: 5_000_000 })).toBe('now 500 万元')
    expect(currentText({ unit: 'share', value: 0.85 })).toBe('now 85%')
    expect(currentText({ unit: 'CNY', value: null })).toBe('none now')
  })

  it('says the server’s raw yuan in the parameter’s unit, and leaves the numbers of a path alone', () => {
    const appropriation = { unit: 'CNY', value: 210_000_000 }
    expect(restateInUnit('appropriations.municipal.2017 must stay between 0 and 1000000000000000, got -150000000 to 250000000.', appropriation)).toBe(
      'appropriations.municipal.2017 must stay between 0 and 10,000,000 亿元, got −1.5 亿元 to 2.5 亿元.',
    )
    expect(restateInUnit('must stay between 0 and 1, got 0.5 to 1.5', { unit: 'share', value: 0.85 })).toBe('must stay between 0 and 1, got 0.5 to 1.5')
  })
})

describe('the request for an analysis', () => {
  it('asks for a tornado of the preset in the editor, with its edits, the figure, the ranges and the design', () => {
    const body = analysisRequest(preset, { programmes: { 'tech-transaction-subsidy': { cap: 3_000_000 } } }, tornado)
    expect(body).toEqual({
      kind: 'sensitivity',
      preset: BASELINE,
      overrides: { programmes: { 'tech-transaction-subsidy': { cap: 3_000_000 } } },
      trials: 300,
      target: { measure: 'demand', level: 'municipal', year: 2017, statistic: 'mean' },
      ranges: [{ path: 'appropriations.municipal.2017', low: 150_000_000, high: 250_000_000 }],
      contribution: { vectors: 8, trials_per_vector: 4 },
    })
    // the requested ranges alone, without the contribution
    const alone = analysisRequest(preset, {}, { ...tornado, seededRanges: false, contribution: false })
    expect(alone).toMatchObject({ seeded_ranges: false, contribution: false })
  })

  it('asks for a goal seek with its condition, interval and seeds, and nothing of a tornado', () => {
    const body = analysisRequest(preset, {}, goalSeek)
    expect(body).toEqual({
      kind: 'goal_seek',
      preset: BASELINE,
      trials: 300,
      parameter: 'programmes.tech-transaction-subsidy.cap',
      target: { measure: 'demand', level: 'municipal', year: 2017, statistic: 'p_exceed', op: '<=', value: 0.1 },
      interval: [1_000_000, 5_000_000],
      replicates: 2,
    })
    // no interval: the server takes the parameter's range, else 0 to twice its value
    expect(analysisRequest(preset, {}, { ...goalSeek, interval: null })).not.toHaveProperty('interval')
  })

  it('sends a scenario of the planner’s own whole, as a run would', () => {
    const document = { name: 'mine', extends: BASELINE, programmes: { 'tech-transaction-subsidy': { cap: 4_000_000 } } }
    const body = analysisRequest({ kind: 'document', label: 'pasted scenario', document, resolved }, { trials: 50 }, tornado)
    expect(body).toMatchObject({ kind: 'sensitivity', scenario: { ...document, trials: 50 }, trials: 300 })
    expect(body).not.toHaveProperty('preset')
  })

  it('puts each problem of the server beside the field it names, and the rest nowhere', () => {
    expect(analysisFieldFor('ranges[1].low')).toBe('range-1-low')
    expect(analysisFieldFor('ranges[0].path')).toBe('range-0-path')
    expect(analysisFieldFor('ranges[2]')).toBe('range-2')
    expect(analysisFieldFor('target.level')).toBe('level')
    expect(analysisFieldFor('target.statistic')).toBe('statistic')
    expect(analysisFieldFor('target.value')).toBe('value')
    expect(analysisFieldFor('parameter')).toBe('parameter')
    expect(analysisFieldFor('interval')).toBe('interval-low')
    expect(analysisFieldFor('contribution.trials_per_vector')).toBe('tpv')
    expect(analysisFieldFor('seeded_ranges')).toBe('seeded')
    expect(analysisFieldFor('overrides.programmes.tech-transaction-subsidy.cap')).toBeNull()
    expect(analysisFieldFor('(body)')).toBeNull()
  })
})

describe('a goal seek that cannot answer', () => {
  const failed = (code: string, points: { input: number; value: number; se: number | null; met: boolean }[]): Pick<Analysis, 'status' | 'error' | 'request'> => ({
    status: 'failed',
    error: { code, message: 'raw', detail: { points } },
    request: { parameter: 'programmes.tech-transaction-subsidy.cap', target: { level: 'municipal', year: 2017, statistic: 'p_exceed', op: '<=', value: 0.05 } },
  })

  it('says, in the page’s units, that the target is met at neither end, and to widen the interval or relax it', () => {
    const p = goalSeekProblem(
      failed('GOAL_NOT_MET', [
        { input: 5_000_000, value: 0.156, se: 0.02, met: false },
        { input: 4_000_000, value: 0.12, se: 0.02, met: false },
      ]),
      titles,
    )!
    expect(p).toMatchObject({ code: 'GOAL_NOT_MET', statistic: 'p_exceed', unit: 'CNY', title: 'The target cannot be met between 400 万元 and 500 万元.' })
    expect(p.points.map((x) => x.input)).toEqual([4_000_000, 5_000_000])
    expect(p.text).toBe(
      'Neither end of the interval searched for Technology transaction subsidy: cap gives a chance of overrunning the appropriation of at most 5.0%: it is 12.0% at 400 万元 and 15.6% at 500 万元. Widen the interval, or relax the target.',
    )
  })

  it('says when the target is met over the whole interval, or the figure does not move one way', () => {
    const points = [
      { input: 1_000_000, value: 0.01, se: 0.01, met: true },
      { input: 2_000_000, value: 0.02, se: 0.01, met: true },
    ]
    expect(goalSeekProblem(failed('GOAL_NOT_BRACKETED', points), titles)).toMatchObject({ title: 'The target is met over the whole interval.', text: expect.stringMatching(/lies outside the interval\. Widen it\.$/) })
    expect(goalSeekProblem(failed('GOAL_NOT_MONOTONE', points), titles)).toMatchObject({
      title: 'The chance of overrunning the appropriation does not move one way as Technology transaction subsidy: cap changes.',
      text: expect.stringContaining('1.0% at 100 万元, 2.0% at 200 万元'),
    })
  })

  it('is no goal seek’s refusal when the analysis failed otherwise, or did not fail', () => {
    expect(goalSeekProblem({ ...failed('RUN_GIVEN_UP', []) }, titles)).toBeNull()
    expect(goalSeekProblem({ ...failed('GOAL_NOT_MET', []), status: 'done' }, titles)).toBeNull()
  })
})
