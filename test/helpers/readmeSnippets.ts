// The README's code snippets, extracted by their `<!-- snippet: name -->` marker, so tests run
// exactly what the README shows.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../../engine/paths.js'

export function readmeSnippet(name: string): string {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8')
  const marker = `<!-- snippet: ${name} -->`
  const at = readme.indexOf(marker)
  if (at < 0) throw new Error(`README has no snippet ${name}`)
  const m = /```\w*\n([\s\S]*?)```/.exec(readme.slice(at))
  if (!m) throw new Error(`snippet ${name} has no code block`)
  return m[1]
}
