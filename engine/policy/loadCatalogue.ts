// Why: the engine reads policy only from seeds/. This loads every seed, validates it, and refuses
// any parameter without a citation or an assumption mark, so policy numbers never hide in code.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { BudgetSimError, type Issue } from '../errors.js'
import { seedsDir as defaultSeedsDir } from '../paths.js'
import { ParameterNames, programmeParameterSchemas, type ParameterName } from '../scenario/schema.js'
import { createValidator } from '../validation/createValidator.js'
import { DocumentIndexSchema, SeedSchema, type DocumentInfo, type SeedDocument, type ValueNode } from './seedSchema.js'

export interface ProgrammeSeed extends Omit<SeedDocument, 'parameters'> {
  file: string
  parameters: Partial<Record<ParameterName, ValueNode>>
}

export interface Catalogue {
  programmes: Map<string, ProgrammeSeed>
  documents: Map<string, DocumentInfo>
  /** SHA-256 (hex) of every seed file's name and bytes, in name order: which seeds a run used */
  hash: string
}

const validateSeed = createValidator(SeedSchema)
const validateIndex = createValidator(DocumentIndexSchema)
const parameterValidators = Object.fromEntries(
  ParameterNames.map((k) => [k, createValidator(programmeParameterSchemas[k])]),
) as Record<ParameterName, ReturnType<typeof createValidator>>

const cache = new Map<string, Catalogue>()

/**
 * Load seeds/documents.yaml and every seeds/*.yaml programme. Throws SEED_INVALID naming each
 * file and field at fault.
 */
export function loadCatalogue(dir: string = defaultSeedsDir): Catalogue {
  const cached = cache.get(dir)
  if (cached) return cached
  const issues: Issue[] = []
  const documents = new Map<string, DocumentInfo>()
  const hash = createHash('sha256')
  const read = (file: string) => {
    const text = readFileSync(join(dir, file), 'utf8')
    hash.update(`${file}\0${text}\0`)
    return text
  }
  const index = parse(read('documents.yaml'))
  const indexIssues = validateIndex(index, 'documents.yaml')
  if (indexIssues.length > 0) throw new BudgetSimError('SEED_INVALID', 'seeds/documents.yaml is invalid', { issues: indexIssues })
  for (const d of (index as { documents: DocumentInfo[] }).documents) documents.set(d.file, d)

  const programmes = new Map<string, ProgrammeSeed>()
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'documents.yaml')
    .sort()
  for (const file of files) {
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
    programmes.set(seed.id, { ...seed, file, parameters: seed.parameters as ProgrammeSeed['parameters'] })
  }
  if (issues.length > 0) throw new BudgetSimError('SEED_INVALID', 'policy seeds are invalid', { issues })
  const catalogue = { programmes, documents, hash: hash.digest('hex') }
  cache.set(dir, catalogue)
  return catalogue
}

/** Problems with one parsed seed file: schema, provenance marks, parameter values, document names. */
export function checkSeed(doc: unknown, file: string, documents: Map<string, DocumentInfo>): Issue[] {
  const issues = validateSeed(doc, file)
  if (issues.length > 0) return issues
  const seed = doc as SeedDocument
  const cite = (document: string, path: string) => {
    if (!documents.has(document)) issues.push({ path, message: `cites ${document}, which is not in seeds/documents.yaml` })
  }
  cite(seed.document, `${file}.document`)
  for (const [name, node] of Object.entries(seed.parameters) as [ParameterName, ValueNode][]) {
    const at = `${file}.parameters.${name}`
    const hasSource = node.source !== undefined
    const hasAssumption = node.assumption !== undefined
    if (hasSource === hasAssumption)
      issues.push({
        path: at,
        message: hasSource
          ? 'has both a source and an assumption mark: a value is either cited policy or an assumption'
          : 'has neither a source (document and clause) nor an assumption mark',
      })
    node.source?.forEach((c, i) => cite(c.document, `${at}.source[${i}].document`))
    node.informed_by?.forEach((f, i) => cite(f.document, `${at}.informed_by[${i}].document`))
    issues.push(...parameterValidators[name](node.value, `${at}.value`))
  }
  return issues
}
