// Why: the tornado chart answers "which assumption moves the answer most?": for each ranged
// parameter, the figure at its low and at its high, everything else as in the run. Every run
// uses the run's seed, so the low and high runs share their random draws (common random numbers)
// and the swing is the parameter's effect alone, with a paired Monte Carlo standard error far
// smaller than two independent runs would give. This module plans the runs and assembles the result
// from the per-trial values of the figure; workers/analysis runs them.
import type { RunSpec } from '../run/RunSpec.js'
import type { Contribution } from './contribution.js'
import { withParameters } from './parameterPath.js'
import type { ParameterRange } from './ranges.js'
import { crossesZero, describeTarget, estimate, pairedDifference, type Estimate, type Statistic, type Target } from './target.js'

export interface TornadoBar {
  parameter: string
  label: string
  /** provenance of the parameter's value in the run (assumption for seeded ranges) */
  origin: string
  unit: string
  /** the run's own value of the parameter */
  value: number | null
  /** seed (a seeded range, with its rationale) or request */
  source: 'seed' | 'request'
  rationale: string | null
  /** a dated parameter ranged in some years only (its value is policy in the others): those years; null for every year */
  years: number[] | null
  low: { input: number } & Estimate
  high: { input: number } & Estimate
  /** statistic at high - statistic at low */
  swing: number
  /** paired Monte Carlo standard error of the swing */
  swing_se: number | null
  /** the swing's 95% interval (swing ± 1.96 swing_se) contains zero: the parameter's effect is not distinguishable from Monte Carlo noise */
  crosses_zero: boolean | null
}

export interface TornadoResult {
  statistic: Statistic
  target: Target
  /** "mean of demand, municipal, 2017" */
  figure: string
  trials: number
  seed: string
  base: Estimate
  bars: TornadoBar[]
  contribution: Contribution | null
  /** seeded ranges the run could not take, with why (set by the runner) */
  skipped?: { parameter: string; reason: string }[]
}

/** The specifications at a range's low and high (ANALYSIS_INVALID naming `field` when a value breaks a rule). */
export function swingSpecs(spec: RunSpec, range: ParameterRange, field: string): { low: RunSpec; high: RunSpec } {
  return {
    low: withParameters(spec, [{ path: range.path, value: range.low, field: `${field}.low`, years: range.years }], { note: `tornado: ${range.parameter} at its low (${range.low})` }),
    high: withParameters(spec, [{ path: range.path, value: range.high, field: `${field}.high`, years: range.years }], { note: `tornado: ${range.parameter} at its high (${range.high})` }),
  }
}

export interface SwingSamples {
  range: ParameterRange
  low: Float64Array
  high: Float64Array
  appropriationLow: number | null
  appropriationHigh: number | null
}

/** A bar from the per-trial values of the figure at a parameter's low and high (the values may then be dropped). */
export function tornadoBar(s: SwingSamples, statistic: Statistic): TornadoBar {
  const low = estimate(s.low, statistic, s.appropriationLow)
  const high = estimate(s.high, statistic, s.appropriationHigh)
  const paired = pairedDifference(s.low, s.high, statistic, s.appropriationLow, s.appropriationHigh)
  return {
    parameter: s.range.parameter,
    label: s.range.label,
    origin: s.range.origin,
    unit: s.range.unit,
    value: s.range.base,
    source: s.range.source,
    rationale: s.range.rationale,
    years: s.range.years ?? null,
    low: { input: s.range.low, ...low },
    high: { input: s.range.high, ...high },
    swing: paired.difference,
    swing_se: paired.se,
    crosses_zero: crossesZero(paired.difference, paired.se),
  }
}

/** Assemble the tornado: the base figure, the bars (sorted here, largest |swing| first), the contribution. */
export function tornadoResult(input: { target: Target; trials: number; seed: number | string; base: Estimate; bars: TornadoBar[]; contribution: Contribution | null }): TornadoResult {
  const { statistic } = input.target
  const bars = [...input.bars]
  bars.sort((a, b) => Math.abs(b.swing) - Math.abs(a.swing) || a.parameter.localeCompare(b.parameter))
  return {
    statistic,
    target: input.target,
    figure: describeTarget(input.target),
    trials: input.trials,
    seed: String(input.seed),
    base: input.base,
    bars,
    contribution: input.contribution,
  }
}
