// Why: the plan (compiled in every simulation thread) needs the parameters in force in a year, but
// not what resolving a scenario needs (YAML, the JSON Schema validators, the seeds): this keeps that
// one function apart so a thread does not load them.
import type { ResolvedProgramme } from './resolveScenario.js'
import type { ProgrammeParameters } from './schema.js'

/** The parameters of a resolved programme in force in `year`. */
export function parametersForYear(p: ResolvedProgramme, year: number): ProgrammeParameters {
  if (!p.dated) return p.parameters
  const out: ProgrammeParameters = { ...p.parameters }
  for (const [name, byYear] of Object.entries(p.dated)) {
    const entry = byYear.find((d) => d.year === year)
    if (entry) {
      if (entry.value === undefined) delete out[name]
      else out[name] = entry.value
    }
  }
  return out
}
