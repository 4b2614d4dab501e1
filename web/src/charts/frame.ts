// Why: every chart on the page is an Observable Plot SVG inside the same accessible frame: a heading,
// a one-sentence reading of the chart for screen readers, a legend in words, and a redraw when its
// column changes width (1280 px desktop or a phone), with the same colours for the same things.
import { h } from '../ui/dom'

export const COLOURS = {
  run: '#2f6fae',
  runLight: '#a9c7e6',
  runPale: '#d8e6f3',
  baseline: '#8a5a00',
  appropriation: '#c0392b',
  difference: '#5b4a9e',
  capped: '#2f6fae',
  quota: '#c77c02',
  ink: '#1f2933',
} as const

export interface LegendItem {
  label: string
  colour: string
  shape?: 'box' | 'line' | 'dash' | 'dot' | 'square'
}

export function legend(items: LegendItem[]): HTMLElement {
  return h(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    items.map((i) => h('li', {}, h('span', { class: `swatch swatch-${i.shape ?? 'box'}`, style: `--swatch:${i.colour}`, 'aria-hidden': 'true' }), i.label)),
  )
}

export interface ChartSpec {
  /** stable name, used as data-chart and in ids */
  name: string
  title: string
  /** what the chart shows, in words (aria-describedby, visible under the title) */
  description: string
  legend?: LegendItem[]
  /** draw at this width; return the Plot element */
  draw: (width: number) => Element
  note?: string | Node
}

const MIN_WIDTH = 280

/** A <figure> that draws its chart now and again when its width changes. */
export function chartFigure(spec: ChartSpec): HTMLElement {
  const titleId = `chart-${spec.name}-title`
  const descId = `chart-${spec.name}-desc`
  const body = h('div', { class: 'chart-body' })
  const figure = h(
    'figure',
    { class: 'chart card', 'data-chart': spec.name, 'aria-labelledby': titleId, 'aria-describedby': descId },
    h('h3', { id: titleId, class: 'chart-title' }, spec.title),
    h('p', { id: descId, class: 'chart-desc' }, spec.description),
    spec.legend ? legend(spec.legend) : null,
    body,
    spec.note ? h('figcaption', { class: 'chart-note' }, spec.note) : null,
  )
  let drawnWidth = 0
  const draw = (width: number) => {
    const w = Math.max(MIN_WIDTH, Math.floor(width))
    if (Math.abs(w - drawnWidth) < 8) return
    drawnWidth = w
    try {
      const el = spec.draw(w)
      el.setAttribute('role', 'img')
      el.setAttribute('aria-label', `${spec.title}. ${spec.description}`)
      body.replaceChildren(el)
      figure.dataset.drawn = 'true'
    } catch (e) {
      body.replaceChildren(h('p', { class: 'problem', role: 'alert' }, `This chart could not be drawn: ${(e as Error).message}`))
      figure.dataset.drawn = 'error'
    }
  }
  const observer = new ResizeObserver((entries) => {
    if (!body.isConnected) return observer.disconnect()
    for (const entry of entries) if (entry.contentRect.width > 0) draw(entry.contentRect.width)
  })
  observer.observe(body)
  // draw at once if already laid out (the observer also fires on first observation)
  queueMicrotask(() => {
    if (body.isConnected && body.clientWidth > 0) draw(body.clientWidth)
  })
  return figure
}
