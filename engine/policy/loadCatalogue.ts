// Why: the engine reads policy only from seeds/. This loads every seed, validates it against the
// registered mechanisms' parameter schemas, and refuses any value without a citation or an
// assumption mark (dated values each carry their own), so policy numbers never hide in code.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { BudgetSimError, type Issue } from '../errors.js'
import { registryVersion } from '../mechanisms/registry.js'
import { seedsDir as defaultSeedsDir } from '../paths.js'
import { parameterNames, programmeParameterSchemas } from '../scenario/schema.js'
import { createValidator, type Validator } from '../validation/createValidator.js'
import { readCachedCatalogue, writeCachedCatalogue } from './catalogueCache.js'
import { levelsDocument, type LevelsDocument } from './levels.js'
import {
  DocumentIndexSchema,
  NotModelledSchema,
  seedSchema,
  type DocumentInfo,
  type NotModelledRule,
  type SeedDocument,
  type ValueNode,
} from './seedSchema.js'

export interface ProgrammeSeed extends Omit<SeedDocument, 'parameters'> {
  file: string
  parameters: Record<string, ValueNode>
}

export interface Catalogue {
  programmes: Map<string, ProgrammeSeed>
  documents: Map<string, DocumentInfo>
  /** rules that move money but are not fiscal outlay: listed, not modelled */
  notModelled: NotModelledRule[]
  levels: LevelsDocument
  /** SHA-256 (hex) of every seed file's name and bytes, in name order: which seeds a run used */
  hash: string
}

/** Files in seeds/ that are not programmes. */
export const SeedIndexFiles = new Set(['documents.yaml', 'levels.yaml', 'not-modelled.yaml'])

const cache = new Map<string, { version: number; catalogue: Catalogue }>()

/**
 * Load seeds/documents.yaml, seeds/levels.yaml, seeds/not-modelled.yaml and every programme seed.
 * Throws SEED_INVALID naming each file and field at fault.
 */
export function loadCatalogue(dir: string = defaultSeedsDir): Catalogue {
  const hit = cache.get(dir)
  if (hit && hit.version === registryVersion()) return hit.catalogue
  // every file is read first: their bytes are the catalogue's hash, and the key of a checked copy
  const programmeFiles = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && !SeedIndexFiles.has(f))
    .sort()
  const texts = new Map<string, string>()
  const hash = createHash('sha256')
  for (const file of ['documents.yaml', 'levels.yaml', 'not-modelled.yaml', ...programmeFiles]) {
    if (file !== 'documents.yaml' && SeedIndexFiles.has(file) && !existsSync(join(dir, file))) continue
    const text = readFileSync(join(dir, file), 'utf8')
    hash.update(`${file}\0${text}\0`)
    texts.set(file, text)
  }
  const seedsHash = hash.digest('hex')
  const stored = readCachedCatalogue(seedsHash)
  if (stored) {
    cache.set(dir, { version: registryVersion(), catalogue: stored })
    return stored
  }
  const issues: Issue[] = []
  const documents = new Map<string, DocumentInfo>()
  const read = (file: string) => texts.get(file)!
  const index = parse(read('documents.yaml'))
  const indexIssues = createValidator(DocumentIndexSchema, { name: 'document-index' })(index, 'documents.yaml')
  if (indexIssues.length > 0) throw new BudgetSimError('SEED_INVALID', 'seeds/documents.yaml is invalid', { issues: indexIssues })
  for (const d of (index as { documents: DocumentInfo[] }).documents) documents.set(d.file, d)

  let notModelled: NotModelledRule[] = []
  if (existsSync(join(dir, 'not-modelled.yaml'))) {
    const doc = parse(read('not-modelled.yaml'))
    const found = createValidator(NotModelledSchema, { name: 'not-modelled' })(doc, 'not-modelled.yaml')
    if (found.length > 0) issues.push(...found)
    else {
      notModelled = (doc as { rules: NotModelledRule[] }).rules
      notModelled.forEach((r, i) => r.source.forEach((c, j) => documents.has(c.document) || issues.push({ path: `not-modelled.yaml.rules[${i}].source[${j}].document`, message: `cites ${c.document}, which is not in seeds/documents.yaml` })))
    }
  }

  const programmes = new Map<string, ProgrammeSeed>()
  for (const file of programmeFiles) {
    let doc: unknown
    try {
      doc = parse(read(file), { uniqueKeys: true })
    } catch (e) {
      issues.push({ path: file, message: `cannot parse: ${(e as Error).message}` })
      continue
    }
    const found = checkSeed(doc, file, documents)
    if (found.length > 0) {
      issues.push(...found)
      continue
    }
    const seed = doc as SeedDocument
    if (`${seed.id}.yaml` !== file) issues.push({ path: `${file}.id`, message: `must equal the file name, got ${seed.id}` })
    programmes.set(seed.id, { ...seed, file })
  }
  if (issues.length > 0) throw new BudgetSimError('SEED_INVALID', 'policy seeds are invalid', { issues })
  const catalogue = { programmes, documents, notModelled, levels: levelsDocument(), hash: seedsHash }
  cache.set(dir, { version: registryVersion(), catalogue })
  writeCachedCatalogue(catalogue)
  return catalogue
}

