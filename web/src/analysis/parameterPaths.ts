// Why: an analysis moves one number of the scenario at a time, named by a path
// (`programmes.<id>.<parameter>[.<inside>]` or `appropriations.<level>.<year>`, see the README's
// "Decision analysis"). The planner picks it from a list of the scenario's numbers, in words, with
// its value now; the page reads a low, a high or an interval in the number's unit (an amount in 万元
// or 亿元, a share as 85% or 0.85, a count) and the server checks the rest (bounds, whole numbers).
import { parameterUnit } from '../../../engine/analysis/parameterUnit'
import { LEVELS, type ResolvedScenario } from '../api/types'
import { amountInWords, fieldUnit, parseAmount } from '../format/amount'
import { formatParameterValue, parameterLabel } from '../format/analysis'
import { parseNumber, parseShare } from '../scenario/overrides'

export interface ParameterOption {
  path: string
  /** the path in words */
  label: string
  /** CNY, share, "a year" (a growth), or another unit the server names (applicants a year, places, ratio, ...) */
  unit: string
  /** its value in the scenario now (null where it has none: no cap, no appropriation) */
  value: number | null
  /** the optgroup: the programme's title, or "Appropriations" */
  group: string
}

/** Parameters whose number is not a parameter to study (a list of years, a selection rule). */
const NOT_NUMBERS = new Set(['years', 'selection', 'note'])

/** The unit of a path's number, by the engine's rule (engine/analysis/parameterUnit.ts). */
export function unitOfPath(path: string): string {
  const parts = path.split('.')
  if (parts[0] === 'appropriations') return 'CNY'
  return parameterUnit(parts[2] ?? '', parts[parts.length - 1], 'CNY')
}

/** Every number of the scenario a planner may move: each programme's numbers (and a cap it has not), then the appropriations by level and year. */
export function parameterOptions(resolved: Pick<ResolvedScenario, 'programmes' | 'years' | 'appropriations'>): ParameterOption[] {
  const titles = new Map(resolved.programmes.map((p) => [p.id, p.title]))
  const out: ParameterOption[] = []
  const walk = (group: string, path: string, value: unknown) => {
    if (typeof value === 'number') out.push({ path, label: parameterLabel(path, titles), unit: unitOfPath(path), value, group })
    else if (value && typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) walk(group, `${path}.${k}`, v)
  }
  for (const p of resolved.programmes)
    for (const [name, value] of Object.entries(p.parameters)) {
      if (NOT_NUMBERS.has(name)) continue
      // no cap now: a cap may still be sought or ranged
      if (name === 'cap' && value === null) out.push({ path: `programmes.${p.id}.cap`, label: parameterLabel(`programmes.${p.id}.cap`, titles), unit: 'CNY', value: null, group: p.title })
      else walk(p.title, `programmes.${p.id}.${name}`, value)
    }
  for (const level of LEVELS)
    for (const year of resolved.years) {
      const path = `appropriations.${level}.${year}`
      const v = resolved.appropriations[level]?.[String(year)]
      out.push({ path, label: parameterLabel(path, titles), unit: 'CNY', value: typeof v === 'number' ? v : null, group: 'Appropriations' })
    }
  return out
}

export type Parsed = { ok: true; value: number | null } | { ok: false; message: string }

/** A parameter's number as a planner types it in its unit: "300万" or "3,000,000" for an amount, "85%" or "0.85" for a share. */
export function parseParameterInput(text: string, option: Pick<ParameterOption, 'unit' | 'value'>): Parsed {
  if (option.unit === 'CNY') return parseAmount(text, fieldUnit(option.value))
  if (option.unit === 'share') return parseShare(text, 'a share such as 0.85 or 85%')
  if (option.unit === 'a year') return parseShare(text, 'a yearly growth such as 0.1 or 10%')
  return parseNumber(text, option.value === null ? '2' : formatParameterValue(option.value, option.unit))
}

/** The value now, for a hint: "now 500 万元". */
export function currentText(option: Pick<ParameterOption, 'unit' | 'value'>): string {
  return option.value === null ? 'none now' : `now ${formatParameterValue(option.value, option.unit)}`
}

/**
 * The server's message about a parameter's numbers with its raw yuan said in the parameter's unit
 * ("must stay between 0 and 1e15, got 1000000 to 5000000" -> "... got 100 万元 to 500 万元"); numbers
 * inside a path (the 2017 of appropriations.municipal.2017) are left alone, as is any other unit.
 */
export function restateInUnit(message: string, option: Pick<ParameterOption, 'unit' | 'value'>): string {
  if (option.unit !== 'CNY') return message
  const unit = fieldUnit(option.value)
  return message.replace(/(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?!\w|\.\w)/gi, (n) => amountInWords(Number(n), unit))
}
