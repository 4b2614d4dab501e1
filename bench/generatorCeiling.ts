// Why: the engine can never be faster than producing the random numbers an application needs.
// This measures that ceiling with the engine's own generator: per application one uniform (its
// contract count), 1.4 lognormals on average (its contract values) and one uniform (approval), in
// a tight loop with no rules and no bookkeeping, drawing the way the engine's kernel does.
import { deriveMasterKey } from '../engine/random/masterKey.js'
import { standardNormal } from '../engine/random/standardNormal.js'
import { Stream, uniformOf } from '../engine/random/Stream.js'

/** Draw what `applications` applications need; returns a checksum so nothing is optimised away. */
export function generatorCeiling(applications: number): number {
  const key = deriveMasterKey(1)
  const counts = new Stream(key).reset(0, 0, 0, 1)
  const values = new Stream(key).reset(0, 0, 0, 2)
  const approvals = new Stream(key).reset(0, 0, 0, 3)
  const mu = Math.log(2_000_000)
  const sigma = 1.2
  // the one-per-application draws are filled a chunk at a time, as the engine does
  const chunk = 4096
  const countBits = new Uint32Array(chunk)
  const approvalBits = new Uint32Array(chunk)
  let sum = 0
  for (let start = 0; start < applications; start += chunk) {
    const len = Math.min(chunk, applications - start)
    counts.fillU32(countBits, len)
    approvals.fillU32(approvalBits, len)
    for (let r = 0; r < len; r++) {
      const u = uniformOf(countBits[r])
      // 1 + Poisson(0.4) has mean 1.4: two values for 2 applications in 5, one otherwise
      const k = (start + r) % 5 < 2 ? 2 : 1
      for (let j = 0; j < k; j++) sum += Math.exp(mu + sigma * standardNormal(values))
      if (approvalBits[r] < 3435973837) sum += u
    }
  }
  return sum
}
