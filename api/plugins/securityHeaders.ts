// Why: browsers need to be told not to sniff content types (an Arrow file or an error body must
// never run as a script), not to frame the page, not to leak URLs in Referer, and to run only the
// scripts this server serves. The Content-Security-Policy is the narrowest that still lets the
// planner's page (/) and Swagger UI (/docs) work: scripts and connections to this origin only, no
// inline scripts; inline styles allowed, because Observable Plot writes <style> elements and
// Swagger UI style attributes; images from this origin and data: URIs (both use SVG data URIs).
import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'

export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
}

export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    // no upgrade-insecure-requests: the server speaks plain HTTP (on loopback, or behind a TLS proxy)
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // HSTS is the TLS terminator's to send; over plain HTTP browsers ignore it anyway
    strictTransportSecurity: false,
    // as frame-ancestors 'none', for browsers that only know the older header
    xFrameOptions: { action: 'deny' },
  })
}
