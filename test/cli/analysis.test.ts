// The decision-analysis commands: sensitivity, goal-seek, compare, and run --precision / --against,
// as a user meets them: the printed tables, --json, and exit codes (0 ok, 2 invalid input, 1 a goal
// not met in the interval).
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../engine/paths.js'

const bin = join(packageRoot, 'dist/cli/bin.js')
const dir = mkdtempSync(join(tmpdir(), 'budget-sim-cli-analysis-'))
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
const baseline = 'guangzhou-2015-2017-baseline'

describe('budget-sim sensitivity', () => {
  it('prints the tornado, largest swing first, with paired errors, the no-effect mark and the contribution to variance', () => {
    const r = cli('sensitivity', baseline, '--trials', '200', '--workers', '2', '--level', 'municipal', '--year', '2017', '--no-seeded-ranges',
      '--range', 'programmes.tech-transaction-subsidy.approval_rate=0.7,0.95',
      '--range', 'appropriations.municipal.2017=150000000,250000000',
      '--vectors', '8', '--trials-per-vector', '2')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Sensitivity of the mean of demand, municipal, 2017 \(million CNY\); scenario guangzhou-2015-2017-baseline, 200 trials, seed 20150827/)
    expect(r.stdout).toMatch(/Parameter\s+Origin\s+Low\s+High\s+At low\s+At high\s+Swing\s+± s\.e\./)
    expect(r.stdout).toMatch(/tech-transaction-subsidy\.approval_rate\s+assumption\s+0\.7\s+0\.95\s+[\d.]+\s+[\d.]+\s+\+[\d.]+\s+[\d.]+\s+█+/)
    // the appropriation does not move demand: a zero swing, marked
    expect(r.stdout).toMatch(/appropriations\.municipal\.2017\s+scenario\s+150,000,000\s+250,000,000\s+[\d.]+\s+[\d.]+\s+\+0\.00\*/)
    expect(r.stdout).toMatch(/\* the swing’s 95% interval contains zero/)
    expect(r.stdout).toMatch(/Contribution to variance \(all ranged parameters drawn together: Latin hypercube, 8 vectors x 2 trials/)
    expect(r.stdout.indexOf('approval_rate')).toBeLessThan(r.stdout.indexOf('appropriations.municipal.2017'))
  })

  it('prints the result as JSON with --json, and exits 2 naming the flag for a target that does not fit', () => {
    const r = cli('sensitivity', baseline, '--trials', '200', '--statistic', 'p_exceed', '--level', 'municipal', '--year', 'all',
      '--range', 'programmes.tech-transaction-subsidy.cap=3000000,8000000', '--no-contribution', '--no-seeded-ranges', '--json')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json).toMatchObject({ statistic: 'p_exceed', target: { level: 'municipal', year: 'all' }, contribution: null })
    expect(json.bars).toHaveLength(1)
    expect(json.bars.find((b: { parameter: string }) => b.parameter.endsWith('.cap'))).toMatchObject({ origin: 'policy', low: { input: 3000000 } })
    const level = cli('sensitivity', baseline, '--trials', '50', '--level', 'county', '--range', 'programmes.tech-transaction-subsidy.cap=1,2')
    expect(level.code).toBe(2)
    expect(level.stderr).toMatch(/--level: county is not a funding level of this run/)
    const none = cli('sensitivity', baseline, '--trials', '50', '--level', 'national', '--statistic', 'p_exceed', '--range', 'programmes.tech-transaction-subsidy.cap=1,2')
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/needs an appropriation/)
    expect(cli('sensitivity', baseline, '--range', 'nonsense').code).toBe(2)
  })
})

