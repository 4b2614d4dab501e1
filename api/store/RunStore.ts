// Why: runs must outlive the process. Run metadata lives in an embedded SQLite file (no server to
// install) beside the result files, so a restart finds every finished run intact and every
// interrupted one to re-queue.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'

export const RunStatuses = ['queued', 'running', 'done', 'failed', 'cancelled'] as const
export type RunStatus = (typeof RunStatuses)[number]

export interface RunRecord {
  id: string
  seq: number
  status: RunStatus
  name: string
  /** preset the run was made from, if any */
  preset: string | null
  /** the scenario document to simulate (extends applied, standalone) */
  scenario: Record<string, unknown>
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
  /** fingerprint of the bearer token that created the run (null: created without one) */
  owner?: string | null
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

type Row = Omit<RunRecord, 'scenario' | 'lineage'> & { scenario_json: string; lineage_json: string }

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

/** SQLite-backed run metadata (synchronous: better-sqlite3). */
export class RunStore {
  private readonly db: Database.Database

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true })
    this.db = new Database(join(dataDir, 'runs.sqlite'))
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.exec(SCHEMA)
    // migration: the token fingerprint of the run's creator (runs stored before have none)
    const columns = (this.db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name)
    if (!columns.includes('owner')) this.db.exec('ALTER TABLE runs ADD COLUMN owner TEXT')
    this.db.exec('CREATE INDEX IF NOT EXISTS runs_owner ON runs(owner)')
  }

  insert(r: Omit<RunRecord, 'seq'>): RunRecord {
    const info = this.db
      .prepare(
        `INSERT INTO runs (id, status, name, preset, scenario_json, lineage_json, trials, seed, scenario_hash, created_at, started_at,
          finished_at, trials_done, applications, rows, simulate_ms, summarize_ms, write_ms, error_code, error_message, attempts)
         VALUES (@id, @status, @name, @preset, @scenario_json, @lineage_json, @trials, @seed, @scenario_hash, @created_at, @started_at,
          @finished_at, @trials_done, @applications, @rows, @simulate_ms, @summarize_ms, @write_ms, @error_code, @error_message, @attempts)`,
      )
      .run({ ...r, scenario_json: JSON.stringify(r.scenario), lineage_json: JSON.stringify(r.lineage) })
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

  update(id: string, fields: Partial<Omit<RunRecord, 'id' | 'seq' | 'scenario' | 'lineage'>>): void {
    const keys = Object.keys(fields)
    if (keys.length === 0) return
    this.db.prepare(`UPDATE runs SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...fields, id })
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM runs WHERE id = ?').run(id)
  }

  close(): void {
    this.db.close()
  }
}

function fromRow(row: Row): RunRecord {
  const { scenario_json, lineage_json, ...rest } = row
  return { ...rest, scenario: JSON.parse(scenario_json), lineage: JSON.parse(lineage_json) }
}
