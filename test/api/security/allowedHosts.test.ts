import { describe, expect, it } from 'vitest'
import { allowedHostsOf, hostAllowed, parseHost } from '../../../api/security/allowedHosts.js'
import { checkExposure, isLoopback } from '../../../api/security/checkExposure.js'

describe('allowed Host values', () => {
  it('default to localhost and the loopback addresses, any port, plus the address bound to', () => {
    const allowed = allowedHostsOf({ host: '127.0.0.1', allowedHosts: '' })
    for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:8080', 'LOCALHOST', 'localhost.:3000']) expect(hostAllowed(host, allowed), host).toBe(true)
    for (const host of ['evil.example:3000', 'localhost.evil.example', '127.0.0.1.nip.io', '', undefined, '[::1', 'a b']) expect(hostAllowed(host, allowed), String(host)).toBe(false)
    expect(hostAllowed('10.1.2.3:3000', allowedHostsOf({ host: '10.1.2.3', allowedHosts: '' }))).toBe(true)
  })

  it('are the ALLOWED_HOSTS entries when given, with their ports, or any host for *', () => {
    const allowed = allowedHostsOf({ host: '0.0.0.0', allowedHosts: 'api.example.org, 192.168.1.5:3000' })
    expect(hostAllowed('api.example.org', allowed)).toBe(true)
    expect(hostAllowed('api.example.org:8443', allowed)).toBe(true)
    expect(hostAllowed('192.168.1.5:3000', allowed)).toBe(true)
    expect(hostAllowed('192.168.1.5:3001', allowed)).toBe(false)
    expect(hostAllowed('localhost:3000', allowed)).toBe(false)
    expect(allowedHostsOf({ host: '0.0.0.0', allowedHosts: '*' })).toBe('any')
    expect(parseHost('[::1]:3000')).toEqual({ host: '[::1]', port: 3000 })
    expect(parseHost('example.org:99999')).toBeNull()
  })
})

describe('exposure', () => {
  it('is ok on loopback or with a token, refused elsewhere without one, and a warning when the risk is accepted', () => {
    expect(['127.0.0.1', '127.5.6.7', 'localhost', '::1', '[::1]'].every(isLoopback)).toBe(true)
    expect(['0.0.0.0', '::', '192.168.1.5', 'example.org'].some(isLoopback)).toBe(false)
    expect(checkExposure({ host: '127.0.0.1', allowInsecurePublic: false }, 0)).toEqual({ verdict: 'ok' })
    expect(checkExposure({ host: '0.0.0.0', allowInsecurePublic: false }, 1)).toEqual({ verdict: 'ok' })
    expect(checkExposure({ host: '0.0.0.0', allowInsecurePublic: false }, 0)).toMatchObject({ verdict: 'refuse', message: expect.stringMatching(/^refusing to start: HOST=0\.0\.0\.0 is not a loopback address and no API_TOKEN/) })
    expect(checkExposure({ host: '0.0.0.0', allowInsecurePublic: true }, 0)).toMatchObject({ verdict: 'warn', message: expect.stringMatching(/^INSECURE:/) })
  })
})
