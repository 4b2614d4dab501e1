// Why: JSON.parse copes with any nesting, but every walk after it (validation, merging,
// serialising) recurses, and a body nested 3,000 deep overflowed the stack (a 500). Counting
// brackets outside strings, in one pass over the text, refuses such a body before it is parsed.

/**
 * The character offset where JSON text first nests objects and arrays deeper than `limit`, or -1.
 *
 * @example jsonNestingBound('{"a": [[1]], "b": "[[["}', 2) // 7
 */
export function jsonNestingBound(text: string, limit: number): number {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \ */) i++
      else if (c === 34 /* " */) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return i
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--
  }
  return -1
}
