// The ETA with a simulated clock: start-up is not counted, nothing is shown before the rate rests on
// enough time and work, bursts of blocks do not throw it far off, and a stall lengthens it.
import { describe, expect, it } from 'vitest'
import { EtaEstimator } from '../../../workers/pipeline/EtaEstimator.js'

/** A clock the test moves by hand. */
function clock() {
  let t = 0
  return { now: () => t, advance: (ms: number) => (t += ms) }
}

describe('EtaEstimator', () => {
  it('shows nothing before any work is done, however long start-up takes', () => {
    const c = clock()
    const eta = new EtaEstimator(15_000, { now: c.now })
    c.advance(5_000)
    eta.observe(0)
    expect(eta.seconds()).toBeNull()
  })

  it('is within 10% of the truth at its first estimate of a 15 s run after a 5 s start-up (the 30x case)', () => {
    // 1,000 trials a second in blocks of 100 (a block every 100 ms) once the threads are up
    const c = clock()
    const eta = new EtaEstimator(15_000, { now: c.now })
    c.advance(5_000)
    let done = 0
    let first: number | null = null
    let at = 0
    while (first === null) {
      c.advance(100)
      done += 100
      eta.observe(done)
      first = eta.seconds()
      at = done
    }
    const truth = (15_000 - at) / 1000
    expect(Math.abs(first - truth) / truth).toBeLessThan(0.1)
  })

  it('stays within 10% when blocks land in bursts of several at once', () => {
    // 2 threads, blocks of 1,000 trials each taking 1 s: two blocks land together every second
    const c = clock()
    const eta = new EtaEstimator(40_000, { now: c.now })
    let done = 0
    for (let second = 1; second <= 20; second++) {
      for (let tick = 0; tick < 10; tick++) {
        c.advance(100)
        if (tick === 9) done += 2_000
        eta.observe(done)
        const s = eta.seconds()
        if (s !== null && done >= 6_000) {
          const truth = (40_000 - second * 2_000) / 2_000 + (9 - tick) * 0.1
          expect(Math.abs(s - truth)).toBeLessThanOrEqual(0.1 * truth + 1e-9)
        }
      }
    }
  })

  it('lengthens while no work comes back, and is 0 when all is done', () => {
    const c = clock()
    const eta = new EtaEstimator(1_000, { now: c.now })
    eta.observe(100)
    c.advance(1_000)
    eta.observe(200) // 100 a second: 8 s left
    expect(eta.seconds()).toBeCloseTo(8, 6)
    c.advance(500) // the next 100 are due in 500 ms
    expect(eta.seconds()).toBeCloseTo(7.5, 6)
    c.advance(2_500) // a stall: 100 in 4 s so far, 25 a second
    expect(eta.seconds()).toBeCloseTo(32, 6)
    eta.observe(1_000)
    expect(eta.seconds()).toBe(0)
  })

  it('never counts backwards when a count is observed out of order', () => {
    const c = clock()
    const eta = new EtaEstimator(1_000, { now: c.now })
    eta.observe(100)
    c.advance(1_000)
    eta.observe(300)
    eta.observe(250)
    expect(eta.seconds()).toBeCloseTo(3.5, 6)
  })
})
