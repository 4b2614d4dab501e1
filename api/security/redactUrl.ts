// Why: the event stream takes its token in the query string (EventSource cannot send headers), and
// the request log records URLs. The token must never reach a log file.

/** The URL with the value of every access_token query parameter replaced. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]access_token=)[^&#]*/gi, '$1[redacted]')
}

/** Fastify's request log serializer, with access tokens redacted from the URL. */
export function redactedRequest(request: { method: string; url: string; hostname?: string; ip?: string; socket?: { remotePort?: number } }) {
  return { method: request.method, url: redactUrl(request.url), host: request.hostname, remoteAddress: request.ip, remotePort: request.socket?.remotePort }
}
