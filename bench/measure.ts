// Why: every benchmark figure is the median of several repetitions with its min and max, measured
// in one run, because absolute times on a shared machine are not stable; ratios are.

export interface Measured {
  median: number
  min: number
  max: number
  samples: number[]
}

/** Summarise samples: median, min, max. */
export function measured(samples: number[]): Measured {
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return { median, min: sorted[0], max: sorted[sorted.length - 1], samples }
}

/** Time `f` `repeat` times (after `warmup` untimed calls); seconds per call. */
export async function timeIt(f: () => unknown | Promise<unknown>, repeat: number, warmup = 1): Promise<Measured> {
  for (let i = 0; i < warmup; i++) await f()
  const samples: number[] = []
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now()
    await f()
    samples.push((performance.now() - t0) / 1000)
  }
  return measured(samples)
}

/**
 * Time several functions in turns (A, B, C, A, B, C, ...) `repeat` times after one untimed warm-up
 * round, so that contention on a shared machine falls on all of them alike and their ratios hold.
 * A function may return its own time in seconds (e.g. a peer that times itself); otherwise wall
 * time is used.
 */
export async function timeInTurns(fs: (() => unknown | Promise<unknown>)[], repeat: number): Promise<Measured[]> {
  for (const f of fs) await f()
  const samples: number[][] = fs.map(() => [])
  for (let r = 0; r < repeat; r++)
    for (let i = 0; i < fs.length; i++) {
      const t0 = performance.now()
      const own = await fs[i]()
      samples[i].push(typeof own === 'number' ? own : (performance.now() - t0) / 1000)
    }
  return samples.map(measured)
}

/** A rate (things per second) from a size and a time distribution: median, and min/max swapped. */
export function rate(things: number, seconds: Measured): Measured {
  return {
    median: things / seconds.median,
    min: things / seconds.max,
    max: things / seconds.min,
    samples: seconds.samples.map((s) => things / s),
  }
}

/** Least-squares slope of log(y) on log(x): the scaling exponent (1.0 is linear). */
export function logLogSlope(xs: number[], ys: number[]): number {
  const lx = xs.map(Math.log)
  const ly = ys.map(Math.log)
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length
  const my = ly.reduce((a, b) => a + b, 0) / ly.length
  let num = 0
  let den = 0
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i] - mx) * (ly[i] - my)
    den += (lx[i] - mx) ** 2
  }
  return num / den
}
