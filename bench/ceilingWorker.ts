// Why: the generator ceiling must be measured where the engine runs, in a worker thread of its
// own, so that the two rates compare the same kind of thread (the main thread does other work
// between turns, which changes what the JIT makes of a tight loop).
import { generatorCeiling } from './generatorCeiling.js'

/** Run the ceiling loop for `applications` applications; returns seconds taken and a checksum. */
export default function ceiling({ applications }: { applications: number }): { seconds: number; checksum: number } {
  const t0 = performance.now()
  const checksum = generatorCeiling(applications)
  return { seconds: (performance.now() - t0) / 1000, checksum }
}
