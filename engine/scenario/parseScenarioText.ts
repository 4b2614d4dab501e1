// Why: scenarios arrive as YAML or JSON text (files, request bodies). Parse errors must say where
// (line and column) and nothing half-parsed may go on to validation.
import { parseDocument } from 'yaml'
import { BudgetSimError } from '../errors.js'

/** Largest scenario text accepted (bytes of UTF-16 code units). */
export const MAX_SCENARIO_TEXT = 5_000_000

/**
 * Parse YAML (or JSON, a subset of YAML) into plain data. Duplicate keys are errors.
 *
 * @example parseScenarioText('name: x\nyears: [2015]') // { name: 'x', years: [2015] }
 */
export function parseScenarioText(text: string, origin = 'scenario'): unknown {
  if (text.length > MAX_SCENARIO_TEXT)
    throw new BudgetSimError('LIMIT_EXCEEDED', `${origin}: the scenario text is ${text.length} characters; the limit is ${MAX_SCENARIO_TEXT}`)
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true })
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => {
      const pos = e.linePos?.[0]
      return { path: pos ? `line ${pos.line}, column ${pos.col}` : '(text)', message: e.message.split('\n')[0] }
    })
    throw new BudgetSimError('SCENARIO_PARSE_ERROR', `${origin}: not valid YAML or JSON`, { issues })
  }
  const data = doc.toJS({ maxAliasCount: 100 })
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new BudgetSimError('SCENARIO_PARSE_ERROR', `${origin}: a scenario must be a mapping of keys (name, years, trials, ...), got ${data === null ? 'nothing' : Array.isArray(data) ? 'a list' : typeof data}`)
  return data
}
