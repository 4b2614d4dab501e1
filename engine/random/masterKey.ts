// Why: every run starts from one scenario seed. seedrandom turns it, once per run, into a
// 128-bit master key; all draw streams are then derived from that key without seedrandom's
// per-stream seeding cost (see streamKey.ts).
import seedrandom from 'seedrandom'

/**
 * Derive the 128-bit master key of a run from its scenario seed.
 *
 * The seed is stringified and fed to seedrandom's xor4096 generator (not the slow ARC4
 * default); its first four 32-bit outputs are the key.
 *
 * @example deriveMasterKey(20150827) // Uint32Array(4) [..four words..]
 */
export function deriveMasterKey(seed: number | string): Uint32Array {
  const gen = seedrandom.xor4096(`budget-sim:${String(seed)}`)
  const key = new Uint32Array(4)
  for (let i = 0; i < 4; i++) key[i] = gen.int32() >>> 0
  return key
}
