// Why: every printed report (a run's, a run's with its budget impact, an analysis's) is heavy work
// for Chromium, so they share one allowance: at most REPORT_CONCURRENCY printing at once (503
// REPORT_BUSY with Retry-After, the recent printing time, beyond it), each stopped after
// REPORT_TIMEOUT_SECONDS (504) or when its client goes away, and 503 CHROMIUM_MISSING saying how to
// install Chromium when there is none. The server holds one printer (app.reports); the HTML routes
// share its way of answering (inline or as an attachment, never cached).
import type { FastifyReply } from 'fastify'
import { assertChromium, printPdf } from '../../engine/report/printPdf.js'
import type { Config } from '../config.js'
import { ApiError } from '../errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** prints reports to PDF, at most REPORT_CONCURRENCY at once */
    reports: ReportPrinter
  }
}

export class ReportPrinter {
  private printing = 0
  /** seconds the last PDF requests took, for Retry-After */
  private readonly recent: number[] = []

  constructor(private readonly config: Pick<Config, 'chromiumPath' | 'reportConcurrency' | 'reportTimeoutSeconds'>) {}

  /** Answer with a report's HTML. */
  sendHtml(reply: FastifyReply, html: string, options: { download?: boolean; fileName: string }): FastifyReply {
    reply.header('content-disposition', `${options.download ? 'attachment' : 'inline'}; filename="${options.fileName}.html"`)
    reply.header('cache-control', 'no-cache')
    return reply.type('text/html; charset=utf-8').send(html)
  }

  /**
   * Print the HTML that `build` makes (built only once a printing slot is taken) and answer with the
   * PDF. Throws CHROMIUM_MISSING, REPORT_BUSY, REPORT_TIMEOUT, or what `build` throws.
   */
  async sendPdf(reply: FastifyReply, build: () => Promise<string> | string, options: { download?: boolean; fileName: string }): Promise<FastifyReply> {
    await assertChromium(this.config.chromiumPath)
    if (this.printing >= this.config.reportConcurrency) {
      const seconds = this.recent.length > 0 ? Math.ceil(this.recent.reduce((a, b) => a + b, 0) / this.recent.length) : 5
      const retry = Math.max(1, Math.min(120, seconds))
      throw new ApiError(
        'REPORT_BUSY',
        `${this.printing} report${this.printing > 1 ? 's are' : ' is'} being printed (REPORT_CONCURRENCY=${this.config.reportConcurrency}); retry in about ${retry} s`,
        [],
        { 'retry-after': String(retry) },
      )
    }
    this.printing++
    const started = performance.now()
    const gone = new AbortController()
    const onClose = () => {
      if (!reply.raw.writableFinished) gone.abort()
    }
    reply.raw.once('close', onClose)
    try {
      const html = await build()
      const pdf = await printPdf(html, { chromiumPath: this.config.chromiumPath, timeoutMs: this.config.reportTimeoutSeconds * 1000, signal: gone.signal })
      this.recent.push((performance.now() - started) / 1000)
      if (this.recent.length > 5) this.recent.shift()
      reply.header('content-disposition', `${options.download ? 'attachment' : 'inline'}; filename="${options.fileName}.pdf"`)
      reply.header('content-length', pdf.length)
      return reply.type('application/pdf').send(pdf)
    } finally {
      this.printing--
      reply.raw.off('close', onClose)
    }
  }
}
