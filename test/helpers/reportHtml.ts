// Read a report's HTML the way the tests check it: every keyed number (data-key, data-value and the
// text shown), a parameter's provenance row, the title page's facts.
export interface KeyedCell {
  key: string
  value: string
  /** the text shown (before any nested element, such as the standard error under a mean) */
  text: string
}

export function unescapeHtml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
}

/** Every element with data-key and data-value, with its own text. */
export function keyedCells(html: string): KeyedCell[] {
  return [...html.matchAll(/data-key="([^"]*)" data-value="([^"]*)">([^<]*)/g)].map((m) => ({ key: unescapeHtml(m[1]), value: unescapeHtml(m[2]), text: unescapeHtml(m[3]).trim() }))
}

/** The markup of a parameter's row in the provenance tables, with its origin. */
export function provenanceRow(html: string, programme: string, parameter: string): { origin: string; markup: string } | null {
  const m = new RegExp(`<tr data-programme="${programme}" data-parameter="${parameter}" data-origin="([a-z]+)">([\\s\\S]*?)</tr>`).exec(html)
  return m ? { origin: m[1], markup: m[2] } : null
}

/** The text of a title-page fact (data-fact). */
export function fact(html: string, name: string): string | null {
  const m = new RegExp(`<dd data-fact="${name}">([\\s\\S]*?)</dd>`).exec(html)
  return m ? unescapeHtml(m[1].replace(/<[^>]+>/g, '')) : null
}

/** The page's percentage rule: one decimal, two below 1%. */
export function pctText(p: number): string {
  const pct = p * 100
  return `${pct.toFixed(pct !== 0 && Math.abs(pct) < 1 ? 2 : 1)}%`
}
