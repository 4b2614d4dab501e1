// Why: a report is filed as a PDF, and Chromium prints HTML to PDF faithfully (CSS paged media,
// page numbers in the margins, SVG, Chinese text with the system's CJK fonts). It runs as its own
// process (`chromium --headless --print-to-pdf`), never in the server's process: the server only
// waits for it, stops it (its whole process group) when it takes too long or the request goes away,
// and removes its temporary profile and files. No dependency is needed beyond the Chromium binary,
// found at CHROMIUM_PATH or /usr/bin/chromium; without it the caller is told how to install it.
import { spawn } from 'node:child_process'
import { constants } from 'node:fs'
import { access, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { BudgetSimError } from '../errors.js'

export const DEFAULT_CHROMIUM = '/usr/bin/chromium'

/** What to do when Chromium is missing. */
export const CHROMIUM_ADVICE =
  'Install it with `apt-get install -y chromium fonts-wqy-microhei` (Debian or Ubuntu, as root; the font prints the Chinese text), or set CHROMIUM_PATH to a Chromium or Google Chrome executable. The HTML report needs no Chromium.'

/** The flags the headless Chromium runs with: no sandbox (containers, root), no GPU, no network use of its own, a fresh profile. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-extensions',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--mute-audio',
  '--hide-scrollbars',
  '--no-pdf-header-footer',
]

/** The Chromium to use: `CHROMIUM_PATH`, else Debian's /usr/bin/chromium. */
export function chromiumPathFrom(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH && env.CHROMIUM_PATH.trim() !== '' ? env.CHROMIUM_PATH : DEFAULT_CHROMIUM
}

/** Throw CHROMIUM_MISSING, with the advice, unless `path` is an executable file. */
export async function assertChromium(path: string): Promise<void> {
  try {
    await access(path, constants.X_OK)
    if (!(await stat(path)).isFile()) throw new Error('not a file')
  } catch {
    throw new BudgetSimError('CHROMIUM_MISSING', `Chromium is needed to print the report to PDF and was not found at ${path}${path === DEFAULT_CHROMIUM ? '' : ' (CHROMIUM_PATH)'}. ${CHROMIUM_ADVICE}`)
  }
}

export interface PrintOptions {
  chromiumPath: string
  /** stop Chromium after this long (REPORT_TIMEOUT) */
  timeoutMs: number
  /** stop Chromium when aborted (the request went away) */
  signal?: AbortSignal
}

/** The last lines Chromium wrote that say something (not its routine D-Bus complaints). */
function lastWords(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/dbus|bytes written to file|DevTools listening/i.test(l))
  return lines.slice(-3).join(' | ').slice(0, 500)
}

/**
 * Print a self-contained HTML document to PDF with headless Chromium; resolves with the PDF's
 * bytes. Throws CHROMIUM_MISSING, REPORT_TIMEOUT (after `timeoutMs`), or REPORT_FAILED.
 */
export async function printPdf(html: string, options: PrintOptions): Promise<Buffer> {
  await assertChromium(options.chromiumPath)
  const dir = await mkdtemp(join(tmpdir(), 'budget-sim-report-'))
  try {
    const input = join(dir, 'report.html')
    const output = join(dir, 'report.pdf')
    await writeFile(input, html)
    await runChromium(options, [...CHROMIUM_FLAGS, `--user-data-dir=${join(dir, 'profile')}`, `--print-to-pdf=${output}`, pathToFileURL(input).href])
    let pdf: Buffer
    try {
      pdf = await readFile(output)
    } catch {
      throw new BudgetSimError('REPORT_FAILED', 'Chromium exited without writing the PDF')
    }
    if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new BudgetSimError('REPORT_FAILED', 'Chromium wrote something that is not a PDF')
    return pdf
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined)
  }
}

function runChromium(options: PrintOptions, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new BudgetSimError('REPORT_FAILED', 'the report was no longer wanted'))
    // its own process group, so a timeout stops Chromium's helper processes too
    const child = spawn(options.chromiumPath, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (d: string) => {
      stderr = (stderr + d).slice(-16_384)
    })
    let failure: BudgetSimError | null = null
    const stop = (why: BudgetSimError) => {
      if (failure) return
      failure = why
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }
    const timer = setTimeout(
      () => stop(new BudgetSimError('REPORT_TIMEOUT', `Chromium did not print the report within ${Math.round(options.timeoutMs / 100) / 10} s (REPORT_TIMEOUT_SECONDS) and was stopped`)),
      options.timeoutMs,
    )
    const onAbort = () => stop(new BudgetSimError('REPORT_FAILED', 'the report was no longer wanted'))
    options.signal?.addEventListener('abort', onAbort, { once: true })
    const done = () => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
    }
    child.once('error', (e: NodeJS.ErrnoException) => {
      done()
      if (e.code === 'ENOENT' || e.code === 'EACCES') reject(new BudgetSimError('CHROMIUM_MISSING', `Chromium could not be started from ${options.chromiumPath} (${e.code}). ${CHROMIUM_ADVICE}`))
      else reject(new BudgetSimError('REPORT_FAILED', `Chromium could not be started: ${e.message}`))
    })
    child.once('close', (code, signal) => {
      done()
      // helpers Chromium left behind in its group go with it
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      } catch {
        /* the group is gone */
      }
      if (failure) return reject(failure)
      if (code === 0) return resolve()
      const said = lastWords(stderr)
      reject(new BudgetSimError('REPORT_FAILED', `Chromium failed (${signal ? `signal ${signal}` : `exit code ${code}`})${said ? `: ${said}` : ''}`))
    })
  })
}

/** Pages of a PDF as Chromium writes it: its page objects (`/Type /Page`, not `/Pages`). */
export function pdfPageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0
}
