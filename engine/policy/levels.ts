// Why: the funding levels (national, provincial, municipal) and the currency are data of the
// policy domain, not constants of the engine: they are read from seeds/levels.yaml, and the
// scenario schema, the plan's level order and the reports take them from here.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { BudgetSimError } from '../errors.js'
import { seedsDir } from '../paths.js'

export interface LevelInfo {
  id: string
  title: string
  title_zh: string
  source?: { document: string; clause: string; quote?: string; note?: string }[]
}

export interface CurrencyInfo {
  code: string
  name: string
  name_zh: string
  units: { name: string; factor: number }[]
}

export interface LevelsDocument {
  levels: LevelInfo[]
  currency: CurrencyInfo
}

let cached: LevelsDocument | null = null

/** seeds/levels.yaml, read once. */
export function levelsDocument(): LevelsDocument {
  if (cached) return cached
  const file = join(seedsDir, 'levels.yaml')
  let doc: LevelsDocument
  try {
    // the YAML parser is loaded here, not with the module: simulation threads never need it
    const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml')
    doc = parse(readFileSync(file, 'utf8')) as LevelsDocument
  } catch (e) {
    throw new BudgetSimError('SEED_INVALID', `${file}: ${(e as Error).message}`)
  }
  const ids = doc?.levels?.map((l) => l.id)
  if (!ids || ids.length === 0 || ids.some((id) => !/^[a-z][a-z0-9_]{0,39}$/.test(id)) || new Set(ids).size !== ids.length || !doc.currency?.code)
    throw new BudgetSimError('SEED_INVALID', `${file}: must list levels (unique lower-case ids) and a currency`)
  cached = doc
  return doc
}

/** The funding level ids, in report order. */
export function levelIds(): string[] {
  return levelsDocument().levels.map((l) => l.id)
}
