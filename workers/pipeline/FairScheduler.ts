// Why: several runs (and reads of stored runs) share one set of worker threads. If tasks were
// queued first come, first served, a small run submitted behind a huge one would wait for all of
// it. The scheduler keeps a queue per owner (a run, or the reads) and hands free slots to owners in
// turn, so a small run finishes in about the time it takes alone plus one block per slot (a thread
// has two slots: the task it runs and the one queued behind it).

interface Waiting {
  start: () => void
  reject: (e: Error) => void
}

export class FairScheduler {
  private readonly queues = new Map<string, Waiting[]>()
  /** owners with waiting work, in turn order */
  private readonly turn: string[] = []
  private running = 0

  constructor(private slots: number) {
    if (!(slots >= 1)) throw new Error(`FairScheduler: slots must be at least 1, got ${slots}`)
  }

  /** Tasks running now. */
  get active(): number {
    return this.running
  }

  /** Tasks waiting for a slot, by owner. */
  waiting(owner?: string): number {
    if (owner !== undefined) return this.queues.get(owner)?.length ?? 0
    let n = 0
    for (const q of this.queues.values()) n += q.length
    return n
  }

  resize(slots: number): void {
    this.slots = Math.max(1, slots)
    this.dispatch()
  }

  /**
   * Run `task` when a slot is free and it is `owner`'s turn. Resolves or rejects with the task.
   *
   * @example await scheduler.schedule(runId, () => pool.run(block))
   */
  schedule<T>(owner: string, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++
        let settled: Promise<T>
        try {
          settled = task()
        } catch (e) {
          settled = Promise.reject(e)
        }
        settled.then(resolve, reject).finally(() => {
          this.running--
          this.dispatch()
        })
      }
      let queue = this.queues.get(owner)
      if (!queue) {
        queue = []
        this.queues.set(owner, queue)
        this.turn.push(owner)
      }
      queue.push({ start, reject })
      this.dispatch()
    })
  }

  /** Drop `owner`'s waiting tasks; their promises reject with `reason`. Running tasks are not touched. */
  drop(owner: string, reason: () => Error): number {
    const queue = this.queues.get(owner)
    if (!queue) return 0
    this.queues.delete(owner)
    const at = this.turn.indexOf(owner)
    if (at >= 0) this.turn.splice(at, 1)
    const error = reason()
    for (const w of queue) w.reject(error)
    return queue.length
  }

  private dispatch(): void {
    while (this.running < this.slots && this.turn.length > 0) {
      const owner = this.turn.shift()!
      const queue = this.queues.get(owner)!
      const next = queue.shift()!
      if (queue.length > 0) this.turn.push(owner)
      else this.queues.delete(owner)
      next.start()
    }
  }
}
