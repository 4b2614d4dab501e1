// Why: a misspelled name (the flag `--trails`, the programme `tech-transacton-subsidy`) should be
// answered with the name that was meant. Names are compared by optimal-string-alignment distance
// (insertions, deletions, substitutions and swaps of neighbours each cost 1), ignoring case.

/** Edit distance between two strings, an adjacent transposition counting as one edit. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/**
 * The known name closest to `typed`, or undefined when none is close: within a third of its
 * length (at least 1, at most 3 edits), or the only name it is a prefix of.
 *
 * @example closestName('trails', ['trials', 'seed']) // 'trials'
 */
export function closestName(typed: string, known: readonly string[]): string | undefined {
  const t = typed.toLowerCase()
  const limit = Math.max(1, Math.min(3, Math.floor(t.length / 3)))
  let best: string | undefined
  let bestDistance = Infinity
  for (const name of known) {
    const distance = editDistance(t, name.toLowerCase())
    if (distance < bestDistance) {
      best = name
      bestDistance = distance
    }
  }
  if (best !== undefined && bestDistance <= limit) return best
  const extending = t.length >= 2 ? known.filter((name) => name.toLowerCase().startsWith(t)) : []
  return extending.length === 1 ? extending[0] : undefined
}
