// Why: "P(over)", "TVaR 95%", "s.e." and "lognormal (median, sigma)" mean nothing to a first-time
// planner. Each such term on the page is a button that opens a short explanation beside it (a native
// popover: Enter or a click opens it, Escape or a click elsewhere closes it), and the Help section
// lists them all with an anchor each (#help-tvar) and points to the README's sections for more.
import { h } from './dom'

export type TermKey =
  | 'p-over'
  | 'expected-excess'
  | 'tvar'
  | 'standard-error'
  | 'percentiles'
  | 'appropriation'
  | 'trials'
  | 'paired-difference'
  | 'distribution'
  | 'swing'
  | 'contribution'
  | 'goal-seek'
  | 'precision'
  | 'budget-impact'

interface Term {
  /** the term as the Help section names it */
  name: string
  /** the explanation, in a sentence or three */
  text: string
  /** the README section that says more: its title and its anchor */
  readme?: [string, string]
}

const TERMS: Record<TermKey, Term> = {
  'p-over': {
    name: 'P(over), the chance of overrun',
    text: 'The share of trials (simulated years) in which the outlay the rules demand is larger than the appropriation. "About 1 in 7 years" says the same in words. The 95% interval (Wilson) shows how precisely the trials pin the chance down; more trials narrow it.',
    readme: ['Results', 'results'],
  },
  'expected-excess': {
    name: 'Expected excess',
    text: 'The average amount by which outlay exceeds the appropriation, counting the years without an overrun as zero: E[max(outlay − appropriation, 0)]. What the overruns cost, on average, per year.',
    readme: ['Results', 'results'],
  },
  tvar: {
    name: 'TVaR 95% (tail value at risk)',
    text: 'The average outlay in the worst 5% of trials (also called expected shortfall). Where P95 says where the bad years begin, TVaR says how bad they are on average. VaR 95% is the 95th percentile itself.',
    readme: ['Results', 'results'],
  },
  'standard-error': {
    name: 'Standard error (s.e., ±)',
    text: 'The Monte Carlo error of a figure: how much it would move if the simulation were run again with another seed. It shrinks with more trials (four times the trials halve it). It is not the spread of outlay: that is what the percentiles show.',
    readme: ['Results', 'results'],
  },
  percentiles: {
    name: 'P5, P50 (median), P95, P99: percentiles',
    text: 'The outlay that 5%, 50%, 95% or 99% of trials stay below. Nine trials in ten lie between P5 and P95; half lie below the median, P50.',
    readme: ['Results', 'results'],
  },
  appropriation: {
    name: 'Appropriation',
    text: 'The budget line a funding level (national, provincial, municipal) sets aside for these programmes in a year. Over several years or levels it is their sum, when each has one.',
    readme: ['How the engine works', 'how-the-engine-works'],
  },
  trials: {
    name: 'Trials',
    text: 'Simulated futures: in each trial the applicants, their contracts and approvals are drawn afresh and pushed through the rules. Percentages are shares of trials; more trials give more precise figures.',
    readme: ['How the engine works', 'how-the-engine-works'],
  },
  'paired-difference': {
    name: 'Paired difference (same random draws)',
    text: 'A reform run with its baseline’s trials and seed draws the same applicants and contracts, so the difference trial by trial is the reform’s effect alone, free of luck. Its standard error is far smaller than that of either run.',
    readme: ['How the engine works', 'how-the-engine-works'],
  },
  distribution: {
    name: 'Distribution parameters',
    text: 'How an uncertain figure is drawn. Poisson (mean): a count around its mean. Negative binomial (mean, size): a count more spread out than Poisson (smaller size, more spread). Lognormal (median, sigma): a positive amount with a long right tail; sigma 0.4 is a moderate spread, 1.3 a wide one. Gamma (shape, scale), Pareto (scale, alpha: a smaller alpha is a heavier tail), triangular (min, mode, max), uniform (min, max), empirical (values, weights), fixed (value).',
    readme: ['Distributions', 'distributions'],
  },
  swing: {
    name: 'Swing (tornado)',
    text: 'The figure with a parameter at its high minus the figure with it at its low, everything else unchanged and on the same random draws, so the difference is that parameter’s effect alone. Its standard error is paired (trial by trial); a swing whose 95% interval contains zero, marked *, cannot be told from Monte Carlo noise.',
    readme: ['Sensitivity: the tornado and the contribution to variance', 'sensitivity-the-tornado-and-the-contribution-to-variance'],
  },
  contribution: {
    name: 'Contribution to variance',
    text: 'All the ranged parameters drawn together (a Latin hypercube over their ranges): each one’s share is its squared rank correlation with the outlay, the shares summing to 100%. Where the tornado moves one parameter at a time, this says how much of the spread of outlay each explains when all are uncertain at once.',
    readme: ['Sensitivity: the tornado and the contribution to variance', 'sensitivity-the-tornado-and-the-contribution-to-variance'],
  },
  'goal-seek': {
    name: 'Goal seek',
    text: 'The value of one parameter (a cap, a rate, an appropriation) at which a target is just met, found by bisection on the same random draws. Its uncertainty is the spread of the answers found again on independent seeds; an appropriation for a confidence is a percentile of one run.',
    readme: ['Goal seek', 'goal-seek'],
  },
  precision: {
    name: 'Run until precise',
    text: 'Trials are added in steps (1,000, 1,400, 2,000, 2,800, … up to the maximum) until the standard error of the figure named is at most the ± asked for. The result is exactly that of a run of the trials it stopped at.',
    readme: ['Runs to a precision', 'runs-to-a-precision'],
  },
  'budget-impact': {
    name: 'Budget impact',
    text: 'A reform against its baseline on the same random draws, for each year and funding level: the mean outlay before and after, the difference with its paired standard error (trial by trial, so far smaller than two independent runs would give), P95 and the chance of overrunning the appropriation before and after.',
    readme: ['Budget impact', 'budget-impact'],
  },
}

