// Why: runs must outlive the process. Run metadata lives in an embedded SQLite file (no server to
// install) beside the result files, so a restart finds every finished run intact and every
// interrupted one to re-queue.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { readRunSpec, type RunSpec } from '../../engine/run/RunSpec.js'

export const RunStatuses = ['queued', 'running', 'done', 'failed', 'cancelled'] as const
export type RunStatus = (typeof RunStatuses)[number]
/** Statuses a run never leaves. */
export const FinalStatuses: readonly RunStatus[] = ['done', 'failed', 'cancelled']

export interface RunRecord {
  id: string
  seq: number
  status: RunStatus
  name: string
  /** preset the run was made from, if any */
  preset: string | null
  /** the scenario document submitted (extends applied, standalone), for display */
  scenario: Record<string, unknown>
  /** the run specification: resolved once at submission, used for execution and every read */
  spec: RunSpec
  lineage: string[]
  trials: number
  seed: string
  scenario_hash: string
  created_at: string
  started_at: string | null
  finished_at: string | null
  trials_done: number
  applications: number | null
  rows: number | null
  simulate_ms: number | null
  summarize_ms: number | null
  write_ms: number | null
  error_code: string | null
  error_message: string | null
  /** times the run was started (more than 1 after a re-queue) */
  attempts: number
  /** random draws made (when done) */
  draws: number | null
  /** bytes the run's files take (when done), or are expected to take (queued, running) */
  bytes: number | null
  /** fingerprint of the bearer token that created the run (null: created without one) */
  owner?: string | null
  /**
   * a precision run: its targets (and, once done, whether they were met, the trials used and each
   * check); its `trials` is the maximum until it is done, then the trials used
   */
  precision?: Record<string, unknown> | null
}

export interface RunFilter {
  status?: RunStatus[]
  preset?: string
  name?: string
  scenario_hash?: string
  seed?: string
  trials?: number
  owner?: string
}

type Row = Omit<RunRecord, 'scenario' | 'lineage' | 'spec' | 'precision'> & { scenario_json: string; lineage_json: string; spec_json: string; precision_json?: string | null }

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  name TEXT NOT NULL,
  preset TEXT,
  scenario_json TEXT NOT NULL,
  lineage_json TEXT NOT NULL,
  trials INTEGER NOT NULL,
  seed TEXT NOT NULL,
  scenario_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  trials_done INTEGER NOT NULL DEFAULT 0,
  applications INTEGER,
  rows INTEGER,
  simulate_ms REAL,
  summarize_ms REAL,
  write_ms REAL,
  error_code TEXT,
  error_message TEXT,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS runs_status ON runs(status);
