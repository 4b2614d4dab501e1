// Goal seek against a closed form: a single capped-lognormal programme (N applicants, one contract
// each, lognormal values, rate r, cap c) has E[outlay] = N E[min(r X, c)], the limited expected
// value of a lognormal, so the cap meeting a target mean is known; the answer must lie within its
// stated uncertainty. Then the coded refusals, and the appropriation as a quantile of one run.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { bisect, parseCondition } from '../../../engine/analysis/goalSeek.js'
import { defaultLimits } from '../../../engine/limits.js'
import { createRunSpec } from '../../../engine/run/RunSpec.js'
import { loadPresetData } from '../../../engine/scenario/presets.js'
import { resolveScenario } from '../../../engine/scenario/resolveScenario.js'
import { defineGoalSeek, runGoalSeek } from '../../../workers/analysis/goalSeek.js'
import { LocalExecutor } from '../../../workers/executor/LocalExecutor.js'
import { TaskPool } from '../../../workers/pipeline/TaskPool.js'
import { runLocally } from '../../../workers/runLocally.js'
import { normalCdf, Z_TOLERANCE } from '../../helpers/simulate.js'

const pool = new TaskPool({ threads: 2 })
afterAll(() => pool.destroy())
const context = () => ({ executor: new LocalExecutor(pool), pool, limits: defaultLimits, workDir: mkdtempSync(join(tmpdir(), 'budget-sim-goal-')), id: `g${Math.random()}` })

/** E[min(X, u)] for X = exp(m + s Z) */
function lognormalLimitedMean(m: number, s: number, u: number): number {
  return Math.exp(m + (s * s) / 2) * normalCdf((Math.log(u) - m - s * s) / s) + u * (1 - normalCdf((Math.log(u) - m) / s))
}

const N = 200
const MEDIAN = 2_000_000
const SIGMA = 1.2
const RATE = 0.05
const programme = (overrides: object = {}) => ({
  'tech-transaction-subsidy': {
    years: [2015],
    applicants: { fixed: { value: N } },
    contracts_per_applicant: { fixed: { value: 1 } },
    contract_value: { lognormal: { median: MEDIAN, sigma: SIGMA } },
    approval_rate: 1,
    rate: RATE,
    cap: 5_000_000,
    ...overrides,
  },
})
const single = (trials: number, overrides: object = {}) =>
  createRunSpec(resolveScenario({ name: 'capped-lognormal', years: [2015], trials, seed: 42, programmes: programme(overrides), appropriations: { municipal: { 2015: 60_000_000 } } }))

/** E[outlay] = N E[min(r X, c)], r X lognormal with median r x MEDIAN */
const expectedOutlay = (cap: number) => N * lognormalLimitedMean(Math.log(RATE * MEDIAN), SIGMA, cap)

