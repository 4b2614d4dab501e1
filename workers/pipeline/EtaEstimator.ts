// Why: a progress bar's "ETA" is only useful if it is honest from the first time it shows. Start-up
// (threads loading, the plan compiling, the first blocks in flight) is not part of the remaining
// time, and work arrives in bursts (a block at a time), so a rate measured over the first instants
// was off by 30x. This measures the rate from the first progress seen, shows nothing until that
// rate rests on enough time and work, measures the rate over whole bursts (from the first progress
// to the latest), lengthens the estimate when work stops coming back, and takes the clock as a
// parameter so it can be tested.

export interface EtaOptions {
  /** the clock in milliseconds (default performance.now) */
  now?: () => number
  /** no estimate until the rate rests on this many ms since the first progress (default 500) */
  minElapsedMs?: number
  /** ...and on this share of the total done since then (default 0.02) */
  minShare?: number
}

/**
 * Seconds left for `total` units of work, from the rate since the first unit was seen done.
 *
 * With (t₀, done₀) the first observation with done > 0, (t₁, done) the latest change, k the number
 * of changes since t₀ and g = (t₁ - t₀) / k their mean interval, δ = now - t₁:
 * eta = (total - done) (t₁ - t₀) / (done - done₀) - δ while δ ≤ g (the next burst is due), and
 * eta = (total - done) (now - t₀) / (done - done₀) once δ > g (work has stalled: the rate falls).
 * Null until now - t₀ ≥ minElapsedMs and done - done₀ ≥ minShare × total.
 *
 * @example const eta = new EtaEstimator(1000); eta.observe(100); ...; eta.observe(400); eta.seconds() // 4.5 at 200 units/s
 */
export class EtaEstimator {
  readonly total: number
  private readonly now: () => number
  private readonly minElapsedMs: number
  private readonly minShare: number
  private anchor: { time: number; done: number } | null = null
  private last = 0
  private lastChange = 0
  private changes = 0

  constructor(total: number, options: EtaOptions = {}) {
    this.total = total
    this.now = options.now ?? (() => performance.now())
    this.minElapsedMs = options.minElapsedMs ?? 500
    this.minShare = options.minShare ?? 0.02
  }

  /** Record that `done` units are complete now (counts never go back). */
  observe(done: number): void {
    if (done <= this.last) return
    this.last = done
    const now = this.now()
    if (this.anchor === null) this.anchor = { time: now, done }
    else {
      this.lastChange = now
      this.changes++
    }
  }

  /** Seconds left, or null while the rate is not yet known. */
  seconds(): number | null {
    if (this.anchor === null) return null
    if (this.last >= this.total) return 0
    const now = this.now()
    const progressed = this.last - this.anchor.done
    if (this.changes === 0 || now - this.anchor.time < this.minElapsedMs || progressed < this.minShare * this.total) return null
    const measured = this.lastChange - this.anchor.time
    const since = now - this.lastChange
    const left = this.total - this.last
    const ms = since <= measured / this.changes ? Math.max(0, (left * measured) / progressed - since) : (left * (now - this.anchor.time)) / progressed
    return ms / 1000
  }
}
