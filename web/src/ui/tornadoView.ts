// Why: the answer of a sensitivity analysis as the planner reads it: one sentence (the figure now,
// and what moves it most), the tornado chart, the table of every bar (the parameter's low and high,
// the figure at each, the swing with its paired standard error, an asterisk where its 95% interval
// contains zero), what was not varied and why, and the contribution to variance. Every number is the
// server's (GET /analyses/:id), written with the page's formatters; each cell carries its raw value.
import type { TornadoBar, TornadoResult } from '../api/types'
import { contributionChart, tornadoChart } from '../charts/tornadoChart'
import { chartFigure, COLOURS } from '../charts/frame'
import { figureText, formatParameterValue, formatStatistic, formatStatisticChange, parameterLabel } from '../format/analysis'
import { formatPercent } from '../format/odds'
import { h } from './dom'
import { table, td, withError } from './summaryTables'
import { term } from './terms'

const ORIGIN: Record<string, string> = { policy: 'Policy', assumption: 'Assumption', scenario: 'Scenario', default: 'Default' }
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

export function tornadoView(r: TornadoResult, titles: ReadonlyMap<string, string>): HTMLElement {
  const s = r.statistic
  const label = (b: Pick<TornadoBar, 'parameter' | 'years'>) => parameterLabel(b.parameter, titles, b.years)
  const figure = figureText(r.target)
  const top = r.bars[0]
  const se = (v: number | null) => (v === null ? '' : ` ± ${formatStatisticChange(s, v).replace(/^\+/, '')}`)
  const noise = r.bars.filter((b) => b.crosses_zero)
  const lead = h(
    'p',
    { class: 'analysis-lead', 'data-base': String(r.base.value), 'data-base-se': r.base.se === null ? '' : String(r.base.se) },
    `In the scenario as it is, the ${figure} is `,
    h('strong', { class: 'base-value' }, `${formatStatistic(s, r.base.value)}${se(r.base.se)}`),
    '.',
    top
      ? [
          ' ',
          h('strong', {}, label(top)),
          ` moves it most: ${formatStatistic(s, top.low.value)} at its low (${formatParameterValue(top.low.input, top.unit)}) and ${formatStatistic(s, top.high.value)} at its high (${formatParameterValue(top.high.input, top.unit)}), a swing of `,
          h('strong', {}, `${formatStatisticChange(s, top.swing)}${se(top.swing_se)}`),
          '.',
        ]
      : ' No parameter was varied.',
  )
  const rows = r.bars.map((b) => {
    const k = (c: string) => `tornado|${b.parameter}|${c}`
    return h(
      'tr',
      { 'data-parameter': b.parameter, class: b.crosses_zero ? 'noise' : '' },
      h('th', { scope: 'row' }, label(b), b.rationale ? h('span', { class: 'row-note' }, b.rationale) : null),
      h('td', { class: 'origin' }, `${ORIGIN[b.origin] ?? b.origin}${b.source === 'request' ? ', your range' : ''}`),
      td(b.low.input, formatParameterValue(b.low.input, b.unit), k('low_input')),
      td(b.high.input, formatParameterValue(b.high.input, b.unit), k('high_input')),
      td(b.low.value, formatStatistic(s, b.low.value), k('low')),
      td(b.high.value, formatStatistic(s, b.high.value), k('high')),
      withError(k('swing'), b.swing, `${formatStatisticChange(s, b.swing)}${b.crosses_zero ? ' *' : ''}`, k('swing_se'), b.swing_se, se(b.swing_se).trim()),
    )
  })
  const skipped = r.skipped ?? []
  const c = r.contribution
  return h(
    'div',
    { class: 'tornado-view' },
    lead,
    chartFigure({
      name: 'tornado',
      title: `What moves the ${figure}`,
      description: `Each bar runs from the figure in the scenario as it is (the line, ${formatStatistic(s, r.base.value)}) to the figure with one parameter at its low (light) and at its high (dark), everything else unchanged, on the same ${r.trials.toLocaleString('en-US')} trials; largest swing first. At the right: the swing (figure at high minus figure at low) ± its paired standard error.${noise.length > 0 ? ' Pale, dashed bars marked * cannot be told from Monte Carlo noise.' : ''}`,
      legend: [
        { label: 'Parameter at its low', colour: COLOURS.runLight },
        { label: 'at its high', colour: COLOURS.run },
        { label: 'The scenario as it is', colour: COLOURS.ink, shape: 'line' },
      ],
      draw: (w) =>
        tornadoChart({ statistic: s, base: r.base.value, bars: r.bars, label, inputText: (b, end) => formatParameterValue(b[end].input, b.unit) }, w, capital(figure)),
    }),
    table(
      `The ${figure} with each parameter at its low and at its high, largest swing first (± is the swing's paired Monte Carlo standard error${s === 'p_exceed' ? '; pp: percentage points' : ''})`,
      ['Parameter', 'Origin', 'Low', 'High', 'At low', 'At high', h('span', {}, term('swing', 'Swing'), ' ± ', term('standard-error', 's.e.'))],
      rows,
      'tornado',
    ),
    h(
      'p',
      { class: 'muted small' },
      'Every run uses the same random draws, so a swing is the parameter’s effect alone, with a paired standard error far smaller than two independent runs would give.',
      noise.length > 0 ? ` * ${noise.length === 1 ? 'This swing’s' : `These ${noise.length} swings’`} 95% interval (swing ± 1.96 s.e.) contains zero: not distinguishable from Monte Carlo noise.` : '',
    ),
    skipped.length > 0 ? h('p', { class: 'muted small skipped' }, 'Not varied: ', skipped.map((x) => `${parameterLabel(x.parameter, titles)} (${x.reason})`).join('; '), '.') : null,
    c
      ? h(
          'section',
          { class: 'contribution', 'aria-labelledby': 'contribution-h' },
          h('h3', { id: 'contribution-h' }, term('contribution', 'Contribution to variance')),
          h(
            'p',
            { class: 'muted small' },
            `All the ranged parameters drawn together (a Latin hypercube of ${c.vectors} vectors, each ${c.trials_per_vector} trials on the same draws); a parameter’s share is its squared rank correlation with the outlay of the figure’s group, the shares summing to 100%. It describes the outlay, whatever the statistic.`,
          ),
          chartFigure({
            name: 'contribution',
            title: 'Share of the variance of outlay',
            description: 'Each parameter’s share; ρ is its rank correlation with the outlay (negative: outlay falls as it rises, drawn brown).',
            draw: (w) => contributionChart(c.parameters.map((p) => ({ ...p, label: parameterLabel(p.parameter, titles, r.bars.find((b) => b.parameter === p.parameter)?.years) })), w),
          }),
          table(
            'Contribution to variance, largest share first',
            ['Parameter', 'Rank correlation', 'Share'],
            c.parameters.map((p) =>
              h(
                'tr',
                { 'data-parameter': p.parameter },
                h('th', { scope: 'row' }, parameterLabel(p.parameter, titles, r.bars.find((b) => b.parameter === p.parameter)?.years)),
                td(p.rank_correlation, `${p.rank_correlation >= 0 ? '+' : '\u2212'}${Math.abs(p.rank_correlation).toFixed(3)}`, `contribution|${p.parameter}|rank_correlation`),
                td(p.share, formatPercent(p.share), `contribution|${p.parameter}|share`),
              ),
            ),
            'contribution',
          ),
        )
      : null,
  )
}

