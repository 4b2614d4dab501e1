// Why: a server with API tokens answers 401 to a page that sends none. The planner enters the token
// once, in a small dialog the first time the API asks for one; it is kept in sessionStorage (gone
// when the tab closes, never in localStorage or a cookie) and sent as `Authorization: Bearer` by
// api/client.ts. EventSource cannot send headers, so the event stream's URL carries it as
// ?access_token= (the server accepts that on the event stream only, and keeps it out of its logs).

const KEY = 'budget-sim.api-token'

export function currentToken(): string | null {
  try {
    return sessionStorage.getItem(KEY)
  } catch {
    return null // storage disabled: the dialog asks again
  }
}

function remember(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(KEY, token)
    else sessionStorage.removeItem(KEY)
  } catch {
    /* storage disabled */
  }
}

/** Headers that carry the token, when there is one. */
export function authorization(): Record<string, string> {
  const token = currentToken()
  return token ? { authorization: `Bearer ${token}` } : {}
}

/** A URL with the token as access_token (for EventSource, which cannot send headers). */
export function withAccessToken(url: string): string {
  const token = currentToken()
  if (!token) return url
  return `${url}${url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`
}

let asking: Promise<string | null> | null = null

/**
 * Ask the planner for a token (one dialog at a time, however many requests were refused); resolves
 * with the token entered, remembered for the session, or null when they cancel.
 */
export function askForToken(rejected: boolean): Promise<string | null> {
  asking ??= showDialog(rejected).finally(() => {
    asking = null
  })
  return asking
}

function showDialog(rejected: boolean): Promise<string | null> {
  return new Promise((resolve) => {
    const dialog = document.createElement('dialog')
    dialog.setAttribute('aria-labelledby', 'token-title')
    const form = document.createElement('form')
    form.method = 'dialog'
    const title = document.createElement('h2')
    title.id = 'token-title'
    title.textContent = 'This server needs an API token'
    const hint = document.createElement('p')
    hint.textContent = rejected
      ? 'The server did not accept the token given. Enter a valid one; it is kept until this tab closes.'
      : 'Enter the token the server’s operator gave you; it is kept until this tab closes.'
    const label = document.createElement('label')
    label.htmlFor = 'token-input'
    label.textContent = 'API token'
    const input = document.createElement('input')
    input.id = 'token-input'
    input.type = 'password'
    input.autocomplete = 'off'
    input.required = true
    input.spellcheck = false
    const ok = document.createElement('button')
    ok.type = 'submit'
    ok.value = 'ok'
    ok.textContent = 'Use this token'
    const cancel = document.createElement('button')
    cancel.type = 'submit'
    cancel.value = 'cancel'
    cancel.formNoValidate = true
    cancel.textContent = 'Cancel'
    const buttons = document.createElement('div')
    buttons.className = 'buttons'
    buttons.append(ok, cancel)
    form.append(title, hint, label, input, buttons)
    dialog.append(form)
    document.body.append(dialog)
    dialog.addEventListener('close', () => {
      const token = dialog.returnValue === 'ok' ? input.value.trim() : ''
      dialog.remove()
      remember(token || null)
      resolve(token || null)
    })
    dialog.showModal()
    input.focus()
  })
}
