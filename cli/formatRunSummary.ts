// Why: after a run the planner wants the answer on screen: outlay by year and funding level with
// P50/P95/P99, the appropriation and the chance of overrunning it, then how each programme's caps
// and quotas bind.
import type { SummaryRow } from '../engine/summary/summarize.js'
import type { RunResult } from '../workers/pipeline/executeRun.js'
import { alignTable, millions, percent } from './formatMoney.js'

function find(rows: SummaryRow[], year: number | null, programme: string, level: string, measure: string): SummaryRow | undefined {
  return rows.find((r) => r.year === year && r.programme === programme && r.level === level && r.measure === measure)
}

/** The text printed by `budget-sim run`. */
export function formatRunSummary(run: RunResult, info: { threads: number }): string {
  const { summary, plan, spec: scenario } = run
  const seconds = run.timings.simulateMs / 1000
  const lines: string[] = []
  lines.push(
    `Scenario ${scenario.name} (hash ${run.metadata.scenario_hash.slice(0, 12)}), ${scenario.trials.toLocaleString('en-US')} trials, seed ${scenario.seed}, on_exhaustion ${scenario.on_exhaustion}`,
  )
  lines.push(
    `Simulated ${run.applications.toLocaleString('en-US')} applications in ${seconds.toFixed(2)} s on ${info.threads} thread(s) (${(
      run.applications /
      Math.max(seconds, 1e-9) /
      1e6
    ).toFixed(1)} M/s); summarised in ${(run.timings.summarizeMs / 1000).toFixed(2)} s`,
  )
  const years: (number | null)[] = [...plan.years, null]
  const levels = [...plan.levels, 'all']
  const measures = scenario.on_exhaustion === 'record' ? ['demand'] : ['demand', 'paid']
  for (const measure of measures) {
    lines.push('')
    lines.push(
      measure === 'demand'
        ? 'Outlay demanded by year and funding level (million CNY; ± is the Monte Carlo standard error of the mean)'
        : `Outlay paid under ${scenario.on_exhaustion} exhaustion (million CNY)`,
    )
    const table = [['Year', 'Level', 'Mean', '± s.e.', 'P50', 'P95', 'P99', 'Appropriation', 'P(over)', '95% CI']]
    for (const year of years)
      for (const level of levels) {
        const r = find(summary, year, 'all', level, measure)
        if (!r) continue
        table.push([
          year === null ? 'all' : String(year),
          level,
          millions(r.mean),
          millions(r.mean_se, 2),
          millions(r.p50),
          millions(r.p95),
          millions(r.p99),
          millions(r.appropriation),
          percent(r.p_exceed),
          r.p_exceed_lo === null ? '-' : `${percent(r.p_exceed_lo)}-${percent(r.p_exceed_hi)}`,
        ])
      }
    lines.push(alignTable(table, [false, false, true, true, true, true, true, true, true, true]))
  }
  if (scenario.on_exhaustion !== 'record') {
    const total = find(summary, null, 'all', 'all', 'shortfall')
    if (total) lines.push(`Expected shortfall over all years and levels: ${millions(total.mean)} million CNY (P95 ${millions(total.p95)})`)
  }

  lines.push('')
  lines.push('By programme, all years (means per trial; counts summed over years)')
  const table = [['Programme', 'Mean', 'P95', 'Applicants', 'Recipients', 'Capped', 'Cap saves', 'Quota-rejected']]
  for (const p of plan.programmes) {
    const m = (measure: string) => find(summary, null, p.id, 'all', measure)
    table.push([
      p.id,
      millions(m('demand')?.mean),
      millions(m('demand')?.p95),
      (m('applicants')?.mean ?? 0).toFixed(0),
      (m('recipients')?.mean ?? 0).toFixed(1),
      (m('capped')?.mean ?? 0).toFixed(2),
      millions(m('cap_saved')?.mean),
      (m('quota_rejected')?.mean ?? 0).toFixed(1),
    ])
  }
  lines.push(alignTable(table, [false, true, true, true, true, true, true, true]))
  return `${lines.join('\n')}\n`
}
