// Why: the YAML parser recurses once per nesting level and backtracks on deep flow collections: a
// megabyte of `[[[[` takes seconds, and 200,000 nested `{"a":` exhausted the heap and killed the
// process. So the nesting is bounded from the text, in one pass and before the parser sees it:
// flow brackets outside quotes and comments, and block indicators (`- `, `? `, `: `) stacked at the
// start of a line. The bound is generous (block nesting by indentation is not counted: it costs
// the square of its depth in characters, so the body limit keeps it small).

/**
 * The first place where the text nests flow collections, or stacks block indicators on one line,
 * deeper than `limit`; null when it does not.
 *
 * @example yamlNestingBound('a: [[[1]]]', 2) // { line: 1, column: 6, depth: 3 }
 */
export function yamlNestingBound(text: string, limit: number): { line: number; column: number; depth: number } | null {
  let depth = 0
  let line = 1
  let lineStart = 0
  let atLineStart = true
  let stacked = 0
  let i = 0
  const n = text.length
  const whitespace = (c: string | undefined) => c === undefined || c === ' ' || c === '\t' || c === '\n' || c === '\r'
  while (i < n) {
    const c = text[i]
    if (c === '\n') {
      line++
      lineStart = i + 1
      atLineStart = true
      stacked = 0
      i++
      continue
    }
    if (atLineStart) {
      if (c === ' ' || c === '\t') {
        i++
        continue
      }
      // block indicators stacked at the start of a line: `- - - x`, `? - ? x`
      if ((c === '-' || c === '?' || c === ':') && whitespace(text[i + 1])) {
        stacked++
        if (stacked > limit) return { line, column: i - lineStart + 1, depth: stacked }
        i++
        continue
      }
      atLineStart = false
    }
    if (c === '#' && (i === 0 || whitespace(text[i - 1]))) {
      while (i < n && text[i] !== '\n') i++
      continue
    }
    const previous = i === 0 ? '\n' : text[i - 1]
    if ((c === '"' || c === "'") && (whitespace(previous) || '[{,:'.includes(previous))) {
      // a quoted scalar: skip to its closing quote ('' escapes a single quote, \ a double)
      i++
      while (i < n) {
        if (text[i] === '\n') {
          line++
          lineStart = i + 1
        }
        if (c === '"' && text[i] === '\\') i += 2
        else if (text[i] === c && c === "'" && text[i + 1] === "'") i += 2
        else if (text[i] === c) break
        else i++
      }
      i++
      continue
    }
    if (c === '[' || c === '{') {
      depth++
      if (depth + stacked > limit) return { line, column: i - lineStart + 1, depth: depth + stacked }
    } else if ((c === ']' || c === '}') && depth > 0) depth--
    i++
  }
  return null
}
