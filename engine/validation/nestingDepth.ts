// Why: a document nested thousands deep (a JSON body, a YAML file) overflows the stack of every
// recursive walk that meets it (validation, merging, JSON.stringify), and a server answers that
// with 500. A scenario needs about 10 levels, so anything deeper than MAX_NESTING_DEPTH is refused
// first, by a walk with an explicit stack that no depth can overflow.

/** Deepest nesting of objects and arrays accepted in a scenario or request body ({} is depth 1). */
export const MAX_NESTING_DEPTH = 64

/**
 * Where a parsed value nests objects and arrays deeper than `limit`, or null when it does not. The
 * path is dotted with [i] for array items, like validation issues; a cyclic value (from a YAML
 * alias to its own ancestor) counts as too deep.
 *
 * @example tooDeep({ a: [[1]] }, 2) // { path: 'a[0]', depth: 3 }
 */
export function tooDeep(value: unknown, limit = MAX_NESTING_DEPTH): { path: string; depth: number } | null {
  interface Frame {
    value: object
    depth: number
    parent: Frame | null
    key: string
  }
  if (value === null || typeof value !== 'object') return null
  const stack: Frame[] = [{ value, depth: 1, parent: null, key: '' }]
  while (stack.length > 0) {
    const frame = stack.pop()!
    if (frame.depth > limit) return { path: pathOf(frame), depth: frame.depth }
    const isArray = Array.isArray(frame.value)
    for (const [k, v] of Object.entries(frame.value)) {
      if (v !== null && typeof v === 'object') stack.push({ value: v, depth: frame.depth + 1, parent: frame, key: isArray ? `[${k}]` : k })
    }
  }
  return null

  function pathOf(frame: Frame): string {
    const keys: string[] = []
    for (let f: Frame | null = frame; f && f.parent; f = f.parent) keys.push(f.key)
    return keys.reverse().reduce((path, key) => (key.startsWith('[') || path === '' ? `${path}${key}` : `${path}.${key}`), '')
  }
}
