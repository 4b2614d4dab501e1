// Why: a submitted scenario is resolved once, into an immutable run specification: every
// parameter with its provenance, the seed, the trials, the engine version and a hash of the seeds
// it was resolved against. Execution, recovery after a restart, every read of a stored run, the CLI
// and remote workers all use the specification and never resolve the scenario again, so a seed
// edited on disk after submission cannot silently change a run.
import { createHash } from 'node:crypto'
import { BudgetSimError } from '../errors.js'
import { canonicalJson, scenarioHash, type ResolvedScenario } from '../scenario/resolveScenario.js'
import { engineVersion } from '../version.js'

/** Version of the specification's own shape (bump when fields change meaning). */
export const SPEC_VERSION = 1

export interface RunSpec extends ResolvedScenario {
  spec_version: number
  engine_version: string
  /** hash of the resolved years, exhaustion rule, appropriations and programme parameters */
  scenario_hash: string
  /** preset the run was made from, if any */
  preset: string | null
  /** content hash of everything that determines the results (see specHash) */
  spec_hash: string
}

export interface SpecOptions {
  trials?: number
  seed?: number | string
  preset?: string | null
}

/**
 * Freeze a resolved scenario into a run specification (trials and seed overridable).
 *
 * @example const spec = createRunSpec(resolveScenario(data), { trials: 2000 })
 */
export function createRunSpec(resolved: ResolvedScenario, options: SpecOptions = {}): RunSpec {
  const trials = options.trials ?? resolved.trials
  const seed = options.seed ?? resolved.seed
  const { extends: _drop, ...standalone } = resolved.document
  const spec: Omit<RunSpec, 'spec_hash'> = {
    ...resolved,
    document: { ...standalone, trials, seed },
    trials,
    seed,
    spec_version: SPEC_VERSION,
    engine_version: engineVersion,
    scenario_hash: scenarioHash(resolved),
    preset: options.preset ?? null,
  }
  return Object.freeze({ ...spec, spec_hash: specHash(spec) }) as RunSpec
}

/**
 * SHA-256 (hex) of what determines a run's numbers: engine version, seed, trials and the resolved
 * scenario content. Two specifications with the same hash give byte-identical results.
 */
export function specHash(spec: Pick<RunSpec, 'engine_version' | 'seed' | 'trials' | 'scenario_hash'>): string {
  return createHash('sha256')
    .update(canonicalJson({ engine: spec.engine_version, seed: String(spec.seed), trials: spec.trials, scenario: spec.scenario_hash }))
    .digest('hex')
}

/**
 * A specification read back from storage (JSON). Checks its shape and version, and that it was
 * made for this engine: a run specified for another engine version would not reproduce.
 */
export function readRunSpec(data: unknown, origin = 'run specification'): RunSpec {
  const s = data as Partial<RunSpec> | null
  if (!s || typeof s !== 'object' || s.spec_version !== SPEC_VERSION || !Array.isArray(s.programmes) || typeof s.trials !== 'number')
    throw new BudgetSimError('SPEC_INVALID', `${origin} is not a budget-sim run specification (version ${SPEC_VERSION})`)
  if (s.spec_hash !== specHash(s as RunSpec))
    throw new BudgetSimError('SPEC_INVALID', `${origin} does not match its own hash: it was altered after it was made`)
  return s as RunSpec
}

/** Throw ENGINE_MISMATCH when `spec` was made by another engine version than this process's. */
export function assertSameEngine(spec: Pick<RunSpec, 'engine_version'>, where = 'this process'): void {
  if (spec.engine_version !== engineVersion)
    throw new BudgetSimError(
      'ENGINE_MISMATCH',
      `the run was specified for engine ${spec.engine_version} but ${where} runs engine ${engineVersion}; results would not reproduce: submit the scenario again`,
    )
}
