// Why: exact quantiles, VaR and TVaR need every trial's value sorted, for hundreds of series of up
// to millions of trials. A least-significant-digit radix sort on the IEEE 754 bit patterns sorts
// doubles in linear time, about twice as fast as Float64Array.prototype.sort here, and gives
// exactly the same order (-0 before +0; the engine produces no NaN).

const DIGIT_BITS = 11
const BUCKETS = 1 << DIGIT_BITS
const MASK = BUCKETS - 1
const counts = new Uint32Array(BUCKETS * 6)

/**
 * Sort `values` ascending into `out` (which may be `values` itself), using `scratch` (same
 * length) as working space. Returns `out`.
 *
 * Keys: a double's bits with the sign bit flipped for positives and every bit flipped for
 * negatives order like the numbers; six passes of 11 bits, skipping a pass when every key shares
 * the digit.
 *
 * @example sortFloat64(Float64Array.of(3, -1, 2), new Float64Array(3), new Float64Array(3)) // [-1, 2, 3]
 */
export function sortFloat64(values: Float64Array, out: Float64Array, scratch: Float64Array): Float64Array {
  const n = values.length
  if (out.length < n || scratch.length < n) throw new Error('sortFloat64: out and scratch must hold every value')
  if (n < 256) {
    const sorted = Float64Array.from(values).sort()
    out.set(sorted)
    return out
  }
  const a = new Uint32Array(out.buffer, out.byteOffset, 2 * n)
  const b = new Uint32Array(scratch.buffer, scratch.byteOffset, 2 * n)
  if (values !== out) out.set(values)
  // to sortable keys, counting every digit in the same pass
  counts.fill(0)
  for (let i = 0; i < n; i++) {
    let lo = a[2 * i]
    let hi = a[2 * i + 1]
    if (hi & 0x80000000) {
      hi = ~hi >>> 0
      lo = ~lo >>> 0
    } else hi = (hi | 0x80000000) >>> 0
    a[2 * i] = lo
    a[2 * i + 1] = hi
    counts[lo & MASK]++
    counts[BUCKETS + ((lo >>> 11) & MASK)]++
    counts[2 * BUCKETS + (((lo >>> 22) | (hi << 10)) & MASK)]++
    counts[3 * BUCKETS + ((hi >>> 1) & MASK)]++
    counts[4 * BUCKETS + ((hi >>> 12) & MASK)]++
    counts[5 * BUCKETS + (hi >>> 23)]++
  }
  let from = a
  let to = b
  for (let pass = 0; pass < 6; pass++) {
    const base = pass * BUCKETS
    let skip = false
    let sum = 0
    for (let k = 0; k < BUCKETS; k++) {
      const c = counts[base + k]
      if (c === n) skip = true
      counts[base + k] = sum
      sum += c
    }
    if (skip) continue
    for (let i = 0; i < n; i++) {
      const lo = from[2 * i]
      const hi = from[2 * i + 1]
      let d: number
      switch (pass) {
        case 0:
          d = lo & MASK
          break
        case 1:
          d = (lo >>> 11) & MASK
          break
        case 2:
          d = ((lo >>> 22) | (hi << 10)) & MASK
          break
        case 3:
          d = (hi >>> 1) & MASK
          break
        case 4:
          d = (hi >>> 12) & MASK
          break
        default:
          d = hi >>> 23
      }
      const j = counts[base + d]++
      to[2 * j] = lo
      to[2 * j + 1] = hi
    }
    const t = from
    from = to
    to = t
  }
  // back to doubles, into `out`
  for (let i = 0; i < n; i++) {
    let lo = from[2 * i]
    let hi = from[2 * i + 1]
    if (hi & 0x80000000) hi = (hi & 0x7fffffff) >>> 0
    else {
      hi = ~hi >>> 0
      lo = ~lo >>> 0
    }
    a[2 * i] = lo
    a[2 * i + 1] = hi
  }
  return out
}
