// Why: results computed from stored runs (distributions for charts) are worth keeping for the next
// request, but a cache must not grow with use: this one is bounded in bytes and drops the least
// recently used entries first.
export class ByteBoundedCache<T> {
  private readonly entries = new Map<string, { value: T; bytes: number }>()
  private used = 0

  constructor(private readonly maxBytes: number) {}

  get(key: string): T | undefined {
    const hit = this.entries.get(key)
    if (!hit) return undefined
    this.entries.delete(key)
    this.entries.set(key, hit)
    return hit.value
  }

  /** Keep `value` (about `bytes` bytes); entries larger than the whole cache are not kept. */
  set(key: string, value: T, bytes: number): void {
    const old = this.entries.get(key)
    if (old) {
      this.used -= old.bytes
      this.entries.delete(key)
    }
    if (bytes > this.maxBytes) return
    this.entries.set(key, { value, bytes })
    this.used += bytes
    for (const [k, e] of this.entries) {
      if (this.used <= this.maxBytes) break
      this.entries.delete(k)
      this.used -= e.bytes
    }
  }

  clear(): void {
    this.entries.clear()
    this.used = 0
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.used }
  }
}
