// The Node versions the project promises (package.json's engines, the README) against what every
// installed package declares, so that `npm install` on a promised version warns about nothing.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import semver from 'semver'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../engine/paths.js'

const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'))
const lock = JSON.parse(readFileSync(join(packageRoot, 'package-lock.json'), 'utf8'))
const promised: string = pkg.engines.node

describe('the Node versions promised', () => {
  it('are accepted by every package the lock installs (optional ones are skipped, not warned about)', () => {
    const refusing = Object.entries(lock.packages as Record<string, { engines?: { node?: string }; optional?: boolean }>)
      .filter(([path, p]) => path !== '' && !p.optional && p.engines?.node && !semver.subset(promised, p.engines.node))
      .map(([path, p]) => `${path} wants node ${p.engines!.node}`)
    expect(refusing).toEqual([])
  })

  it('start where the README says, and include the Node running the tests', () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8')
    const stated = /^Node\.js (\d+\.\d+) or later/m.exec(readme)?.[1]
    expect(`${stated}.0`).toBe(semver.minVersion(promised)!.version)
    expect(semver.satisfies(process.version, promised)).toBe(true)
  })

  it('get cookie encoding for app.inject from a cookie release that supports them', () => {
    const cookie = lock.packages['node_modules/light-my-request/node_modules/cookie'] ?? lock.packages['node_modules/cookie']
    expect(semver.subset(promised, cookie.engines.node)).toBe(true)
    expect(pkg.license).toBe('MIT')
    expect(readFileSync(join(packageRoot, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 budget-sim contributors\n/)
  })
})
