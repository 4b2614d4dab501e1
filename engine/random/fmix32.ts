// Why: stream states are derived from (key, trial, year, programme, purpose) by hashing; this is
// MurmurHash3's 32-bit finalizer, a cheap bijective integer mixer with full avalanche.

/**
 * MurmurHash3 fmix32: a bijection on 32-bit integers with good avalanche.
 *
 * h ^= h >>> 16; h *= 0x85ebca6b; h ^= h >>> 13; h *= 0xc2b2ae35; h ^= h >>> 16
 *
 * @example fmix32(1) // 1364076727
 */
export function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * Hash a string to 32 bits (FNV-1a followed by fmix32). Used to turn a programme id into a
 * stream key component, so adding or removing a programme never shifts another's draws.
 *
 * @example hashString('tech-transaction-subsidy')
 */
export function hashString(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return fmix32(h)
}
