// Why: "which assumption moves the answer most?" needs, for each assumption, how far it might
// plausibly be off. The seeds give that as `ranges` on assumed values (a low and a high, or a
// distribution, with a rationale); a request may add ranges of its own, to study a policy value or
// an appropriation. This lists the ranged parameters of a run: every parameter whose value in the
// run came from a seed node with ranges (provenance `assumption` in every year it is in force:
// a value the scenario set is the scenario's, not the seed's), one entry per range, plus the
// requested ones (a requested path replaces a seeded range on the same path).
import { valueUpperQuantile } from '../distributions/upperQuantile.js'
import type { ValueDistributionSpec } from '../distributions/schema.js'
import { valueKindOf } from '../distributions/ValueDistribution.js'
import { BudgetSimError, type Issue } from '../errors.js'
import { loadCatalogue, type Catalogue } from '../policy/loadCatalogue.js'
import type { ResolvedScenario } from '../scenario/resolveScenario.js'
import { activeYears, describeParameter, parseParameterPath, type ParameterPath } from './parameterPath.js'

/** Where a distribution range's low and high are taken for the tornado (Crystal Ball's default). */
export const RANGE_LOW_QUANTILE = 0.1
export const RANGE_HIGH_QUANTILE = 0.9

export interface RequestedRange {
  path: string
  low: number
  high: number
}

export interface ParameterRange {
  /** the parameter path, as text */
  parameter: string
  path: ParameterPath
  label: string
  unit: string
  /** provenance of the value in the run: assumption (seeded ranges), policy, scenario, default */
  origin: string
  /** the run's own value (null where there is none) */
  base: number | null
  /** the tornado's inputs: low and high, or a distribution's 10th and 90th percentiles */
  low: number
  high: number
  /** a distribution range: the Latin hypercube samples it */
  distribution: ValueDistributionSpec | null
  integer: boolean
  source: 'seed' | 'request'
  rationale: string | null
  /** the request field a requested range came from (ranges[i]) */
  field?: string
  /**
   * a seeded range on a dated parameter whose value is an assumption in some years only (policy in
   * the others): the years it applies to; all the programme's years when omitted
   */
  years?: number[]
}

/**
 * The ranged parameters of a run, in programme and parameter order, requested ranges last.
 * Throws ANALYSIS_INVALID naming `ranges[i]` for a requested range that does not fit the run.
 */
