// Why: the answer of a goal seek as the planner reads it: the value that just meets the target, how
// uncertain it is (the spread of the answers on independent seeds, or a quantile's standard error),
// the statistic there, the value now, and how it was found (the interval, the points evaluated, drawn
// and listed). A goal seek that cannot answer says why in words (analysis/goalSeekProblem.ts), with
// the points it evaluated. Every number is the server's, each cell keyed with its raw value.
import type { GoalSeekPoint, GoalSeekResult, Statistic } from '../api/types'
import type { GoalSeekProblem } from '../analysis/goalSeekProblem'
import { goalSeekChart } from '../charts/goalSeekChart'
import { chartFigure, COLOURS } from '../charts/frame'
import { figureText, formatParameterValue, formatStatistic, formatStatisticChange, parameterLabel, STATISTIC_NAMES } from '../format/analysis'
import { formatPercent } from '../format/odds'
import { h } from './dom'
import { table, td, withError } from './summaryTables'
import { term } from './terms'

const OP_WORDS: Record<string, string> = { '<=': 'at most', '>=': 'at least' }
const SOURCE: Record<string, string> = { request: 'as asked', range: 'the parameter’s range', rule: 'from 0 to twice its value, by default' }
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
const seText = (statistic: Statistic, se: number | null) => (se === null ? '' : `± ${formatStatisticChange(statistic, se).replace(/^\+/, '')}`)

/** The points evaluated: the parameter's value, the statistic there ± its error, and whether it meets the target. */
function pointsTable(points: GoalSeekPoint[], statistic: Statistic, unit: string, name: string): HTMLElement {
  const sorted = [...points].sort((a, b) => a.input - b.input)
  return table(
    `The values of ${name.toLowerCase()} evaluated on the scenario’s own draws, and the ${STATISTIC_NAMES[statistic]} at each`,
    [name, h('span', {}, capital(STATISTIC_NAMES[statistic]), ' ± ', term('standard-error', 's.e.')), 'Meets the target'],
    sorted.map((p) =>
      h(
        'tr',
        { 'data-input': String(p.input) },
        td(p.input, formatParameterValue(p.input, unit), `point|${p.input}|input`),
        withError(`point|${p.input}|value`, p.value, formatStatistic(statistic, p.value), `point|${p.input}|se`, p.se, seText(statistic, p.se)),
        h('td', { 'data-key': `point|${p.input}|met`, 'data-value': String(p.met) }, p.met ? 'yes' : 'no'),
      ),
    ),
    'goal-seek-points',
  )
}

