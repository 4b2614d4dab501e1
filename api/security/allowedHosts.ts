// Why: DNS rebinding. A web page on evil.example can make its own name resolve to 127.0.0.1 and
// then call this server from the victim's browser as "same origin"; the only trace is the Host
// header, which still says evil.example. So only the names the server is really reached by are
// accepted: localhost and the loopback addresses, the address it is bound to (every interface
// address when bound to all), and what ALLOWED_HOSTS adds.
import { networkInterfaces } from 'node:os'

/** An accepted Host: a lower-case name or address (IPv6 in brackets), and a port when the rule names one. */
export interface HostRule {
  host: string
  port?: number
}

export type AllowedHosts = HostRule[] | 'any'

const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*)(:(\d{1,5}))?$/

/** Split a Host header value (or an ALLOWED_HOSTS entry) into host and port; null when malformed. */
export function parseHost(value: string): HostRule | null {
  const text = value.trim().toLowerCase().replace(/\.(?=:|$)/, '')
  const m = HOST.exec(text)
  if (!m) return null
  const port = m[6] === undefined ? undefined : Number(m[6])
  if (port !== undefined && port > 65535) return null
  return port === undefined ? { host: m[1] } : { host: m[1], port }
}

/** The host as a Host header writes it: IPv6 addresses in brackets. */
function bracketed(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address.toLowerCase()
}

const WILDCARDS = ['0.0.0.0', '::', '[::]', '']

/**
 * The allowed Host values: ALLOWED_HOSTS when given (`*` for any), else localhost, 127.0.0.1,
 * [::1], the HOST bound to, and, when HOST is a wildcard, every interface address. Throws an Error
 * naming ALLOWED_HOSTS for a malformed entry.
 */
export function allowedHostsOf(config: { host: string; allowedHosts: string }): AllowedHosts {
  const raw = config.allowedHosts.trim()
  if (raw === '*') return 'any'
  const rules: HostRule[] = []
  if (raw !== '') {
    for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
      const rule = parseHost(entry)
      if (!rule) throw new Error(`ALLOWED_HOSTS: each entry must be a host name or address with an optional :port (IPv6 in brackets), or * alone, got "${entry}"`)
      rules.push(rule)
    }
    return rules
  }
  const hosts = new Set(['localhost', '127.0.0.1', '[::1]'])
  if (WILDCARDS.includes(config.host)) {
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) hosts.add(bracketed(i.address.split('%')[0]))
  } else hosts.add(bracketed(config.host))
  return [...hosts].map((host) => ({ host }))
}

/** Whether a Host header value is allowed. A rule without a port accepts any port. */
export function hostAllowed(header: string | undefined, allowed: AllowedHosts): boolean {
  if (allowed === 'any') return true
  if (!header) return false
  const got = parseHost(header)
  if (!got) return false
  return allowed.some((r) => r.host === got.host && (r.port === undefined || r.port === (got.port ?? 80)))
}
