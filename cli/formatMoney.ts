// Why: the CLI prints CNY consistently in millions, with thousands separators.

// one formatter per number of digits: `toLocaleString` with options builds a new one every call
const formatters = new Map<number, Intl.NumberFormat>()

/** CNY as millions with one decimal: 126709493 -> "126.7". */
export function millions(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '-'
  let f = formatters.get(digits)
  if (!f) formatters.set(digits, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })))
  return f.format(x / 1e6)
}

/** A probability as a percentage: 0.1423 -> "14.2%". */
export function percent(p: number | null | undefined, digits = 1): string {
  if (p === null || p === undefined || Number.isNaN(p)) return '-'
  return `${(p * 100).toFixed(digits)}%`
}

/** Left-pad every cell of a table to its column width. */
export function alignTable(rows: string[][], rightAligned: boolean[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)))
  return rows
    .map((r) => r.map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd())
    .join('\n')
}