describe('budget-sim goal-seek', () => {
  it('prints the answer with its uncertainty and the points evaluated; a target out of reach exits 1, a malformed one 2', () => {
    const r = cli('goal-seek', baseline, '--trials', '200', '--parameter', 'programmes.tech-transaction-subsidy.cap', '--target', 'p_exceed<=0.1',
      '--level', 'municipal', '--year', '2017', '--interval', '1000000,5000000', '--replicates', '2')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Goal seek: programmes\.tech-transaction-subsidy\.cap so that p_exceed <= 0\.1 \(demand, municipal, 2017\)/)
    expect(r.stdout).toMatch(/Answer: [\d,]+ CNY \(sd [\d,]+ over 2 seeds; bracket [\d,]+\)/)
    expect(r.stdout).toMatch(/At the answer: p_exceed = [\d.]+% ± [\d.]+%/)
    expect(r.stdout).toMatch(/Now: 5,000,000 \(policy\)/)
    expect(r.stdout).toMatch(/Input\s+p_exceed\s+± s\.e\.\s+Met/)
    const quantile = cli('goal-seek', baseline, '--trials', '200', '--parameter', 'appropriations.municipal.2017', '--target', 'p_exceed<=0.05', '--json')
    expect(quantile.code).toBe(0)
    expect(JSON.parse(quantile.stdout)).toMatchObject({ method: 'quantile', answer: expect.any(Number), answer_se: expect.any(Number) })
    const notMet = cli('goal-seek', baseline, '--trials', '100', '--parameter', 'programmes.tech-transaction-subsidy.cap', '--target', 'mean<=1000',
      '--interval', '1000000,5000000', '--replicates', '1')
    expect(notMet.code).toBe(1)
    expect(notMet.stderr).toMatch(/^budget-sim: mean <= 1000 is met at neither end of the interval/)
    const malformed = cli('goal-seek', baseline, '--parameter', 'programmes.tech-transaction-subsidy.cap', '--target', 'p_exceed<5%')
    expect(malformed.code).toBe(2)
    expect(malformed.stderr).toMatch(/--target: "p_exceed<5%" is not a target/)
    expect(cli('goal-seek', baseline, '--target', 'mean<=1').stderr).toMatch(/--parameter is required/)
    expect(cli('goal-seek', baseline, '--parameter', 'programmes.nope.cap', '--target', 'mean<=1').stderr).toMatch(/--parameter: nope is not a programme/)
  })
})

describe('budget-sim compare and run --against', () => {
  it('print the budget-impact table by year and level, with the paired error and the overrun chance before and after', () => {
    const r = cli('compare', 'reform-cap-3m', baseline, '--trials', '200')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Budget impact of reform-cap-3m against guangzhou-2015-2017-baseline \(million CNY; 200 trials, seed 20150827, same draws/)
    expect(r.stdout).toMatch(/Year\s+Level\s+Before\s+After\s+Difference\s+± s\.e\.\s+P95 before\s+P95 after\s+Appropriation\s+P\(over\) before\s+P\(over\) after/)
    expect(r.stdout).toMatch(/all\s+municipal\s+[\d.]+\s+[\d.]+\s+-[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+570\.0\s+[\d.]+%\s+[\d.]+%/)
    expect(r.stdout).toMatch(/2015\s+national\s+[\d.]+\s+[\d.]+\s+\+0\.0\s+0\.00/)
    const json = JSON.parse(cli('compare', 'reform-cap-3m', baseline, '--trials', '100', '--json').stdout)
    expect(json.rows).toHaveLength(16)
    expect(cli('compare', 'reform-cap-3m').code).toBe(2)
    const against = cli('run', 'reform-cap-3m', '--trials', '200', '--against', baseline, '--quiet')
    expect(against.code).toBe(0)
    expect(against.stdout).toMatch(/Outlay demanded by year and funding level/)
    expect(against.stdout).toMatch(/Budget impact of reform-cap-3m against guangzhou-2015-2017-baseline \(million CNY; 200 trials/)
  })
})

describe('budget-sim run --precision', () => {
  it('says at how many trials each figure became precise enough, or that the maximum came first; a malformed target exits 2', () => {
    const met = cli('run', baseline, '--trials', '3000', '--precision', 'mean:all:all<=3e6', '--quiet')
    expect(met.code).toBe(0)
    expect(met.stdout).toMatch(/Scenario guangzhou-2015-2017-baseline .* 1,000 trials/)
    expect(met.stdout).toMatch(/Precision met at 1,000 trials \(of at most 3,000\); the results are those of a fixed run of 1,000 trials/)
    expect(met.stdout).toMatch(/mean:all:all<=3000000: standard error [\d,]+ at 1,000 trials\n/)
    const notMet = cli('run', baseline, '--trials', '1200', '--precision', 'p_exceed:municipal:2017<=0.0001', '--quiet')
    expect(notMet.code).toBe(0)
    expect(notMet.stdout).toMatch(/Precision NOT met: stopped at the maximum of 1,200 trials/)
    expect(notMet.stdout).toMatch(/checked at 1,000, 1,200 trials/)
    const bad = cli('run', baseline, '--precision', 'mean<=1')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--precision: "mean<=1" is not a precision target: write <statistic>:<level>:<year>/)
    const level = cli('run', baseline, '--precision', 'p_exceed:national:2017<=0.01')
    expect(level.code).toBe(2)
    expect(level.stderr).toMatch(/--precision p_exceed:national:2017<=0\.01/)
  })
})
