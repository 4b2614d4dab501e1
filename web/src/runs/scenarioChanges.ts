// Why: a list of runs named "guangzhou-2015-2017-baseline (with overrides)" does not say which is
// which. This computes what a run changes against its baseline preset, from the run's scenario
// document (GET /runs gives it, with the presets it extends in `lineage`) and the preset's own
// document and resolved parameters (GET /scenarios/:name): "Technology transaction subsidy: cap
// 500 万元 → 300 万元", "Municipal appropriation 2016: 1.9 亿元 → none".
import { LEVELS, type PresetDetail, type Run } from '../api/types'
import { formatCny } from '../format/cny'
import { describeValue, parameterName } from '../format/parameters'
import { capitalise } from '../results/summaryIndex'
import { sameJson } from '../scenario/overrides'

export interface Change {
  /** the scenario path changed: programmes.<id>.cap, appropriations.municipal.2016, years */
  path: string
  text: string
}

type Doc = Record<string, unknown>
const asDoc = (v: unknown): Doc => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : {})

/** The preset a run is measured against: the first of its lineage (the preset everything extends). */
export function baselineOf(run: Pick<Run, 'lineage'>): string | null {
  return run.lineage[0] ?? null
}

const amount = (v: number | null | undefined) => (typeof v === 'number' ? formatCny(v, { exact: true }) : 'none')

/** What `scenario` (a run's standalone document) changes against the preset `base`. */
export function scenarioChanges(scenario: Doc, base: Pick<PresetDetail, 'document' | 'resolved'>): Change[] {
  const changes: Change[] = []
  const resolved = base.resolved

  const years = scenario.years
  if (Array.isArray(years) && !sameJson(years, resolved.years))
    changes.push({ path: 'years', text: `years ${describeValue('years', resolved.years)} → ${describeValue('years', years)}` })
  const exhaustion = typeof scenario.on_exhaustion === 'string' ? scenario.on_exhaustion : 'record'
  if (exhaustion !== resolved.on_exhaustion) changes.push({ path: 'on_exhaustion', text: `when the money runs out: ${resolved.on_exhaustion} → ${exhaustion}` })

  // appropriations, year by year (null or absent: none)
  const appropriations = asDoc(scenario.appropriations)
  const allYears = [...new Set([...resolved.years, ...(Array.isArray(years) ? (years as number[]) : [])])].sort((a, b) => a - b)
  for (const level of LEVELS) {
    const mine = asDoc(appropriations[level])
    for (const year of allYears) {
      const from = resolved.appropriations[level]?.[String(year)] ?? null
      const to = (mine[String(year)] as number | null | undefined) ?? null
      if (from !== to) changes.push({ path: `appropriations.${level}.${year}`, text: `${capitalise(level)} appropriation ${year}: ${amount(from)} → ${amount(to)}` })
    }
  }

  // programmes: parameters set differently from the preset's document, read against its resolved values
  const programmes = asDoc(scenario.programmes)
  const baseDocument = asDoc(base.document.programmes)
  for (const p of resolved.programmes)
    if (!(p.id in programmes) || programmes[p.id] === null) changes.push({ path: `programmes.${p.id}`, text: `without ${p.title}` })
  for (const [id, entry] of Object.entries(programmes)) {
    if (entry === null) continue
    const seeded = resolved.programmes.find((p) => p.id === id)
    if (!seeded) {
      changes.push({ path: `programmes.${id}`, text: `adds ${id}` })
      continue
    }
    const own = asDoc(baseDocument[id])
    for (const [name, value] of Object.entries(asDoc(entry))) {
      if (name === 'note' || sameJson(value, own[name])) continue
      const from = seeded.parameters[name] ?? null
      if (sameJson(value, from)) continue
      changes.push({ path: `programmes.${id}.${name}`, text: `${seeded.title}: ${parameterName(name).toLowerCase()} ${describeValue(name, from)} → ${describeValue(name, value)}` })
    }
  }
  return changes
}