export function rangedParameters(spec: ResolvedScenario, options: { catalogue?: Catalogue; requested?: RequestedRange[]; seeded?: boolean } = {}): ParameterRange[] {
  const requested = options.requested ?? []
  const issues: Issue[] = []
  const fromRequest: ParameterRange[] = []
  requested.forEach((r, i) => {
    const field = `ranges[${i}]`
    try {
      const path = parseParameterPath(r.path, `${field}.path`)
      const info = describeParameter(spec, path, `${field}.path`)
      if (!Number.isFinite(r.low) || !Number.isFinite(r.high)) throw new BudgetSimError('ANALYSIS_INVALID', 'x', { issues: [{ path: field, message: 'low and high must be finite numbers' }] })
      if (!(r.low <= r.high)) throw new BudgetSimError('ANALYSIS_INVALID', 'x', { issues: [{ path: `${field}.low`, message: `low (${r.low}) must not exceed high (${r.high})` }] })
      if (info.integer && (!Number.isInteger(r.low) || !Number.isInteger(r.high)))
        throw new BudgetSimError('ANALYSIS_INVALID', 'x', { issues: [{ path: field, message: `${path.text} is a whole number: low and high must be whole numbers` }] })
      if (r.low < (info.minimum ?? -Infinity) || r.high > (info.maximum ?? Infinity))
        throw new BudgetSimError('ANALYSIS_INVALID', 'x', {
          issues: [{ path: field, message: `${path.text} must stay between ${info.minimum} and ${info.maximum}, got ${r.low} to ${r.high}` }],
        })
      if (fromRequest.some((x) => x.parameter === path.text)) throw new BudgetSimError('ANALYSIS_INVALID', 'x', { issues: [{ path: `${field}.path`, message: `${path.text} is given twice` }] })
      fromRequest.push({
        parameter: path.text,
        path,
        label: info.label,
        unit: info.unit,
        origin: info.origin,
        base: info.current,
        low: r.low,
        high: r.high,
        distribution: null,
        integer: info.integer,
        source: 'request',
        rationale: null,
        field,
      })
    } catch (e) {
      if (e instanceof BudgetSimError && e.code === 'ANALYSIS_INVALID') issues.push(...e.issues)
      else throw e
    }
  })
  if (issues.length > 0) throw new BudgetSimError('ANALYSIS_INVALID', `the requested ranges do not fit the scenario (${issues.length} problem${issues.length === 1 ? '' : 's'})`, { issues })

  if (options.seeded === false) return fromRequest
  const catalogue = options.catalogue ?? loadCatalogue()
  const seeded: ParameterRange[] = []
  for (const p of spec.programmes) {
    const seed = catalogue.programmes.get(p.id)
    if (!seed) continue
    for (const [name, node] of Object.entries(seed.parameters)) {
      if (!node.ranges || node.ranges.length === 0) continue
      // the years whose value is the seed's assumption (a dated value may be policy in other years)
      const dated = p.dated?.[name]
      const active = activeYears(spec, p)
      let years: number[] | undefined
      if (dated) {
        const assumedYears = dated.filter((d) => active.includes(d.year) && d.value !== undefined && d.provenance?.origin === 'assumption').map((d) => d.year)
        if (assumedYears.length === 0) continue
        years = assumedYears.length === dated.filter((d) => active.includes(d.year) && d.value !== undefined).length ? undefined : assumedYears
      } else if (p.provenance[name]?.origin !== 'assumption') continue
      for (const r of node.ranges) {
        const text = `programmes.${p.id}.${name}${r.at ? `.${r.at}` : ''}`
        if (fromRequest.some((x) => x.parameter === text)) continue
        if (seeded.some((x) => x.parameter === text)) continue // two ranges on one number: the first
        let info
        try {
          info = describeParameter(spec, parseParameterPath(text), text, { years })
        } catch {
          continue // the range's number is not in this run's value (another distribution kind)
        }
        if (info.current === null) continue
        const distribution = r.distribution ?? null
        const low = distribution ? valueQuantile(distribution, RANGE_LOW_QUANTILE) : r.low!
        const high = distribution ? valueQuantile(distribution, RANGE_HIGH_QUANTILE) : r.high!
        seeded.push({
          parameter: text,
          path: info.path,
          label: info.label,
          unit: info.unit,
          origin: 'assumption',
          base: info.current,
          low: info.integer ? Math.round(low) : low,
          high: info.integer ? Math.round(high) : high,
          distribution,
          integer: info.integer,
          source: 'seed',
          rationale: r.rationale,
          ...(years ? { years } : {}),
        })
      }
    }
  }
  return [...seeded, ...fromRequest]
}

/**
 * The u-quantile of a value distribution (0 < u < 1), from its closed form where it has one
 * (fixed, uniform, triangular, empirical, lognormal, pareto) or by inverting the gamma tail.
 */
export function valueQuantile(spec: ValueDistributionSpec, u: number): number {
  const s = spec as Record<string, any>
  switch (valueKindOf(spec)) {
    case 'fixed':
      return s.fixed.value
    case 'uniform':
      return s.uniform.min + u * (s.uniform.max - s.uniform.min)
    case 'triangular': {
      const { min, mode, max } = s.triangular
      if (max === min) return min
      const f = (mode - min) / (max - min)
      return u < f ? min + Math.sqrt(u * (max - min) * (mode - min)) : max - Math.sqrt((1 - u) * (max - min) * (max - mode))
    }
    case 'empirical': {
      const values: number[] = s.empirical.values
      const weights: number[] = s.empirical.weights ?? values.map(() => 1)
      const order = values.map((v, i) => [v, weights[i] ?? 0] as const).sort((a, b) => a[0] - b[0])
      const total = order.reduce((t, [, w]) => t + w, 0)
      let acc = 0
      for (const [v, w] of order) {
        acc += w / total
        if (acc >= u) return v
      }
      return order[order.length - 1][0]
    }
    default:
      return valueUpperQuantile(spec, 1 - u)
  }
}

/** The value of a range at quantile u: uniform between low and high, or the distribution's quantile. */
export function rangeQuantile(range: Pick<ParameterRange, 'low' | 'high' | 'distribution' | 'integer'>, u: number): number {
  const x = range.distribution ? valueQuantile(range.distribution, u) : range.low + u * (range.high - range.low)
  return range.integer ? Math.round(x) : x
}
