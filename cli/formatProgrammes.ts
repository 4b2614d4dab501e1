// Why: `budget-sim programmes` shows what the engine believes each programme's rules are: which
// mechanisms it combines, every parameter with the clause it comes from (or the assumption's
// rationale and range), dated values year by year, and the rules that move money but are not
// fiscal outlay, listed with their clause and not modelled.
import { mechanisms, parameterOwners } from '../engine/mechanisms/registry.js'
import type { Catalogue } from '../engine/policy/loadCatalogue.js'
import type { Range, ValueNode } from '../engine/policy/seedSchema.js'

/** A parameter value as a short phrase (the owning mechanism says how). */
export function describeParameter(name: string, value: unknown): string {
  if (name === 'years') return (value as number[]).join(', ')
  const owner = parameterOwners('programme').get(name)
  return owner?.describe?.(name, value) ?? JSON.stringify(value)
}

function provenance(node: { source?: { document: string; clause: string }[]; assumption?: string }): string {
  if (node.source) return `policy: ${node.source.map((s) => `${s.document.slice(0, 3)} ${s.clause}`).join('; ')}`
  return `assumption: ${node.assumption}`
}

function range(r: Range): string {
  const what = r.at ? `${r.at} ` : ''
  const span = r.distribution ? JSON.stringify(r.distribution) : `${r.low?.toLocaleString('en-US')} to ${r.high?.toLocaleString('en-US')}`
  return `range: ${what}${span} (${r.rationale})`
}

/** The mechanisms a seeded programme combines (those whose parameters it sets). */
export function programmeMechanisms(parameters: Record<string, unknown>): string[] {
  const owners = parameterOwners('programme')
  return [...new Set(Object.keys(parameters).flatMap((n) => (owners.has(n) ? [owners.get(n)!.id] : [])))]
}

/** The text printed by `budget-sim programmes`. */
export function formatProgrammes(catalogue: Catalogue): string {
  const out: string[] = []
  out.push('Documents')
  for (const d of catalogue.documents.values()) out.push(`  ${d.file.slice(0, 3)}  ${d.issuer}, ${d.date}: ${d.title}`)
  out.push('')
  out.push(`Funding levels: ${catalogue.levels.levels.map((l) => `${l.id} (${l.title_zh})`).join(', ')}; amounts in ${catalogue.levels.currency.code}`)
  out.push('Mechanisms')
  for (const m of mechanisms()) out.push(`  ${m.id.padEnd(14)} ${m.title}`)
  for (const p of catalogue.programmes.values()) {
    out.push('')
    out.push(`${p.id}: ${p.title} (${p.title_zh})`)
    out.push(`  ${p.issuer}; applicant: ${p.applicant}; main document ${p.document}`)
    out.push(`  mechanisms: ${programmeMechanisms(p.parameters).join(', ')}`)
    for (const [name, node] of Object.entries(p.parameters) as [string, ValueNode][]) {
      if (node.values) {
        for (const v of node.values) {
          const when = `${v.from ?? '…'} to ${v.until ?? '…'}`
          out.push(`  ${name.padEnd(24)} ${describeParameter(name, v.value)}  [${when}]`)
          out.push(`  ${''.padEnd(24)} ${provenance(v)}`)
        }
      } else {
        out.push(`  ${name.padEnd(24)} ${describeParameter(name, node.value)}`)
        out.push(`  ${''.padEnd(24)} ${provenance(node)}`)
      }
      for (const r of node.ranges ?? []) out.push(`  ${''.padEnd(24)} ${range(r)}`)
    }
    for (const note of p.notes ?? []) out.push(`  note: ${note}`)
  }
  if (catalogue.notModelled.length > 0) {
    out.push('')
    out.push('Noted and not modelled (money that is not fiscal outlay)')
    for (const r of catalogue.notModelled) {
      out.push(`  ${r.id}: ${r.title}`)
      out.push(`    ${r.source.map((s) => `${s.document.slice(0, 3)} ${s.clause}${s.quote ? ` "${s.quote}"` : ''}`).join('; ')}`)
      out.push(`    why not modelled: ${r.why}`)
    }
  }
  return `${out.join('\n')}\n`
}
