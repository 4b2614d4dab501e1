// Why: "nothing that matters is cut" is a property of the laid-out page, so the suite measures it in
// Chromium: chart labels inside their chart and clear of each other, the key columns of a table
// inside the visible part of its card, captions wrapped rather than cut. Each function returns the
// problems it finds, in words, so a failure says what is wrong where.
import type { Page } from 'playwright-core'

/** Labels of the drawn charts that their SVG's edge cuts, or that overlap a label of another mark. */
export function chartTextProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = []
    const overlap = (a: DOMRect, b: DOMRect) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1
    for (const figure of document.querySelectorAll<HTMLElement>('figure[data-chart][data-drawn="true"]')) {
      const name = figure.dataset.chart
      const svg = figure.querySelector('svg')
      if (!svg) continue
      const box = svg.getBoundingClientRect()
      const frame = figure.getBoundingClientRect()
      if (box.left < frame.left - 1 || box.right > frame.right + 1) problems.push(`${name}: the chart is wider than its card`)
      const texts = [...svg.querySelectorAll('text')].filter((t) => (t.textContent ?? '').trim() !== '')
      const rects = texts.map((t) => t.getBoundingClientRect())
      texts.forEach((t, i) => {
        const r = rects[i]
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) problems.push(`${name}: "${t.textContent}" is cut by the chart's edge`)
      })
      for (let i = 0; i < texts.length; i++)
        for (let j = i + 1; j < texts.length; j++)
          if (texts[i].parentNode !== texts[j].parentNode && overlap(rects[i], rects[j])) problems.push(`${name}: "${texts[i].textContent}" overlaps "${texts[j].textContent}"`)
    }
    return problems
  })
}

/**
 * Cells of the columns headed `headers` (by their text) in table[data-table=`table`] that are outside
 * the visible part of their scrolling region or card, as the page first shows them.
 */
export function keyCellsOutOfView(page: Page, table: string, headers: string[]): Promise<string[]> {
  return page.evaluate(
    ({ table, headers }) => {
      const problems: string[] = []
      const el = document.querySelector<HTMLTableElement>(`table[data-table="${table}"]`)
      if (!el) return [`no table ${table}`]
      const region = el.closest('.table-scroll')!.getBoundingClientRect()
      const card = el.closest('.card')!.getBoundingClientRect()
      const heads = [...el.tHead!.rows[0].cells].map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim())
      for (const header of headers) {
        const index = heads.findIndex((t) => t.startsWith(header))
        if (index < 0) {
          problems.push(`${table}: no column "${header}" (columns: ${heads.join(' | ')})`)
          continue
        }
        for (const row of el.rows) {
          const r = row.cells[index].getBoundingClientRect()
          for (const [what, box] of [
            ['scrolling region', region],
            ['card', card],
          ] as const)
            if (r.left < box.left - 1 || r.right > box.right + 1) problems.push(`${table}: "${header}" cell "${(row.cells[index].textContent ?? '').trim()}" is outside its ${what} (${Math.round(r.left)}–${Math.round(r.right)} vs ${Math.round(box.left)}–${Math.round(box.right)})`)
        }
      }
      return problems
    },
    { table, headers },
  )
}

/** Table captions cut by their card (they must wrap). */
export function captionProblems(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.table-caption, table caption')].flatMap((c) => {
      const r = c.getBoundingClientRect()
      const card = (c.closest('.card') ?? document.body).getBoundingClientRect()
      return r.left < card.left - 1 || r.right > card.right + 1 || c.scrollWidth > c.clientWidth + 1 ? [`caption "${(c.textContent ?? '').slice(0, 60)}" is cut`] : []
    }),
  )
}

/** Is the element's top inside the viewport, where the planner can see it? */
export function inViewport(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((selector) => {
    const r = document.querySelector(selector)?.getBoundingClientRect()
    return r !== undefined && r.top >= 0 && r.top < window.innerHeight - 40
  }, selector)
}
