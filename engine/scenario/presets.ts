// Why: the preset scenarios in scenarios/ are addressed by name from the CLI, the API and from
// `extends:`; this is the one place that maps a name to a file.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BudgetSimError } from '../errors.js'
import { scenariosDir } from '../paths.js'
import { parseScenarioText } from './parseScenarioText.js'
import { KeyPatterns } from './schema.js'

/** Names of the presets (scenarios/*.yaml), sorted. */
export function listPresets(dir: string = scenariosDir): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort()
}

/** The raw text of a preset, or PRESET_NOT_FOUND naming the known presets. */
export function readPresetText(name: string, dir: string = scenariosDir): string {
  const file = join(dir, `${name}.yaml`)
  if (!new RegExp(KeyPatterns.name.pattern).test(name) || !existsSync(file)) {
    throw new BudgetSimError('PRESET_NOT_FOUND', `no preset scenario named "${name}" (presets: ${listPresets(dir).join(', ')})`, {
      detail: { name, presets: listPresets(dir) },
    })
  }
  return readFileSync(file, 'utf8')
}

/** A preset parsed to plain data (not yet validated). */
export function loadPresetData(name: string, dir: string = scenariosDir): unknown {
  return parseScenarioText(readPresetText(name, dir), `scenarios/${name}.yaml`)
}
