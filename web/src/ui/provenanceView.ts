// Why: a planner must know which figures are policy (and which clause of which document says so) and
// which are assumptions (and why they were made). Badges in the form, and the full list for a run.
import type { Citation, PolicyDocument, Provenance, ResolvedScenario } from '../api/types'
import { describeValue, parameterName } from '../format/parameters'
import { h } from './dom'
import { term } from './terms'

/** Parameters whose value is a distribution (drawn afresh in every trial). */
const DISTRIBUTED = ['applicants', 'contracts_per_applicant', 'contract_value', 'basis']

const ORIGIN_LABEL: Record<Provenance['origin'], string> = {
  policy: 'Policy',
  assumption: 'Assumption',
  scenario: 'Scenario',
  default: 'Default',
}

/** "000 §四(一)2" from a citation. */
export function clauseRef(c: Citation): string {
  return `${c.document.slice(0, 3)} ${c.clause}`
}

export function originBadge(p: Provenance | undefined, edited = false): HTMLElement {
  if (edited) return h('span', { class: 'badge badge-edited' }, 'Edited')
  if (!p) return h('span', { class: 'badge badge-default' }, 'Default')
  return h('span', { class: `badge badge-${p.origin}` }, ORIGIN_LABEL[p.origin])
}

/** One line for the form: "Policy · 000 §四(一)2" or "Assumption". */
export function provenanceLine(p: Provenance | undefined, edited: boolean): HTMLElement {
  const ref = !edited && p?.origin === 'policy' && p.source?.length ? p.source.map(clauseRef).join('; ') : ''
  const why = !edited && p?.origin === 'assumption' ? p.assumption ?? '' : !edited && p?.origin === 'scenario' ? p.note ?? '' : ''
  return h('span', { class: 'prov-line' }, originBadge(p, edited), ref ? h('span', { class: 'prov-ref' }, ref) : null, why ? h('span', { class: 'prov-why' }, why) : null)
}

function citation(c: Citation, documents: Map<string, PolicyDocument>): HTMLElement {
  const doc = documents.get(c.document)
  return h(
    'li',
    {},
    h('span', { class: 'clause' }, clauseRef(c)),
    doc ? h('span', { class: 'doc-title', lang: 'zh' }, ` ${doc.title_zh ?? doc.title}`) : null,
    c.quote ? h('q', { lang: 'zh', class: 'quote' }, c.quote) : null,
    c.fact ? h('span', { class: 'fact' }, ` ${c.fact}`) : null,
    c.note ? h('span', { class: 'fact' }, ` (${c.note})`) : null,
  )
}

function source(p: Provenance, documents: Map<string, PolicyDocument>): HTMLElement {
  switch (p.origin) {
    case 'policy':
      return h('div', {}, h('ul', { class: 'citations' }, (p.source ?? []).map((c) => citation(c, documents))))
    case 'assumption':
      return h(
        'div',
        {},
        h('p', { class: 'assumption' }, p.assumption ?? ''),
        p.informed_by?.length ? h('p', { class: 'informed' }, 'Informed by:') : null,
        p.informed_by?.length ? h('ul', { class: 'citations' }, p.informed_by.map((c) => citation(c, documents))) : null,
      )
    case 'scenario':
      return h('p', {}, `Set by the scenario ${p.scenario ?? ''}${p.note ? `: ${p.note}` : ''}`)
    default:
      return h('p', { class: 'muted' }, p.note ?? 'engine default')
  }
}

/** The run's parameters, programme by programme, each with its origin and citation. */
export function provenanceSection(scenario: ResolvedScenario, documents: PolicyDocument[]): HTMLElement {
  const docs = new Map(documents.map((d) => [d.file, d]))
  const counts = { policy: 0, assumption: 0, scenario: 0, default: 0 }
  for (const p of scenario.programmes) for (const v of Object.values(p.provenance)) counts[v.origin]++
  return h(
    'section',
    { class: 'card provenance', id: 'provenance', 'aria-labelledby': 'provenance-h' },
    h('h2', { id: 'provenance-h' }, 'Where the figures come from'),
    h(
      'p',
      { class: 'muted' },
      `Of the programmes' ${counts.policy + counts.assumption + counts.scenario + counts.default} figures: ${counts.policy} fixed by policy documents (clause cited), ${counts.assumption} assumptions (with the reason), ${counts.scenario} set by this scenario, ${counts.default} engine defaults. The appropriations are set by the scenario. Counts and amounts nobody knows in advance are drawn from distributions: click one to see what its parameters mean.`,
    ),
    scenario.programmes.map((p) =>
      h(
        'details',
        { class: 'prov-programme', 'data-programme': p.id },
        h('summary', {}, h('strong', {}, p.title), ` (${p.id})`),
        p.note ? h('p', { class: 'muted' }, p.note) : null,
        h(
          'div',
          { class: 'table-scroll', role: 'region', 'aria-label': `Parameters of ${p.title}`, tabindex: '0' },
          h(
            'table',
            { class: 'prov-table' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Parameter'), h('th', { scope: 'col' }, 'Value'), h('th', { scope: 'col' }, 'Origin'), h('th', { scope: 'col' }, 'Source or reason'))),
            h(
              'tbody',
              {},
              Object.entries(p.parameters).map(([name, value]) => {
                const prov = p.provenance[name]
                return h(
                  'tr',
                  { 'data-parameter': name, 'data-origin': prov?.origin ?? 'default' },
                  h('th', { scope: 'row' }, parameterName(name)),
                  // a distribution's value opens the explanation of its parameters
                  h('td', {}, DISTRIBUTED.includes(name) && value !== null && typeof value === 'object' ? term('distribution', describeValue(name, value)) : describeValue(name, value)),
                  h('td', {}, originBadge(prov)),
                  h('td', {}, prov ? source(prov, docs) : null),
                )
              }),
            ),
          ),
        ),
      ),
    ),
  )
}