`

/** Columns added after the first release, with their definitions (added when missing). */
const ADDED_COLUMNS: [string, string][] = [
  ['spec_json', 'TEXT'],
  ['draws', 'INTEGER'],
  ['bytes', 'INTEGER'],
  // the token fingerprint of the run's creator (runs stored before have none)
  ['owner', 'TEXT'],
  // a precision run's targets and outcome (JSON)
  ['precision_json', 'TEXT'],
]

/** SQLite-backed run metadata (synchronous: better-sqlite3). */
export class RunStore {
  private readonly db: Database.Database

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true })
    this.db = new Database(join(dataDir, 'runs.sqlite'))
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.exec(SCHEMA)
    const have = new Set((this.db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name))
    for (const [name, type] of ADDED_COLUMNS) if (!have.has(name)) this.db.exec(`ALTER TABLE runs ADD COLUMN ${name} ${type}`)
    this.db.exec('CREATE INDEX IF NOT EXISTS runs_owner ON runs(owner)')
  }

  /** Runs stored before specifications were (no spec_json): id and scenario, to be specified once. */
  withoutSpec(): { id: string; scenario: Record<string, unknown>; trials: number; seed: string; preset: string | null }[] {
    return (this.db.prepare('SELECT id, scenario_json, trials, seed, preset FROM runs WHERE spec_json IS NULL').all() as any[]).map((r) => ({
      id: r.id,
      scenario: JSON.parse(r.scenario_json),
      trials: r.trials,
      seed: r.seed,
      preset: r.preset,
    }))
  }

  /** Store the specification of a run stored without one. */
  setSpec(id: string, spec: RunSpec): void {
    this.db.prepare('UPDATE runs SET spec_json = ? WHERE id = ?').run(JSON.stringify(spec), id)
  }

  /** Bytes of finished runs' files, and expected bytes of queued and running ones. */
  bytes(): { stored: number; reserved: number } {
    const row = this.db
      .prepare(`SELECT COALESCE(SUM(CASE WHEN status = 'done' THEN bytes END), 0) AS stored, COALESCE(SUM(CASE WHEN status IN ('queued', 'running') THEN bytes END), 0) AS reserved FROM runs`)
      .get() as { stored: number; reserved: number }
    return row
  }

  /** Finished runs, oldest first (for eviction). */
  oldestDone(limit: number): RunRecord[] {
    return (this.db.prepare(`SELECT * FROM runs WHERE status = 'done' ORDER BY seq ASC LIMIT ?`).all(limit) as Row[]).map(fromRow)
  }

  insert(r: Omit<RunRecord, 'seq'>): RunRecord {
    const info = this.db
      .prepare(
        `INSERT INTO runs (id, status, name, preset, scenario_json, lineage_json, spec_json, trials, seed, scenario_hash, created_at, started_at,
          finished_at, trials_done, applications, rows, simulate_ms, summarize_ms, write_ms, error_code, error_message, attempts, draws, bytes, precision_json)
         VALUES (@id, @status, @name, @preset, @scenario_json, @lineage_json, @spec_json, @trials, @seed, @scenario_hash, @created_at, @started_at,
          @finished_at, @trials_done, @applications, @rows, @simulate_ms, @summarize_ms, @write_ms, @error_code, @error_message, @attempts, @draws, @bytes, @precision_json)`,
      )
      .run({
        ...r,
        spec: undefined,
        precision: undefined,
        scenario_json: JSON.stringify(r.scenario),
        lineage_json: JSON.stringify(r.lineage),
        spec_json: JSON.stringify(r.spec),
        precision_json: r.precision ? JSON.stringify(r.precision) : null,
      })
    return { ...r, seq: Number(info.lastInsertRowid) }
  }

  get(id: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined
    return row && fromRow(row)
  }

  /** Newest first, optionally filtered (all given filters must match). */
  list(limit: number, offset: number, filter: RunFilter = {}): { runs: RunRecord[]; total: number } {
    const clauses: string[] = []
    const params: Record<string, string | number> = {}
    if (filter.status?.length) {
      clauses.push(`status IN (${filter.status.map((_, i) => `@status${i}`).join(', ')})`)
      filter.status.forEach((s, i) => (params[`status${i}`] = s))
    }
    for (const key of ['preset', 'name', 'scenario_hash', 'seed', 'trials', 'owner'] as const) {
      if (filter[key] === undefined) continue
      clauses.push(`${key} = @${key}`)
      params[key] = filter[key]!
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : ''
    const rows = this.db.prepare(`SELECT * FROM runs ${where} ORDER BY seq DESC LIMIT @limit OFFSET @offset`).all({ ...params, limit, offset }) as Row[]
    const { total } = this.db.prepare(`SELECT COUNT(*) AS total FROM runs ${where}`).get(params) as { total: number }
    return { runs: rows.map(fromRow), total }
  }

  /** Runs in the given statuses, oldest first. */
  withStatus(statuses: RunStatus[]): RunRecord[] {
    const marks = statuses.map(() => '?').join(', ')
    return (this.db.prepare(`SELECT * FROM runs WHERE status IN (${marks}) ORDER BY seq ASC`).all(...statuses) as Row[]).map(fromRow)
  }

  update(id: string, fields: Partial<Omit<RunRecord, 'id' | 'seq' | 'scenario' | 'lineage' | 'spec'>>): void {
    const { precision, ...rest } = fields
    const columns: Record<string, unknown> = { ...rest }
    if (precision !== undefined) columns.precision_json = precision === null ? null : JSON.stringify(precision)
    const keys = Object.keys(columns)
    if (keys.length === 0) return
    this.db.prepare(`UPDATE runs SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...columns, id })
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM runs WHERE id = ?').run(id)
  }

  close(): void {
    this.db.close()
  }
}

/** Parsed specifications by run id and stored text (a run's spec never changes once stored). */
const specCache = new Map<string, { text: string; spec: RunSpec }>()

function fromRow(row: Row): RunRecord {
  const { scenario_json, lineage_json, spec_json, precision_json, ...rest } = row
  let spec: RunSpec
  const cached = specCache.get(row.id)
  if (cached && cached.text === spec_json) spec = cached.spec
  else {
    spec = spec_json ? readRunSpec(JSON.parse(spec_json), `the specification of run ${row.id}`) : (null as unknown as RunSpec)
    if (spec) {
      specCache.set(row.id, { text: spec_json, spec })
      if (specCache.size > 1000) specCache.delete(specCache.keys().next().value!)
    }
  }
  return { ...rest, scenario: JSON.parse(scenario_json), lineage: JSON.parse(lineage_json), spec, precision: precision_json ? JSON.parse(precision_json) : null }
}
