// Why: results come in several representations (JSON, Arrow stream, Arrow file, CSV); the Accept
// header picks one, with q-values and wildcards, and an unacceptable request gets 406.

interface Range {
  type: string
  subtype: string
  q: number
  order: number
}

function parseAccept(header: string | undefined): Range[] {
  if (!header || header.trim() === '') return [{ type: '*', subtype: '*', q: 1, order: 0 }]
  return header
    .split(',')
    .map((part, order) => {
      const [media, ...params] = part.trim().split(';')
      const [type, subtype = '*'] = media.trim().toLowerCase().split('/')
      const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
      const q = qParam ? Number(qParam.slice(2)) : 1
      return { type, subtype, q: Number.isFinite(q) ? q : 0, order }
    })
    .filter((r) => r.type.length > 0)
}

/**
 * The offered media type the Accept header prefers (offers listed in server preference order),
 * or null when none is acceptable.
 *
 * @example negotiate('text/csv;q=0.5, application/vnd.apache.arrow.stream', ['application/json', 'text/csv']) // 'text/csv'
 */
export function negotiate(accept: string | undefined, offers: string[]): string | null {
  const ranges = parseAccept(accept)
  let best: { offer: string; q: number; specificity: number; rank: number } | null = null
  offers.forEach((offer, rank) => {
    const [type, subtype] = offer.split('/')
    for (const r of ranges) {
      const matches = (r.type === '*' || r.type === type) && (r.subtype === '*' || r.subtype === subtype)
      if (!matches || r.q <= 0) continue
      const specificity = (r.type === '*' ? 0 : 1) + (r.subtype === '*' ? 0 : 1)
      const better =
        !best || r.q > best.q || (r.q === best.q && specificity > best.specificity) || (r.q === best.q && specificity === best.specificity && rank < best.rank)
      if (better) best = { offer, q: r.q, specificity, rank }
    }
  })
  return best ? (best as { offer: string }).offer : null
}
