// Why: lognormal contract values are the hottest draw in the engine. Marsaglia and Tsang's
// ziggurat turns one 32-bit draw into a standard normal ~98.8% of the time, several times cheaper
// than Box-Muller's log, sqrt and cos.
import type { Stream } from './Stream.js'

const LAYERS = 128
const R = 3.442619855899
const AREA = 9.91256303526217e-3
/** value bits are the top 25 bits of a draw as a signed integer in [-2^24, 2^24) */
const SCALE = 16777216

const kn = new Float64Array(LAYERS)
const wn = new Float64Array(LAYERS)
const fn = new Float64Array(LAYERS)

;(function buildTables() {
  let dn = R
  let tn = dn
  const q = AREA / Math.exp(-0.5 * dn * dn)
  kn[0] = (dn / q) * SCALE
  kn[1] = 0
  wn[0] = q / SCALE
  wn[LAYERS - 1] = dn / SCALE
  fn[0] = 1
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn)
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(AREA / dn + Math.exp(-0.5 * dn * dn)))
    kn[i + 1] = (dn / tn) * SCALE
    tn = dn
    fn[i] = Math.exp(-0.5 * dn * dn)
    wn[i] = dn / SCALE
  }
})()

/**
 * A standard normal deviate by the ziggurat method (Marsaglia & Tsang 2000, 128 layers).
 *
 * One 32-bit draw u gives the layer i = u & 127 and, independently, the value bits
 * j = (u | 0) >> 7; x = j * w[i] is accepted at once when |j| < k[i]. Otherwise the wedge or the
 * tail (x > r = 3.4426) is sampled by rejection with 53-bit uniforms.
 *
 * @example const z = standardNormal(stream) // mean 0, variance 1
 */
export function standardNormal(s: Stream): number {
  const u = s.nextU32()
  const j = (u | 0) >> 7
  const i = u & 127
  if (Math.abs(j) < kn[i]) return j * wn[i]
  slow[0] = slowPath(s, j, i)
  return slow[0]
}

/**
 * The slow path's value goes through a typed array so that both returns of `standardNormal` are
 * raw doubles: when V8 inlines `standardNormal` but not `slowPath`, a returned number would make
 * the merged result a tagged value, and every fast-path draw would allocate a heap number (seen as
 * 220 scavenges instead of 10 in the benchmark, in some processes and not others).
 */
const slow = new Float64Array(1)

function slowPath(s: Stream, j: number, i: number): number {
  for (;;) {
    if (i === 0) {
      let x: number
      let y: number
      do {
        x = -Math.log(s.nextDouble()) / R
        y = -Math.log(s.nextDouble())
      } while (y + y < x * x)
      return j > 0 ? R + x : -R - x
    }
    const x = j * wn[i]
    if (fn[i] + s.nextDouble() * (fn[i - 1] - fn[i]) < Math.exp(-0.5 * x * x)) return x
    const u = s.nextU32()
    j = (u | 0) >> 7
    i = u & 127
    if (Math.abs(j) < kn[i]) return j * wn[i]
  }
}
