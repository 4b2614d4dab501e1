// Why: the engine needs hundreds of thousands of independent, reproducible draw streams per run,
// each addressed by what it draws (trial, year, programme, purpose) rather than by how many draws
// came before. A Stream is one reusable sfc32 generator whose state is re-derived from such a key
// in nanoseconds, so a run allocates a handful of Stream objects and re-keys them, never one
// object per stream or per draw.
import { fmix32 } from './fmix32.js'

const TWO_POW_32 = 4294967296
const TWO_POW_53 = 9007199254740992

/** What a stream draws. Part of the stream key: never renumber an existing purpose. */
export const Purpose = {
  applicantCount: 1,
  contractCount: 2,
  contractValue: 3,
  basis: 4,
  tier: 5,
  approval: 6,
  arrival: 7,
  renewalBasis: 8,
  renewalTier: 9,
  renewalContractCount: 10,
  renewalArrival: 11,
  /** matching obligation m uses purpose matchingRatio + m */
  matchingRatio: 32,
} as const

/**
 * A keyed sfc32 pseudo-random stream (Chris Doty-Humphrey's Small Fast Counting generator,
 * 128-bit state, period at least 2^32, passes PractRand to 2^42+ bytes).
 *
 * The state is derived from a 128-bit master key and a 4-part key: four hash lanes, one per
 * master word, each absorbing every key part through fmix32; then 12 warm-up rounds.
 *
 * @example
 * const s = new Stream(deriveMasterKey(1))
 * s.reset(trial, year, programmeKey, Purpose.approval)
 * const u = s.nextFloat() // in (0, 1)
 */
export class Stream {
  private a = 0
  private b = 0
  private c = 0
  private d = 0
  private readonly m0: number
  private readonly m1: number
  private readonly m2: number
  private readonly m3: number

  constructor(masterKey: Uint32Array) {
    this.m0 = masterKey[0]
    this.m1 = masterKey[1]
    this.m2 = masterKey[2]
    this.m3 = masterKey[3]
  }

  /** Re-key the stream. Same key, same master => same sequence. */
  reset(trial: number, year: number, programme: number, purpose: number): this {
    this.a = lane(this.m0, trial, year, programme, purpose) | 0
    this.b = lane(this.m1, trial, year, programme, purpose) | 0
    this.c = lane(this.m2, trial, year, programme, purpose) | 0
    this.d = lane(this.m3, trial, year, programme, purpose) | 0
    for (let i = 0; i < 12; i++) this.nextU32()
    return this
  }

  /** Next 32 random bits as an unsigned integer in [0, 2^32). */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (((this.c << 21) | (this.c >>> 11)) + t) | 0
    return t >>> 0
  }

  /**
   * The next `n` draws of nextU32, into out[0, n): the same sequence, with the state held in
   * locals for the loop (a hot kernel that needs one draw per unit fills a chunk at once, about
   * twice as fast per draw as calling nextU32). The step is nextU32's; the two must stay equal
   * (tested draw for draw).
   */
  fillU32(out: Uint32Array, n: number): void {
    let a = this.a
    let b = this.b
    let c = this.c
    let d = this.d
    for (let i = 0; i < n; i++) {
      const t = (((a + b) | 0) + d) | 0
      d = (d + 1) | 0
      a = b ^ (b >>> 9)
      b = (c + (c << 3)) | 0
      c = (((c << 21) | (c >>> 11)) + t) | 0
      out[i] = t >>> 0
    }
    this.a = a
    this.b = b
    this.c = c
    this.d = d
  }

  /** Uniform in the open interval (0, 1) with 32-bit resolution: (u + 0.5) / 2^32. */
  nextFloat(): number {
    return uniformOf(this.nextU32())
  }

  /** Uniform in the open interval (0, 1) with 53-bit resolution. */
  nextDouble(): number {
    const hi = this.nextU32() >>> 5
    const lo = this.nextU32() >>> 6
    return (hi * 67108864 + lo + 0.5) / TWO_POW_53
  }
}

/**
 * The uniform in (0, 1) that nextFloat makes of 32 random bits u: (u + 0.5) / 2^32.
 *
 * @example uniformOf(0) // 1.16e-10
 */
export function uniformOf(u: number): number {
  return (u + 0.5) / TWO_POW_32
}

function lane(master: number, trial: number, year: number, programme: number, purpose: number): number {
  let h = fmix32(master ^ 0x9e3779b9)
  h = fmix32((h ^ trial) + 0x7f4a7c15)
  h = fmix32((h ^ year) + 0x2545f491)
  h = fmix32((h ^ programme) + 0x3c6ef372)
  h = fmix32((h ^ purpose) + 0xa54ff53a)
  return h
}