export function goalSeekView(r: GoalSeekResult, titles: ReadonlyMap<string, string>): HTMLElement {
  const s = r.condition.statistic
  const name = parameterLabel(r.parameter, titles)
  const v = (x: number | null) => formatParameterValue(x, r.unit)
  const uncertainty =
    r.answer_sd !== null
      ? { value: r.answer_sd, text: `± ${v(r.answer_sd)}`, how: `the spread (standard deviation) of the answers on ${r.replicates.filter((x) => x.answer !== null).length} independent seeds` }
      : r.answer_se !== null
        ? { value: r.answer_se, text: `± ${v(r.answer_se)}`, how: 'the standard error of the quantile (batch means)' }
        : { value: null, text: 'not estimated', how: 'one seed only' }
  const target = `the ${STATISTIC_NAMES[s]} is ${OP_WORDS[r.condition.op]} ${formatStatistic(s, r.condition.value)}`
  const fact = (key: string, label: string | Node, value: number | null, ...content: (string | Node)[]) =>
    h('div', { class: 'kpi' }, h('dt', {}, label), h('dd', { 'data-key': `goal|${key}`, 'data-value': value === null ? '' : String(value) }, ...content))
  return h(
    'div',
    { class: 'goal-view' },
    h(
      'p',
      { class: 'analysis-lead', 'data-answer': String(r.answer) },
      `${name}: `,
      h('strong', { class: 'goal-answer' }, v(r.answer)),
      ` (${uncertainty.text}) is where ${target} for the ${figureText(r.target).replace(/^[^,]*, /, '')}; there it is ${formatStatistic(s, r.at_answer.value)}${r.at_answer.se === null ? '' : ` ${seText(s, r.at_answer.se)}`}. Now: ${v(r.current)}.`,
    ),
    h(
      'dl',
      { class: 'kpis goal-facts' },
      fact('answer', 'Answer', r.answer, h('span', { class: 'kpi-value' }, v(r.answer)), r.unit === 'CNY' ? h('span', { class: 'kpi-extra' }, ` ${Math.round(r.answer).toLocaleString('en-US')} CNY`) : ''),
      fact('uncertainty', 'Uncertainty', uncertainty.value, h('span', { class: 'kpi-value' }, uncertainty.text), h('span', { class: 'kpi-extra' }, ` ${uncertainty.how}`)),
      fact('at_answer', `${capital(STATISTIC_NAMES[s])} there`, r.at_answer.value, h('span', { class: 'kpi-value' }, formatStatistic(s, r.at_answer.value)), r.at_answer.se === null ? '' : h('span', { class: 'kpi-extra' }, ` ${seText(s, r.at_answer.se)}`)),
      fact('current', 'In the scenario now', r.current, h('span', { class: 'kpi-value' }, v(r.current)), h('span', { class: 'kpi-extra' }, ` ${r.origin}`)),
    ),
    h(
      'p',
      { class: 'muted small' },
      r.method === 'quantile'
        ? `An appropriation for a confidence needs no search: it is the ${formatPercent(1 - r.condition.value)} percentile of the group’s outlay in one run of ${r.trials.toLocaleString('en-US')} trials.`
        : `Found by bisection over ${v(r.interval?.[0] ?? null)} to ${v(r.interval?.[1] ?? null)} (${SOURCE[r.interval_source ?? ''] ?? r.interval_source}) on the same ${r.trials.toLocaleString('en-US')} trials: ${r.iterations} halvings, a final bracket ${v(r.resolution)} wide.`,
    ),
    r.method === 'bisection' && r.points.length >= 2
      ? chartFigure({
          name: 'goal-seek',
          title: `${capital(STATISTIC_NAMES[s])} against ${name.toLowerCase()}`,
          description: `Each point is a run on the same draws; filled points meet the target (${OP_WORDS[r.condition.op]} ${formatStatistic(s, r.condition.value)}, the dashed line); the dotted line is the answer.`,
          legend: [
            { label: 'Meets the target', colour: COLOURS.run, shape: 'dot' },
            { label: 'Target', colour: COLOURS.appropriation, shape: 'dash' },
            { label: 'Answer', colour: COLOURS.ink, shape: 'dash' },
          ],
          draw: (w) => goalSeekChart({ points: r.points, statistic: s, threshold: r.condition.value, answer: r.answer, unit: r.unit, parameter: name, statisticTitle: capital(STATISTIC_NAMES[s]) }, w),
        })
      : null,
    r.points.length > 0 ? pointsTable(r.points, s, r.unit, name) : null,
    r.replicates.length > 1
      ? table(
          'The answer on independent seeds (the first is the scenario’s own): their spread is its uncertainty',
          ['Seed', 'Answer', 'Failed'],
          r.replicates.map((x, i) => h('tr', {}, h('td', {}, h('code', {}, x.seed)), td(x.answer, v(x.answer), `replicate|${i}|answer`), h('td', {}, x.error ? `${x.error.code}: ${x.error.message}` : ''))),
          'goal-seek-replicates',
        )
      : null,
  )
}

/** A goal seek that could not answer: what happened in words, what to do, and the points it evaluated. */
export function goalSeekFailureView(p: GoalSeekProblem, name: string): HTMLElement {
  return h(
    'div',
    { class: 'goal-view goal-failed', 'data-code': p.code },
    h('p', { class: 'problem-title analysis-lead' }, h('strong', {}, p.title)),
    h('p', { class: 'goal-advice' }, p.text),
    p.points.length > 0 ? pointsTable(p.points, p.statistic, p.unit, name) : null,
    h('p', { class: 'problem-code muted small' }, `Code ${p.code}`),
  )
}
