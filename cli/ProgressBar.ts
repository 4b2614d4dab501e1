// Why: a long run must show it is alive and how long it has left; on a terminal only, so logs
// and pipes stay clean.
import type { Writable } from 'node:stream'

/** A one-line progress bar redrawn in place on a TTY; a no-op when disabled. */
export class ProgressBar {
  private readonly started = performance.now()
  private lastDraw = 0
  private drawn = false

  constructor(
    private readonly out: Writable,
    private readonly enabled: boolean,
  ) {}

  update(done: number, total: number, phase: string): void {
    if (!this.enabled) return
    const now = performance.now()
    if (now - this.lastDraw < 80 && done < total) return
    this.lastDraw = now
    const width = 30
    const fraction = total > 0 ? Math.min(1, done / total) : 1
    const filled = Math.round(fraction * width)
    const elapsed = (now - this.started) / 1000
    const eta = fraction > 0 && fraction < 1 ? ` ETA ${Math.ceil((elapsed * (1 - fraction)) / fraction)}s` : ''
    const label = phase === 'summarize' ? 'summarising' : `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} trials`
    this.out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${label}${eta}\u001b[K`)
    this.drawn = true
  }

  done(): void {
    if (this.drawn) this.out.write('\r\u001b[K')
    this.drawn = false
  }
}
