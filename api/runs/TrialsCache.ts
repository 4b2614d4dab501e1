// Why: filtered or CSV trials are cut from the run's Arrow file; reading a large file for every
// request is wasteful, so the last few tables read stay in memory.
import { readFile } from 'node:fs/promises'
import { tableFromIPC, type Table } from 'apache-arrow'

/** A small LRU of tables read from Arrow IPC files, keyed by path. */
export class TableCache {
  private readonly entries = new Map<string, Promise<Table>>()

  constructor(private readonly capacity = 2) {}

  get(path: string): Promise<Table> {
    const hit = this.entries.get(path)
    if (hit) {
      this.entries.delete(path)
      this.entries.set(path, hit)
      return hit
    }
    const loading = readFile(path).then((bytes) => tableFromIPC(bytes))
    loading.catch(() => this.entries.delete(path))
    this.entries.set(path, loading)
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!)
    return loading
  }

  forget(prefix: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key)
  }
}
