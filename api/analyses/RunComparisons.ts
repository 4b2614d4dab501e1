// Why: a reform's budget impact against its baseline (GET /runs/:id/compare, and the run's report
// with ?against=) is computed from the two stored trials files in a worker thread, once: both must
// be done and on the same draws (same trials and seed), and the table of two finished runs never
// changes, so it is kept in a small cache bounded in bytes. The server holds one (app.comparisons).
import type { ImpactRow } from '../../engine/analysis/budgetImpact.js'
import { appropriationPlan, impactGroups } from '../../engine/analysis/budgetImpact.js'
import { compilePlan } from '../../engine/plan/compilePlan.js'
import type { TaskPool } from '../../workers/pipeline/TaskPool.js'
import { ApiError } from '../errors.js'
import { ByteBoundedCache } from '../runs/ByteBoundedCache.js'
import type { RunManager } from '../runs/RunManager.js'
import type { RunRecord } from '../store/RunStore.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** budget-impact tables of two stored runs */
    comparisons: RunComparisons
  }
}

/** GET /runs/:id/compare's answer. */
export interface Comparison {
  run: string
  against: string
  measure: 'demand' | 'paid'
  trials: number
  seed: string
  rows: ImpactRow[]
}

export class RunComparisons {
  /** tables computed from stored runs, bounded in bytes (a deleted run answers 404 before the cache is read) */
  private readonly cache = new ByteBoundedCache<Comparison>(4 * 1024 * 1024)

  constructor(
    private readonly pool: TaskPool,
    private readonly manager: RunManager,
  ) {}

  /**
   * The budget impact of `record` (the reform, after) against `other` (the baseline, before).
   * Problems name `fields.run` and `fields.against`: 409 RUN_NOT_READY for a run not done, 400 for
   * runs not on the same draws.
   */
  async compare(record: RunRecord, other: RunRecord, measure: 'demand' | 'paid' = 'demand', fields = { run: 'params.id', against: 'query.against' }): Promise<Comparison> {
    for (const [r, path] of [
      [record, fields.run],
      [other, fields.against],
    ] as const)
      if (r.status !== 'done') throw new ApiError('RUN_NOT_READY', `run ${r.id} is ${r.status}`, [{ path, message: `run ${r.id} has no results (${r.status})` }])
    if (other.trials !== record.trials || other.seed !== record.seed)
      throw new ApiError('VALIDATION_ERROR', 'the runs are not on the same draws', [
        { path: fields.against, message: `run ${other.id} has ${other.trials} trials and seed ${other.seed}; this run has ${record.trials} and ${record.seed}: compare runs with the same trials and seed` },
      ])
    const key = JSON.stringify([record.id, other.id, measure])
    const hit = this.cache.get(key)
    if (hit) return hit
    const after = appropriationPlan(compilePlan(record.spec, record.spec.seed))
    const before = appropriationPlan(compilePlan(other.spec, other.spec.seed))
    const groups = impactGroups(before, after)
    const rows = await this.pool.run<ImpactRow[]>(
      `read:${record.id}`,
      {
        kind: 'read',
        task: { kind: 'compare', path: this.manager.trialsFile(record.id), against: this.manager.trialsFile(other.id), trials: record.trials, measure, groups, plans: { after, before } },
      },
      `the comparison of run ${record.id} with run ${other.id}`,
    )
    const body: Comparison = { run: record.id, against: other.id, measure, trials: record.trials, seed: record.seed, rows }
    this.cache.set(key, body, JSON.stringify(body).length)
    return body
  }
}
