// Why: a run starts from a preset, from a scenario file on the planner's disk, or from text pasted in.
// The server is the judge of a file (POST /scenarios/validate parses and checks it, with line and
// field in every message); the page then keeps the parsed document to apply the planner's edits.
import { parseDocument } from 'yaml'
import { getJson, request } from '../api/client'
import type { PresetDetail, PresetListing, ResolvedScenario } from '../api/types'
import type { Source } from '../scenario/request'
import { byId, h, replace } from './dom'
import { clearProblem, showProblem } from './problemView'

export const DOCUMENT_OPTION = '__document__'
const PASTED = 'pasted scenario'

export interface SourcePicker {
  selectPreset: (name: string) => Promise<void>
  /** use a scenario document (e.g. an earlier run's) as the source */
  useDocument: (document: Record<string, unknown>, label: string) => Promise<void>
}

/** Same options as the server's parser (engine/scenario/parseScenarioText.ts). */
function parseScenario(text: string): Record<string, unknown> {
  const doc = parseDocument(text, { uniqueKeys: true, strict: true })
  if (doc.errors.length > 0) throw new Error(doc.errors[0].message.split('\n')[0])
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('a scenario must be a mapping of keys (name, years, trials, ...)')
  return data as Record<string, unknown>
}

export function sourcePicker(presets: PresetListing[], onSource: (source: Source) => void): SourcePicker {
  const select = byId<HTMLSelectElement>('preset')
  const description = byId('source-description')
  const fileInput = byId<HTMLInputElement>('scenario-file')
  const pasteText = byId<HTMLTextAreaElement>('scenario-text')
  const pasteButton = byId<HTMLButtonElement>('paste-load')
  const problem = byId('source-problem')
  let documentLabel: string | null = null
  let lastDocument: Source | null = null

  const renderOptions = (selected: string) => {
    replace(
      select,
      documentLabel ? h('option', { value: DOCUMENT_OPTION, selected: selected === DOCUMENT_OPTION }, `Your scenario: ${documentLabel}`) : null,
      h(
        'optgroup',
        { label: 'Presets' },
        presets.map((p) => h('option', { value: p.name, selected: p.name === selected }, `${p.name}${p.extends ? ` (reform of ${p.extends})` : ''}`)),
      ),
    )
  }

  const describe = (title: string | null, text: string | null) => replace(description, title ? h('strong', {}, title) : null, title && text ? h('br') : null, text ?? '')

  const selectPreset = async (name: string) => {
    clearProblem(problem)
    try {
      const detail = await getJson<PresetDetail>(`/scenarios/${encodeURIComponent(name)}`)
      renderOptions(name)
      describe(detail.resolved.title, detail.resolved.description)
      onSource({ kind: 'preset', name, title: detail.resolved.title ?? name, resolved: detail.resolved })
    } catch (e) {
      showProblem(problem, e, `The preset ${name} could not be loaded`)
    }
  }

  const adopt = (source: Source & { kind: 'document' }) => {
    documentLabel = source.label
    lastDocument = source
    renderOptions(DOCUMENT_OPTION)
    describe(source.resolved.title ?? source.resolved.name, source.resolved.description)
    onSource(source)
  }

  /** Check the text with the server, then keep its parsed document. */
  const useText = async (text: string, label: string) => {
    clearProblem(problem)
    try {
      const answer = await request<{ valid: boolean; scenario: ResolvedScenario }>('/scenarios/validate', { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: text })
      const document = parseScenario(text)
      adopt({ kind: 'document', label, document, resolved: answer.body.scenario })
    } catch (e) {
      showProblem(problem, e, `${label === PASTED ? 'The pasted scenario' : label} cannot be used`)
    }
  }

  const useDocument = async (document: Record<string, unknown>, label: string) => {
    clearProblem(problem)
    try {
      const answer = await request<{ valid: boolean; scenario: ResolvedScenario }>('/scenarios/validate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(document) })
      adopt({ kind: 'document', label, document, resolved: answer.body.scenario })
    } catch (e) {
      showProblem(problem, e, `${label === PASTED ? 'The pasted scenario' : label} cannot be used`)
    }
  }

  select.addEventListener('change', () => {
    if (select.value !== DOCUMENT_OPTION) void selectPreset(select.value)
    else if (lastDocument) adopt(lastDocument as Source & { kind: 'document' })
  })
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0]
    if (!file) return
    void useText(await file.text(), file.name)
    fileInput.value = ''
  })
  pasteButton.addEventListener('click', () => {
    if (pasteText.value.trim() === '') {
      showProblem(problem, new Error('Paste a scenario (YAML or JSON) into the box first.'), 'Nothing to use')
      pasteText.focus()
      return
    }
    void useText(pasteText.value, PASTED)
  })

  return { selectPreset, useDocument }
}