/** Where the README is served with the page (copied into web/dist by the build). */
const README = 'README.md'

const popoverId = (key: TermKey) => `term-${key}`
const helpId = (key: TermKey) => `help-${key}`

/** Bring the Help entry of a term into view and focus it (without touching the address, which names the run). */
function showHelp(key?: TermKey): void {
  const target = document.getElementById(key ? helpId(key) : 'help')
  if (!target) return
  target.scrollIntoView({ block: 'start' })
  target.focus({ preventScroll: true })
}

let invoker: HTMLElement | null = null

/** Put an open popover next to the button that opened it, inside the viewport. */
function place(pop: HTMLElement): void {
  if (!invoker) return
  const r = invoker.getBoundingClientRect()
  const margin = 8
  const width = pop.offsetWidth
  const height = pop.offsetHeight
  const left = Math.max(margin, Math.min(r.left, window.innerWidth - width - margin))
  const below = r.bottom + 6
  const top = below + height + margin <= window.innerHeight ? below : Math.max(margin, r.top - height - 6)
  pop.style.left = `${left}px`
  pop.style.top = `${top}px`
}

/** The popover of a term, made once and shared by every button for it. */
function popover(key: TermKey): HTMLElement {
  const existing = document.getElementById(popoverId(key))
  if (existing) return existing
  const t = TERMS[key]
  const pop = h(
    'div',
    { id: popoverId(key), class: 'term-pop', popover: 'auto', role: 'note', 'data-term': key },
    h('p', { class: 'term-name' }, t.name),
    h('p', {}, t.text),
    h(
      'p',
      { class: 'term-more' },
      h('button', { type: 'button', class: 'link-button', onclick: () => (pop.hidePopover(), showHelp(key)) }, 'All the terms, in Help'),
      t.readme ? [' · ', h('a', { href: `${README}#${t.readme[1]}` }, `README: ${t.readme[0]}`)] : null,
    ),
  )
  pop.addEventListener('toggle', (e) => {
    if ((e as ToggleEvent).newState === 'open') place(pop)
  })
  document.body.append(pop)
  return pop
}

/** A term the page explains: a button showing `label` that opens its explanation. */
export function term(key: TermKey, label: string): HTMLElement {
  const pop = popover(key)
  const button = h('button', { type: 'button', class: 'term', 'data-term': key }, label)
  button.setAttribute('popovertarget', pop.id)
  button.addEventListener('click', () => {
    invoker = button
  })
  return button
}

/** The Help section: every term with its anchor, and the README's sections and the API reference. */
export function helpSection(container: HTMLElement): void {
  container.replaceChildren(
    h('h2', { id: 'help-h', tabindex: '-1' }, 'Help: the terms on this page'),
    h(
      'p',
      { class: 'muted' },
      'Underlined terms on the page open these explanations where they appear. More in the README (',
      h('a', { href: `${README}#the-web-page` }, 'The web page'),
      ', ',
      h('a', { href: `${README}#results` }, 'Results'),
      ', ',
      h('a', { href: `${README}#how-the-engine-works` }, 'How the engine works'),
      ', ',
      h('a', { href: `${README}#policy-seeds-where-every-number-comes-from` }, 'Policy seeds'),
      ', ',
      h('a', { href: `${README}#decision-analysis` }, 'Decision analysis'),
      ') and, for the API behind the page, in ',
      h('a', { href: '/docs' }, 'the API documentation'),
      '.',
    ),
    h(
      'dl',
      { class: 'help-terms' },
      (Object.keys(TERMS) as TermKey[]).flatMap((key) => [
        h('dt', { id: helpId(key), tabindex: '-1' }, TERMS[key].name),
        h('dd', {}, TERMS[key].text, TERMS[key].readme ? [' ', h('a', { href: `${README}#${TERMS[key].readme![1]}` }, `README: ${TERMS[key].readme![0]}`)] : null),
      ]),
    ),
  )
}