let validators: { version: number; seed: Validator; parameters: Map<string, Validator> } | null = null

/** Problems with one parsed seed file: schema, provenance marks, dates, ranges, parameter values, documents. */
export function checkSeed(doc: unknown, file: string, documents: Map<string, DocumentInfo>): Issue[] {
  if (!validators || validators.version !== registryVersion())
    validators = {
      version: registryVersion(),
      seed: createValidator(seedSchema, { name: 'seed' }),
      parameters: new Map(parameterNames().map((k) => [k, createValidator(() => programmeParameterSchemas()[k], { name: `parameter:${k}` })])),
    }
  const schemaIssues = validators.seed(doc, file)
  if (schemaIssues.length > 0) return schemaIssues
  const seed = doc as SeedDocument
  const issues: Issue[] = []
  const cite = (document: string, path: string) => {
    if (!documents.has(document)) issues.push({ path, message: `cites ${document}, which is not in seeds/documents.yaml` })
  }
  const marks = (node: { source?: unknown[]; assumption?: string }, at: string) => {
    const hasSource = node.source !== undefined
    const hasAssumption = node.assumption !== undefined
    if (hasSource === hasAssumption)
      issues.push({
        path: at,
        message: hasSource
          ? 'has both a source and an assumption mark: a value is either cited policy or an assumption'
          : 'has neither a source (document and clause) nor an assumption mark',
      })
  }
  cite(seed.document, `${file}.document`)
  for (const [name, node] of Object.entries(seed.parameters)) {
    const at = `${file}.parameters.${name}`
    const validate = validators.parameters.get(name)!
    if ((node.value === undefined) === (node.values === undefined)) {
      issues.push({ path: at, message: 'give either value or values (dated values), not both and not neither' })
      continue
    }
    if (node.values) {
      if (node.source || node.assumption) issues.push({ path: at, message: 'dated values carry their own source or assumption, not the node' })
      node.values.forEach((v, i) => {
        marks(v, `${at}.values[${i}]`)
        v.source?.forEach((c, j) => cite(c.document, `${at}.values[${i}].source[${j}].document`))
        v.informed_by?.forEach((f, j) => cite(f.document, `${at}.values[${i}].informed_by[${j}].document`))
        issues.push(...validate(v.value, `${at}.values[${i}].value`))
        if (v.from !== undefined && v.until !== undefined && instantDay(v.until) < instantDay(v.from))
          issues.push({ path: `${at}.values[${i}]`, message: `ends (${v.until}) before it starts (${v.from})` })
      })
      const spans = node.values.map((v) => [v.from === undefined ? -Infinity : instantDay(v.from), v.until === undefined ? Infinity : instantDay(v.until, true)])
      for (let i = 1; i < spans.length; i++)
        if (spans[i][0] <= spans[i - 1][1]) issues.push({ path: `${at}.values[${i}]`, message: 'dated values must be in date order and must not overlap' })
    } else {
      marks(node, at)
      node.source?.forEach((c, i) => cite(c.document, `${at}.source[${i}].document`))
      issues.push(...validate(node.value, `${at}.value`))
    }
    node.informed_by?.forEach((f, i) => cite(f.document, `${at}.informed_by[${i}].document`))
    node.ranges?.forEach((r, i) => {
      const path = `${at}.ranges[${i}]`
      r.informed_by?.forEach((f, j) => cite(f.document, `${path}.informed_by[${j}].document`))
      if ((r.low === undefined || r.high === undefined) && r.distribution === undefined) issues.push({ path, message: 'give low and high, or a distribution' })
      if (r.low !== undefined && r.high !== undefined && !(r.low <= r.high)) issues.push({ path, message: `low (${r.low}) must not exceed high (${r.high})` })
      const values = node.values ? node.values.map((v) => v.value) : [node.value]
      for (const v of values) {
        const inside = valueAtPath(v, r.at)
        if (typeof inside !== 'number') issues.push({ path: `${path}.at`, message: `${r.at ?? '(the value)'} is not a number in the value` })
      }
    })
  }
  return issues
}

/** The number at a dotted path inside a value (the value itself without a path). */
export function valueAtPath(value: unknown, path: string | undefined): unknown {
  if (!path) return value
  let node: any = value
  for (const key of path.split('.')) node = node?.[key]
  return node
}

/** A year or a date as days since the epoch; `end` makes a bare year mean its last day. */
export function instantDay(instant: number | string, end = false): number {
  if (typeof instant === 'number') return Date.UTC(end ? instant + 1 : instant, 0, 1) / 86_400_000 - (end ? 1 : 0)
  return Date.parse(`${instant}T00:00:00Z`) / 86_400_000
}

/** The dated value of a node in force on 1 January of `year`, or undefined when none is. */
export function valueInForce<T extends { from?: number | string; until?: number | string }>(values: T[], year: number): T | undefined {
  const day = instantDay(year)
  return values.find((v) => (v.from === undefined || instantDay(v.from) <= day) && (v.until === undefined || day <= instantDay(v.until, true)))
}
