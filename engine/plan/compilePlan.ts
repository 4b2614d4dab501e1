// Why: workers take plain numbers, not YAML-shaped objects. A Plan is the resolved scenario
// compiled, year by year, by each registered mechanism into flat numeric descriptors and typed
// arrays: structured-clonable, and shaped for the hot loop. It also fixes the layout of a trial's
// result rows (year x programme x funding level) and the expected work of a trial.
import { mechanismUrl, mechanisms } from '../mechanisms/registry.js'
import type { Mechanism, ResultColumn } from '../mechanisms/Mechanism.js'
import { Exhaustion } from '../mechanisms/exhaustion.js'
import { levelIds } from '../policy/levels.js'
import { deriveMasterKey } from '../random/masterKey.js'
import { hashString } from '../random/fmix32.js'
import { parametersForYear } from '../scenario/parametersForYear.js'
import type { ResolvedScenario } from '../scenario/resolveScenario.js'
import type { Level } from '../scenario/schema.js'

export { Exhaustion }

/** A mechanism active for a programme (or the scenario) in one year, with its compiled form. */
export interface ActiveMechanism {
  id: string
  compiled: unknown
}

export interface ProgrammePlan {
  id: string
  /** hash of the id: the programme's part of every stream key */
  key: number
  /** 1 where the programme runs in the scenario year of that index */
  active: Uint8Array
  /** per scenario year: the programme's active mechanisms, in kernel order */
  mechanisms: ActiveMechanism[][]
  /** per scenario year: index (in mechanisms[y]) of the claim source */
  source: Int32Array
  /** per scenario year: whether claims draw an arrival (something is first come, first served) */
  arrivals: Uint8Array
  /** result columns a mechanism of the programme may make non-zero in some year */
  columns: ResultColumn[]
  /** plan level indices this programme has result rows for */
  levels: Int32Array
  /** expected new units (applicants, exposures) per trial over all years */
  expectedApplicants: number
  /** expected random draws per trial over all years */
  expectedDraws: number
}

export interface Plan {
  masterKey: Uint32Array
  years: Int32Array
  levels: Level[]
  programmes: ProgrammePlan[]
  /** per scenario year: the scenario-scope mechanisms (exhaustion of appropriations) */
  scenario: ActiveMechanism[][]
  /** the exhaustion rule (Exhaustion.*), for the summary */
  exhaustion: number
  /** appropriation[level * years + yearIndex]; NaN where none (for the summary) */
  appropriation: Float64Array
  rowsPerTrial: number
  /** layout of one trial's rows: year index, programme index, plan level index */
  rowYear: Int32Array
  rowProgramme: Int32Array
  rowLevel: Int32Array
  expectedApplicationsPerTrial: number
  /**
   * Expected random draws per trial: the sum of every mechanism's expected draws in every year
   * (applicant counts, contract counts and values, bases, tiers, approvals, arrivals, renewals,
   * matching ratios, portfolio exposures and failures). Work limits count these; the simulator
   * counts the same draws as it makes them.
   */
  expectedDrawsPerTrial: number
  /** modules of mechanisms registered at run time that this plan uses (workers import them) */
  mechanismUrls: string[]
}

/**
 * Compile a resolved scenario into a Plan.
 *
 * @example const plan = compilePlan(resolveScenario(parseScenarioText(text)))
 */
