// Why: scenarios arrive as YAML or JSON text (files, request bodies). Parse errors must say where
// (line and column) and nothing half-parsed may go on to validation; hostile structure (alias
// bombs, recursive or unresolved aliases, nesting too deep to parse) is a parse error too, never a
// crash.
import { LineCounter, parseDocument, type Document } from 'yaml'
import { BudgetSimError } from '../errors.js'
import { checkYamlStructure, YamlLimits } from './checkYamlStructure.js'
import { yamlNestingBound } from './yamlNestingBound.js'

/** Largest scenario text accepted (bytes of UTF-16 code units). */
export const MAX_SCENARIO_TEXT = 5_000_000
/** Parse errors reported one by one (a hostile text can hold one per character). */
const MAX_REPORTED_ERRORS = 20

/**
 * Parse YAML (or JSON, a subset of YAML) into plain data. Duplicate keys are errors.
 *
 * @example parseScenarioText('name: x\nyears: [2015]') // { name: 'x', years: [2015] }
 */
export function parseScenarioText(text: string, origin = 'scenario'): unknown {
  if (text.length > MAX_SCENARIO_TEXT)
    throw new BudgetSimError('LIMIT_EXCEEDED', `${origin}: the scenario text is ${text.length} characters; the limit is ${MAX_SCENARIO_TEXT}`)
  const tooDeep = `nests mappings and lists too deeply (a scenario needs about 10 levels; the limit is ${YamlLimits.depth})`
  const deep = yamlNestingBound(text, YamlLimits.depth)
  if (deep) throw new BudgetSimError('SCENARIO_PARSE_ERROR', `${origin}: its YAML structure is refused`, { issues: [{ path: `line ${deep.line}, column ${deep.column}`, message: tooDeep }] })
  const lineCounter = new LineCounter()
  let doc: Document
  try {
    // uniqueKeys and prettyErrors cost time quadratic in the keys of a mapping and in the errors
    // of a long line; checkYamlStructure finds duplicate keys in linear time instead
    doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, strict: true, lineCounter })
  } catch (e) {
    // the parser recurses once per nesting level: thousands of levels overflow its stack
    if (e instanceof RangeError)
      throw new BudgetSimError('SCENARIO_PARSE_ERROR', `${origin}: not valid YAML or JSON`, {
        issues: [{ path: '(text)', message: tooDeep }],
      })
    throw e
  }
  if (doc.errors.length > 0) {
    const issues = doc.errors.slice(0, MAX_REPORTED_ERRORS).map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0])
      // the parser catches its own stack overflow on deep nesting and reports it as an error
      const message = /Maximum call stack size exceeded/.test(e.message) ? tooDeep : e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
      return { path: `line ${line}, column ${col}`, message }
    })
    if (doc.errors.length > MAX_REPORTED_ERRORS) issues.push({ path: '(text)', message: `and ${doc.errors.length - MAX_REPORTED_ERRORS} more problems` })
    throw new BudgetSimError('SCENARIO_PARSE_ERROR', `${origin}: not valid YAML or JSON`, { issues })
  }
  const structure = checkYamlStructure(doc, lineCounter)
  if (structure.length > 0) throw new BudgetSimError('SCENARIO_PARSE_ERROR', `${origin}: its YAML structure is refused`, { issues: structure })
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: YamlLimits.aliases })
  } catch (e) {
    // the structure check above should have caught these; never let them become a 500
    if (e instanceof ReferenceError || e instanceof RangeError)
      throw new BudgetSimError('SCENARIO_PARSE_ERROR', `${origin}: its YAML structure is refused`, { issues: [{ path: '(text)', message: e.message }] })
    throw e
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new BudgetSimError('SCENARIO_PARSE_ERROR', `${origin}: a scenario must be a mapping of keys (name, years, trials, ...), got ${data === null ? 'nothing' : Array.isArray(data) ? 'a list' : typeof data}`)
  return data
}
