// Why: proof that the security headers and tokens leave the page and Swagger UI working in a real
// browser: Debian's Chromium loads / from a server with tokens and private reads, the page asks for
// the token once (again after a wrong one), keeps it for the session, runs a preset whose progress
// arrives by server-sent events (token in ?access_token=), and neither page nor /docs meets a
// Content-Security-Policy violation.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type ServerProcess } from '../helpers/serverProcess.js'
import { launchBrowser, type Browser } from './browser'

const USER = 'planner-token-0123456789abcdef'
const dir = mkdtempSync(join(tmpdir(), 'budget-sim-e2e-security-'))
let server: ServerProcess
let browser: Browser
let page: Page
const violations: string[] = []
const pageErrors: string[] = []
const urls: URL[] = []

beforeAll(async () => {
  writeFileSync(join(dir, 'tokens'), `admin:${'admin-token-0123456789abcdef'}\nuser:${USER}\n`, { mode: 0o600 })
  server = await startServer(join(dir, 'data'), { API_TOKENS_FILE: join(dir, 'tokens'), PUBLIC_READS: 'false' })
  browser = await launchBrowser()
  page = await browser.context.newPage()
  // every CSP violation the browser reports, from the page or Swagger UI
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) => {
      ;(window as unknown as { __violations: string[] }).__violations ??= []
      ;(window as unknown as { __violations: string[] }).__violations.push(`${e.violatedDirective} ${e.blockedURI}`)
    }),
  )
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text())
    else if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text())
  })
  page.on('pageerror', (e) => pageErrors.push(e.message))
  page.on('request', (r) => urls.push(new URL(r.url())))
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const reported = async () => [...violations, ...((await page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? [])) as string[])]

describe('the page on a server with tokens and private reads', () => {
  it('asks for the token, again after a wrong one, then loads with it kept for the session only', async () => {
    await page.goto(server.base)
    const input = page.locator('dialog[open] #token-input')
    await input.waitFor({ timeout: 30_000 })
    await input.fill('wrong-token-0123456789abcdef')
    await page.keyboard.press('Enter')
    await page.locator('dialog[open]').getByText('did not accept').waitFor({ timeout: 30_000 })
    await page.locator('dialog[open] #token-input').fill(USER)
    await page.click('dialog[open] button[value="ok"]')
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 60_000 })
    expect(await page.locator('#preset option').count()).toBeGreaterThan(3)
    expect(await page.evaluate(() => [sessionStorage.getItem('budget-sim.api-token'), localStorage.length])).toEqual([USER, 0])
  })

  it('runs a preset, following its progress over server-sent events with the token in the query', async () => {
    await page.fill('#f-trials', '200')
    await page.click('#run')
    await page.locator('.progress-row[data-status="done"]').waitFor({ timeout: 60_000 })
    await page.locator('figure[data-chart="histogram"][data-drawn="true"] svg').waitFor({ timeout: 60_000 })
    const stream = urls.find((u) => u.pathname.endsWith('/events'))
    expect(stream?.searchParams.get('access_token')).toBe(USER)
    expect(pageErrors).toEqual([])
    expect(await reported()).toEqual([])
  })

  it('serves Swagger UI at /docs under the same policy, without a violation', async () => {
    await page.goto(`${server.base}/docs/`)
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 30_000 })
    expect(await page.locator('.swagger-ui .opblock').count()).toBeGreaterThan(10)
    expect(await reported()).toEqual([])
  })
})
