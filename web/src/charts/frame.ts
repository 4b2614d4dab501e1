// Why: every chart on the page is an Observable Plot SVG inside the same accessible frame: a heading,
// a one-sentence reading of the chart for screen readers, a legend in words, and a redraw when its
// column changes width (1280 px desktop or a phone) or its data does, with the same colours for the
// same things; and the arithmetic that keeps labels inside a narrow chart.
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

/** Estimated width (px) of a one-line label: CJK glyphs are square, Latin ones about 0.6 em (0.66 bold). */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let w = 0
  for (const c of text) w += /[\u3000-\u9fff\uff00-\uffef]/.test(c) ? fontSize : fontSize * (bold ? 0.66 : 0.6)
  return w
}

/** The long form of a label when it fits in `available` px, else the short one (a phone gets "Outlay (万元)"). */
export function fitting(long: string, short: string, available: number, fontSize = 11): string {
  return textWidth(long, fontSize) <= available ? long : short
}

/**
 * How to anchor a label of width `w` at x (px) so it stays between `left` and `right`: beside x
 * (`start`: to its right, `end`: to its left) when `gap` > 0, else centred on x where it fits.
 */
export function anchorFor(x: number, w: number, left: number, right: number, gap = 0): 'start' | 'middle' | 'end' {
  if (gap === 0) {
    if (x - w / 2 < left) return 'start'
    if (x + w / 2 > right) return 'end'
    return 'middle'
  }
  if (x + gap + w <= right) return 'start'
  if (x - gap - w >= left) return 'end'
  return right - x >= x - left ? 'start' : 'end'
}

const redraws = new WeakMap<Element, () => void>()

/** Draw a chart figure again (its data changed, its width did not). */
export function redraw(figure: Element): void {
  redraws.get(figure)?.()
}

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
  const draw = (width: number, force = false) => {
    const w = Math.max(MIN_WIDTH, Math.floor(width))
    if (!force && Math.abs(w - drawnWidth) < 8) return
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
  redraws.set(figure, () => {
    if (drawnWidth > 0) draw(drawnWidth, true)
  })
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
