// Why: analyses are resources like runs and must outlive the process the same way: their
// definition (the frozen run specification, figure, ranges or interval), status, progress and
// result are kept in SQLite beside the runs (DATA_DIR/analyses.sqlite), so a restart finds every
// finished analysis and re-queues every interrupted one from its stored definition.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'

export const AnalysisStatuses = ['queued', 'running', 'done', 'failed', 'cancelled'] as const
export type AnalysisStatus = (typeof AnalysisStatuses)[number]
export const AnalysisKinds = ['sensitivity', 'goal_seek'] as const
export type AnalysisKind = (typeof AnalysisKinds)[number]

export interface AnalysisRecord {
  id: string
  seq: number
  kind: AnalysisKind
  status: AnalysisStatus
  name: string
  preset: string | null
  /** the request as submitted (for display) */
  request: Record<string, unknown>
  /** the checked definition the analysis runs (engine form, JSON) */
  definition: Record<string, unknown>
  runs: number
  runs_done: number
  trials: number
  seed: string
  created_at: string
  started_at: string | null
  finished_at: string | null
  result: Record<string, unknown> | null
  error_code: string | null
  error_message: string | null
  attempts: number
  draws: number | null
  owner: string | null
}

type Row = Omit<AnalysisRecord, 'request' | 'definition' | 'result'> & { request_json: string; definition_json: string; result_json: string | null }

const SCHEMA = `
CREATE TABLE IF NOT EXISTS analyses (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  name TEXT NOT NULL,
  preset TEXT,
  request_json TEXT NOT NULL,
  definition_json TEXT NOT NULL,
  runs INTEGER NOT NULL,
  runs_done INTEGER NOT NULL DEFAULT 0,
  trials INTEGER NOT NULL,
  seed TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  result_json TEXT,
  error_code TEXT,
  error_message TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  draws INTEGER,
  owner TEXT
);
CREATE INDEX IF NOT EXISTS analyses_status ON analyses(status);
`

export class AnalysisStore {
  private readonly db: Database.Database

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true })
    this.db = new Database(join(dataDir, 'analyses.sqlite'))
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.exec(SCHEMA)
  }

  insert(r: Omit<AnalysisRecord, 'seq'>): AnalysisRecord {
    const info = this.db
      .prepare(
        `INSERT INTO analyses (id, kind, status, name, preset, request_json, definition_json, runs, runs_done, trials, seed, created_at, started_at,
          finished_at, result_json, error_code, error_message, attempts, draws, owner)
         VALUES (@id, @kind, @status, @name, @preset, @request_json, @definition_json, @runs, @runs_done, @trials, @seed, @created_at, @started_at,
          @finished_at, @result_json, @error_code, @error_message, @attempts, @draws, @owner)`,
      )
      .run({
        ...r,
        request: undefined,
        definition: undefined,
        result: undefined,
        request_json: JSON.stringify(r.request),
        definition_json: JSON.stringify(r.definition),
        result_json: r.result === null ? null : JSON.stringify(r.result),
      })
    return { ...r, seq: Number(info.lastInsertRowid) }
  }

  get(id: string): AnalysisRecord | undefined {
    const row = this.db.prepare('SELECT * FROM analyses WHERE id = ?').get(id) as Row | undefined
    return row && fromRow(row)
  }

  list(limit: number, offset: number, filter: { status?: AnalysisStatus[]; kind?: AnalysisKind; owner?: string } = {}): { analyses: AnalysisRecord[]; total: number } {
    const clauses: string[] = []
    const params: Record<string, string | number> = {}
    if (filter.status?.length) {
      clauses.push(`status IN (${filter.status.map((_, i) => `@status${i}`).join(', ')})`)
      filter.status.forEach((s, i) => (params[`status${i}`] = s))
    }
    for (const key of ['kind', 'owner'] as const) {
      if (filter[key] === undefined) continue
      clauses.push(`${key} = @${key}`)
      params[key] = filter[key]!
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : ''
    const rows = this.db.prepare(`SELECT * FROM analyses ${where} ORDER BY seq DESC LIMIT @limit OFFSET @offset`).all({ ...params, limit, offset }) as Row[]
    const { total } = this.db.prepare(`SELECT COUNT(*) AS total FROM analyses ${where}`).get(params) as { total: number }
    return { analyses: rows.map(fromRow), total }
  }

  withStatus(statuses: AnalysisStatus[]): AnalysisRecord[] {
    const marks = statuses.map(() => '?').join(', ')
    return (this.db.prepare(`SELECT * FROM analyses WHERE status IN (${marks}) ORDER BY seq ASC`).all(...statuses) as Row[]).map(fromRow)
  }

  update(id: string, fields: Partial<Omit<AnalysisRecord, 'id' | 'seq' | 'request' | 'definition'>>): void {
    const { result, ...rest } = fields
    const columns: Record<string, unknown> = { ...rest }
    if (result !== undefined) columns.result_json = result === null ? null : JSON.stringify(result)
    const keys = Object.keys(columns)
    if (keys.length === 0) return
    this.db.prepare(`UPDATE analyses SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...columns, id })
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM analyses WHERE id = ?').run(id)
  }

  close(): void {
    this.db.close()
  }
}

function fromRow(row: Row): AnalysisRecord {
  const { request_json, definition_json, result_json, ...rest } = row
  return {
    ...rest,
    request: JSON.parse(request_json),
    definition: JSON.parse(definition_json),
    result: result_json ? JSON.parse(result_json) : null,
  }
}