export function compilePlan(s: ResolvedScenario, seed: number | string = s.seed): Plan {
  const years = s.years
  const programmeMechanisms = mechanisms('programme')
  const scenarioMechanisms = mechanisms('scenario')
  const scenarioParameters = { ...s.document, on_exhaustion: s.on_exhaustion, appropriations: s.appropriations, years }

  // the levels the plan uses: any a mechanism involves, in the order of seeds/levels.yaml
  const used = new Set<string>()
  for (const p of s.programmes)
    for (const y of years) {
      const params = parametersForYear(p, y)
      for (const m of programmeMechanisms) for (const l of m.levels?.(params) ?? []) used.add(l)
    }
  for (const m of scenarioMechanisms) for (const l of m.levels?.(scenarioParameters) ?? []) used.add(l)
  const levels = levelIds().filter((l) => used.has(l))
  const urls = new Set<string>()
  const note = (m: Mechanism<any>) => {
    const url = mechanismUrl(m.id)
    if (url) urls.add(url)
  }

  const scenario = years.map((_, yi) =>
    scenarioMechanisms.flatMap((m) => {
      const compiled = m.compile(scenarioParameters, { years, yearIndex: yi, levels, scenario: scenarioParameters })
      if (compiled === null) return []
      note(m)
      return [{ id: m.id, compiled }]
    }),
  )
  const scenarioArrivals = years.map((_, yi) => scenario[yi].some((a) => mechanismsById(scenarioMechanisms, a.id).needsArrivals?.(a.compiled) ?? false))

  const programmes = s.programmes.map((rp): ProgrammePlan => {
    const activeYears = new Set((rp.parameters.years as number[] | undefined) ?? years)
    const active = Uint8Array.from(years.map((y) => (activeYears.has(y) ? 1 : 0)))
    const perYear: ActiveMechanism[][] = []
    const source = new Int32Array(years.length).fill(-1)
    const arrivals = new Uint8Array(years.length)
    const columns = new Set<ResultColumn>()
    const rowLevels = new Set<string>()
    let expectedApplicants = 0
    let expectedDraws = 0
    let yearsActiveBefore = 0
    years.forEach((y, yi) => {
      const params = parametersForYear(rp, y)
      const list: ActiveMechanism[] = []
      for (const m of programmeMechanisms) {
        const compiled = m.compile(params, { years, yearIndex: yi, levels, scenario: scenarioParameters })
        if (compiled === null) continue
        note(m)
        if (m.stages?.draw) source[yi] = list.length
        if (m.needsArrivals?.(compiled)) arrivals[yi] = 1
        for (const c of m.columns ?? []) columns.add(c)
        list.push({ id: m.id, compiled })
      }
      for (const m of programmeMechanisms) for (const l of m.levels?.(params) ?? []) rowLevels.add(l)
      if (scenarioArrivals[yi]) arrivals[yi] = 1
      perYear.push(list)
      // the year's expected work: matching ratios are drawn every year; the rest when the programme runs
      for (const a of list) {
        const m = mechanismsById(programmeMechanisms, a.id)
        if (!active[yi] && !m.yearStages?.levels) continue
        if (!active[yi]) {
          expectedDraws += m.expectedDraws?.(a.compiled, 0, { yearsActiveBefore, arrivals: arrivals[yi] === 1 }) ?? 0
          continue
        }
      }
      if (active[yi]) {
        const src = source[yi] >= 0 ? list[source[yi]] : null
        const units = src ? (mechanismsById(programmeMechanisms, src.id).expectedUnits?.(src.compiled) ?? 0) : 0
        expectedApplicants += units
        for (const a of list)
          expectedDraws += mechanismsById(programmeMechanisms, a.id).expectedDraws?.(a.compiled, units, { yearsActiveBefore, arrivals: arrivals[yi] === 1 }) ?? 0
        yearsActiveBefore++
      }
    })
    return {
      id: rp.id,
      key: hashString(rp.id),
      active,
      mechanisms: perYear,
      source,
      arrivals,
      columns: [...columns],
      levels: Int32Array.from(levels.map((l, i) => (rowLevels.has(l) ? i : -1)).filter((i) => i >= 0)),
      expectedApplicants,
      expectedDraws,
    }
  })

  const appropriation = new Float64Array(levels.length * years.length).fill(NaN)
  levels.forEach((l, li) => {
    const byYear = s.appropriations[l]
    if (!byYear) return
    years.forEach((y, yi) => {
      const a = byYear[String(y)]
      if (a !== undefined) appropriation[li * years.length + yi] = a
    })
  })

  const rowYear: number[] = []
  const rowProgramme: number[] = []
  const rowLevel: number[] = []
  years.forEach((_, yi) => {
    programmes.forEach((p, pi) => {
      for (const li of p.levels) {
        rowYear.push(yi)
        rowProgramme.push(pi)
        rowLevel.push(li)
      }
    })
  })

  return {
    masterKey: deriveMasterKey(seed),
    years: Int32Array.from(years),
    levels,
    programmes,
    scenario,
    exhaustion: Exhaustion[s.on_exhaustion],
    appropriation,
    rowsPerTrial: rowYear.length,
    rowYear: Int32Array.from(rowYear),
    rowProgramme: Int32Array.from(rowProgramme),
    rowLevel: Int32Array.from(rowLevel),
    expectedApplicationsPerTrial: programmes.reduce((sum, p) => sum + p.expectedApplicants, 0),
    expectedDrawsPerTrial: programmes.reduce((sum, p) => sum + p.expectedDraws, 0),
    mechanismUrls: [...urls],
  }
}

function mechanismsById(list: Mechanism<any>[], id: string): Mechanism<any> {
  return list.find((m) => m.id === id)!
}
