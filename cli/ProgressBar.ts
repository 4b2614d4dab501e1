// Why: a long run must show it is alive, what it is doing and how long it has left; on a terminal
// only, so logs and pipes stay clean. The time left comes from the rate measured once blocks flow
// (start-up excluded), and summarising shows its own progress.
import type { Writable } from 'node:stream'
import type { RunProgress } from '../workers/pipeline/executeRun.js'

/** A one-line progress bar redrawn in place on a TTY; a no-op when disabled. */
export class ProgressBar {
  private lastDraw = 0
  private drawn = false

  constructor(
    private readonly out: Writable,
    private readonly enabled: boolean,
  ) {}

  update(p: RunProgress): void {
    if (!this.enabled) return
    const now = performance.now()
    if (now - this.lastDraw < 80) return
    this.lastDraw = now
    const [done, total, label] =
      p.phase === 'simulate'
        ? [p.trialsDone, p.trials, `${p.trialsDone.toLocaleString('en-US')}/${p.trials.toLocaleString('en-US')} trials`]
        : p.phase === 'summarize'
          ? [p.seriesDone, p.series, `summarising ${p.seriesDone}/${p.series} series`]
          : [1, 1, 'writing']
    const width = 30
    const fraction = total > 0 ? Math.min(1, done / total) : 1
    const filled = Math.round(fraction * width)
    const eta = p.etaSeconds !== null && fraction < 1 ? ` ETA ${formatSeconds(p.etaSeconds)}` : ''
    this.out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${label}${eta}\u001b[K`)
    this.drawn = true
  }

  done(): void {
    if (this.drawn) this.out.write('\r\u001b[K')
    this.drawn = false
  }
}

/** 7 s, 2 min 05 s, 1 h 02 min */
export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.max(1, Math.ceil(s))} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`
  return `${Math.floor(s / 3600)} h ${String(Math.round((s % 3600) / 60)).padStart(2, '0')} min`
}
