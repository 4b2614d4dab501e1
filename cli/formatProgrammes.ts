// Why: `budget-sim programmes` shows what the engine believes each programme's rules are, and
// which figures are cited policy and which are assumptions.
import { describeCount } from '../engine/distributions/CountDistribution.js'
import { describeValue } from '../engine/distributions/ValueDistribution.js'
import type { Catalogue } from '../engine/policy/loadCatalogue.js'
import type { ValueNode } from '../engine/policy/seedSchema.js'
import type { ParameterName } from '../engine/scenario/schema.js'

/** A parameter value as a short phrase. */
export function describeParameter(name: ParameterName, value: unknown): string {
  const v = value as any
  switch (name) {
    case 'applicants':
    case 'contracts_per_applicant':
      return describeCount(v)
    case 'contract_value':
    case 'basis':
      return describeValue(v)
    case 'rate':
    case 'approval_rate':
      return `${+(v * 100).toFixed(4)}%`
    case 'cap':
    case 'amount':
      return v === null ? 'none' : `${Number(v).toLocaleString('en-US')} CNY`
    case 'tier_amounts':
      return Object.entries(v).map(([k, a]) => `${k} ${Number(a).toLocaleString('en-US')} CNY`).join(', ')
    case 'tier_shares':
    case 'funding':
      return Object.entries(v).map(([k, a]) => `${k} ${+((a as number) * 100).toFixed(2)}%`).join(', ')
    case 'matching':
      if (v === null) return 'none'
      return Object.entries(v)
        .map(([k, r]: [string, any]) => `${k} matches ${r.of} at ${typeof r.ratio === 'number' ? `${r.ratio}:1` : describeValue(r.ratio)}`)
        .join('; ')
    case 'quota':
      if (v === null) return 'none'
      return [
        v.per_year !== undefined ? `${v.per_year} a year` : '',
        v.total !== undefined ? `${v.total} over the programme years` : '',
        v.recurring ? 'grants recur yearly' : '',
      ]
        .filter(Boolean)
        .join(', ')
    case 'years':
      return (v as number[]).join(', ')
    default:
      return String(v)
  }
}

function provenance(node: ValueNode): string {
  if (node.source) return `policy: ${node.source.map((s) => `${s.document.slice(0, 3)} ${s.clause}`).join('; ')}`
  return `assumption: ${node.assumption}`
}

/** The text printed by `budget-sim programmes`. */
export function formatProgrammes(catalogue: Catalogue): string {
  const out: string[] = []
  out.push('Documents')
  for (const d of catalogue.documents.values()) out.push(`  ${d.file.slice(0, 3)}  ${d.issuer}, ${d.date}: ${d.title}`)
  for (const p of catalogue.programmes.values()) {
    out.push('')
    out.push(`${p.id}: ${p.title} (${p.title_zh})`)
    out.push(`  ${p.issuer}; applicant: ${p.applicant}; main document ${p.document}`)
    for (const [name, node] of Object.entries(p.parameters) as [ParameterName, ValueNode][]) {
      out.push(`  ${name.padEnd(24)} ${describeParameter(name, node.value)}`)
      out.push(`  ${''.padEnd(24)} ${provenance(node)}`)
    }
    for (const note of p.notes ?? []) out.push(`  note: ${note}`)
  }
  return `${out.join('\n')}\n`
}
