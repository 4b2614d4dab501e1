// Why: the page offers a planner the numbers of a scenario to range or to seek (web/src/analysis/
// parameterPaths.ts), and says each in its unit; the server checks the same paths with the engine's
// own rules (engine/analysis/parameterPath.ts). Every path the page offers must be one the engine
// accepts, in the unit the engine gives it, with the value the engine reads now.
import { describe, expect, it } from 'vitest'
import { describeParameter, parseParameterPath } from '../../../engine/analysis/parameterPath.js'
import { createRunSpec } from '../../../engine/run/RunSpec.js'
import { loadPresetData } from '../../../engine/scenario/presets.js'
import { resolveScenario } from '../../../engine/scenario/resolveScenario.js'
import type { ResolvedScenario } from '../../../web/src/api/types.js'
import { parameterOptions, unitOfPath } from '../../../web/src/analysis/parameterPaths.js'
import resolvedJson from '../../../web/test/fixtures/baseline-resolved.json'

const BASELINE = 'guangzhou-2015-2017-baseline'

describe('the numbers the page offers to move', () => {
  const spec = createRunSpec(resolveScenario(loadPresetData(BASELINE) as Record<string, unknown>), { trials: 100 })
  const options = parameterOptions(resolvedJson as unknown as ResolvedScenario)

  it('are paths the engine accepts, each in the unit the engine gives it, with the value it reads now', () => {
    expect(options.length).toBeGreaterThan(30)
    for (const o of options) {
      const info = describeParameter(spec, parseParameterPath(o.path))
      expect(o.unit, o.path).toBe(info.unit)
      expect(unitOfPath(o.path), o.path).toBe(info.unit)
      expect(o.value, o.path).toBe(info.current)
    }
  })

  it('include every number the seeds give a range for', async () => {
    const { rangedParameters } = await import('../../../engine/analysis/ranges.js')
    const offered = new Set(options.map((o) => o.path))
    const ranged = rangedParameters(spec).map((r) => r.parameter)
    expect(ranged.length).toBeGreaterThan(10)
    for (const path of ranged) expect(offered.has(path), path).toBe(true)
  })
})
