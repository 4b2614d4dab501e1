// Why: the page's entry point (bundled by Vite): load the styles (for the screen, and print.css for
// paper), start the controller, and if the start fails (the server is down, an answer is
// unexpected) say so in the page, never leave it blank.
import './styles.css'
import './print.css'
import { startApp } from './app'
import { byId, h, replace } from './ui/dom'
import { showProblem } from './ui/problemView'

startApp().catch((e: unknown) => {
  const results = byId('results-body')
  const box = h('div', { class: 'problem', role: 'alert' })
  replace(results, box, h('button', { type: 'button', onclick: () => location.reload() }, 'Try again'))
  showProblem(box, e, 'The page could not start')
  document.body.dataset.ready = 'error'
})
