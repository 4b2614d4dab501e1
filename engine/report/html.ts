// Why: a report is HTML built from strings, and much of what it prints comes from users (a
// scenario's name, title, description and notes) or from seed files. Every interpolated value is
// escaped unless it is already markup built the same way, so no text can become markup, a script
// or a request for a file when Chromium prints the report.

/** Markup that is safe to insert as it is: built by `html` (or `raw` for trusted constants). */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

export type HtmlValue = Html | string | number | null | undefined | false | HtmlValue[]

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text as HTML text or attribute value: & < > " ' escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c])
}

/** A value in markup: markup as it is, text escaped, lists joined, null/undefined/false as nothing. */
export function toHtml(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof Html) return value.text
  if (Array.isArray(value)) return value.map(toHtml).join('')
  return escapeHtml(String(value))
}

/**
 * A template of markup whose interpolations are escaped: html`<td>${name}</td>` writes a name
 * containing `<script>` as text.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]
  for (let i = 0; i < values.length; i++) out += toHtml(values[i]) + strings[i + 1]
  return new Html(out)
}

/** Trusted markup (constants of this module tree only: styles, SVG built from numbers). */
export function raw(text: string): Html {
  return new Html(text)
}

/** An attribute list from an object: `{ 'data-key': k }` -> ` data-key="k"`; null/undefined/false left out. */
export function attrs(values: Record<string, string | number | boolean | null | undefined>): Html {
  let out = ''
  for (const [name, v] of Object.entries(values)) {
    if (v === null || v === undefined || v === false) continue
    out += v === true ? ` ${name}` : ` ${name}="${escapeHtml(String(v))}"`
  }
  return new Html(out)
}