describe('goal seek', () => {
  it('finds the cap at which the mean outlay meets a target, within its stated uncertainty (closed form: the limited expected value of a lognormal)', async () => {
    const answerCap = 300_000
    const target = expectedOutlay(answerCap)
    const definition = defineGoalSeek({
      spec: single(400),
      parameter: 'programmes.tech-transaction-subsidy.cap',
      condition: parseCondition(`mean<=${target}`),
      interval: [100_000, 2_000_000],
      replicates: 5,
    })
    const result = await runGoalSeek(definition, context())
    expect(result.method).toBe('bisection')
    expect(result.replicates).toHaveLength(5)
    expect(result.replicates.every((r) => r.answer !== null)).toBe(true)
    expect(result.answer_sd!).toBeGreaterThan(0)
    // bisection stops within its final bracket of the crossing on its seed; the seeds spread by answer_sd
    expect(result.resolution).toBeLessThan(result.answer_sd!)
    expect(Math.abs(result.answer - answerCap)).toBeLessThan(Z_TOLERANCE * result.answer_sd! + result.resolution)
    // the statistic at the answer meets the target, with its error
    expect(result.at_answer.value).toBeLessThanOrEqual(target)
    expect(result.at_answer.se!).toBeGreaterThan(0)
    expect(Math.abs(result.at_answer.value - target)).toBeLessThan(Z_TOLERANCE * result.at_answer.se!)
    // the points evaluated move one way (the outlay rises with the cap)
    const values = result.points.map((p) => p.value)
    expect([...values].sort((a, b) => a - b)).toEqual(values)
    expect(result.iterations).toBeGreaterThanOrEqual(9)
  })

  it('refuses with GOAL_NOT_MET when the target is met at neither end, and GOAL_NOT_BRACKETED when at both', async () => {
    const seek = (condition: string) =>
      runGoalSeek(defineGoalSeek({ spec: single(50), parameter: 'programmes.tech-transaction-subsidy.cap', condition: parseCondition(condition), interval: [100_000, 2_000_000], replicates: 1 }), context())
    const notMet = await seek('mean<=1000').catch((e) => e)
    expect(notMet.code).toBe('GOAL_NOT_MET')
    expect(notMet.message).toMatch(/met at neither end/)
    expect(notMet.detail.points).toHaveLength(2)
    expect((await seek('mean<=1e12').catch((e) => e)).code).toBe('GOAL_NOT_BRACKETED')
  })

  it('refuses with GOAL_NOT_MONOTONE when the evaluated points are not monotone (the capped mean against sigma at a fixed median rises, then falls)', async () => {
    // with the cap at 1.5 x the median entitlement, E[min(r X, c)] / (r x median) is 1.005 at
    // sigma 0.1, 1.025 at 0.3 and 1.018 at 0.5: the ends bracket 1.01, the middle lies above both
    const spec = single(1000, { cap: 1.5 * RATE * MEDIAN })
    const scale = N * RATE * MEDIAN
    const error = await runGoalSeek(
      defineGoalSeek({ spec, parameter: 'programmes.tech-transaction-subsidy.contract_value.lognormal.sigma', condition: parseCondition(`mean>=${1.01 * scale}`), interval: [0.1, 0.5], replicates: 1 }),
      context(),
    ).catch((e) => e)
    expect(error.code).toBe('GOAL_NOT_MONOTONE')
    expect(error.detail.points.map((p: { input: number }) => p.input)).toEqual([0.1, 0.3, 0.5])
  })

  it('checks every evaluated point, not only the new one against the ends (bisection on a synthetic statistic)', async () => {
    // increasing overall, but the third point lies below the second
    const f = (x: number) => (x === 0.75 ? 0.45 : x)
    const error = await bisect(async (x) => ({ value: f(x), se: 0 }), { low: 0, high: 1, integer: false, condition: parseCondition('mean>=0.8') }).catch((e) => e)
    expect(error.code).toBe('GOAL_NOT_MONOTONE')
    const ok = await bisect(async (x) => ({ value: x * x, se: 0 }), { low: 0, high: 1, integer: false, condition: parseCondition('mean>=0.25') })
    expect(ok.answer).toBeCloseTo(0.5, 2)
    expect(ok.answer).toBeGreaterThanOrEqual(0.5)
    const whole = await bisect(async (x) => ({ value: x, se: 0 }), { low: 0, high: 100, integer: true, condition: parseCondition('mean>=37') })
    expect(whole.answer).toBe(37)
  })

  it('answers the appropriation for a confidence as the quantile of that group’s outlay in one run, with its batch-means error', async () => {
    const spec = createRunSpec(resolveScenario(loadPresetData('guangzhou-2015-2017-baseline')), { trials: 400 })
    const result = await runGoalSeek(defineGoalSeek({ spec, parameter: 'appropriations.municipal.2017', condition: parseCondition('p_exceed<=0.05') }), context())
    const full = await runLocally(spec, { pool })
    const row = full.summary.find((r) => r.year === 2017 && r.programme === 'all' && r.level === 'municipal' && r.measure === 'demand')!
    expect(result).toMatchObject({ method: 'quantile', target: { level: 'municipal', year: 2017, statistic: 'p_exceed' }, current: 210_000_000, unit: 'CNY' })
    expect(result.answer).toBe(row.p95)
    expect(result.answer_se).toBe(row.var95_se)
    expect(result.at_answer.value).toBeLessThanOrEqual(0.05)
  })

  it('refuses requests that do not fit: a path not in the run, an appropriation sought for a mean, a missing interval', () => {
    const spec = single(20)
    const define = (parameter: string, condition = 'mean<=1e6', interval?: [number, number]) => () => defineGoalSeek({ spec, parameter, condition: parseCondition(condition), interval })
    expect(define('programmes.tech-transaction-subsidy.nope')).toThrow(expect.objectContaining({ code: 'ANALYSIS_INVALID', issues: [expect.objectContaining({ path: 'parameter' })] }))
    expect(define('appropriations.municipal.2015', 'mean<=1e6')).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'target' })] }))
    expect(define('programmes.tech-transaction-subsidy.cap', 'mean<=1e6', [5, 1])).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'interval' })] }))
    expect(define('programmes.tech-transaction-subsidy.amount')).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'interval' })] }))
    expect(() => parseCondition('p_exceed<0.05')).toThrow(/not a target/)
    expect(() => parseCondition('p_exceed<=5')).toThrow(/between 0 and 1/)
    // the default interval: [0, 2 x the value], a share at most 1
    expect(defineGoalSeek({ spec, parameter: 'programmes.tech-transaction-subsidy.cap', condition: parseCondition('mean<=1e6') })).toMatchObject({ interval: [0, 10_000_000], interval_source: 'rule' })
    expect(defineGoalSeek({ spec, parameter: 'programmes.tech-transaction-subsidy.rate', condition: parseCondition('mean<=1e6') })).toMatchObject({ interval: [0, 0.1], interval_source: 'rule' })
    expect(defineGoalSeek({ spec, parameter: 'programmes.tech-transaction-subsidy.approval_rate', condition: parseCondition('mean<=1e6') })).toMatchObject({ interval: [0, 1] })
  })
})
