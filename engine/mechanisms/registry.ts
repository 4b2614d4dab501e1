// Why: the one list of mechanisms. The scenario schema, the seeds' validation, the checks, the
// plan compiler and the simulator all iterate it, so adding a mechanism is adding a module and a
// line here (or registering it at run time, as a test does with a toy mechanism: workers load such a
// module by its URL, which the plan carries).
import { BudgetSimError } from '../errors.js'
import { applications } from './applications.js'
import { budget } from './budget.js'
import { cap } from './cap.js'
import { entitlement } from './entitlement.js'
import { exhaustion } from './exhaustion.js'
import { funding } from './funding.js'
import { matching } from './matching.js'
import type { Mechanism, MechanismScope } from './Mechanism.js'
import { portfolio } from './portfolio.js'
import { quota } from './quota.js'

/** Built-in mechanisms, in the order their kernels run at each stage. */
const builtins: Mechanism<any>[] = [applications, portfolio, quota, entitlement, cap, budget, funding, matching, exhaustion]

const registered: Mechanism<any>[] = [...builtins]
/** URLs of mechanism modules registered at run time, by mechanism id (workers import them) */
const urls = new Map<string, string>()
let version = 0

/** The registered mechanisms (optionally of one scope), in kernel order. */
export function mechanisms(scope?: MechanismScope): Mechanism<any>[] {
  return scope ? registered.filter((m) => m.scope === scope) : registered
}

export function mechanism(id: string): Mechanism<any> {
  const m = registered.find((x) => x.id === id)
  if (!m) throw new BudgetSimError('SIMULATION_FAILED', `no mechanism "${id}" is registered in this process`)
  return m
}

/** Changes whenever a mechanism is registered (schemas and validators built from the registry are rebuilt). */
export function registryVersion(): number {
  return version
}

/** Module URLs of mechanisms registered at run time, for a plan that uses them. */
export function mechanismUrl(id: string): string | undefined {
  return urls.get(id)
}

/**
 * Add a mechanism (before the mechanism `before`, or last). `url` is the module that registers it,
 * so worker threads can load it. Parameter names and stream purposes must not clash with others.
 */
export function registerMechanism(m: Mechanism<any>, options: { url?: string; before?: string } = {}): void {
  if (registered.some((x) => x.id === m.id)) return
  const names = new Set(registered.flatMap((x) => Object.keys(x.parameters)))
  for (const name of Object.keys(m.parameters)) if (names.has(name)) throw new Error(`mechanism ${m.id}: parameter ${name} is already owned by another mechanism`)
  const purposes = new Set(registered.flatMap((x) => Object.values(x.purposes ?? {})))
  for (const p of Object.values(m.purposes ?? {})) if (purposes.has(p)) throw new Error(`mechanism ${m.id}: stream purpose ${p} is already used by another mechanism`)
  const at = options.before ? registered.findIndex((x) => x.id === options.before) : -1
  if (at >= 0) registered.splice(at, 0, m)
  else registered.push(m)
  if (options.url) urls.set(m.id, options.url)
  version++
}

/** Parameter name -> the mechanism that owns it. */
export function parameterOwners(scope: MechanismScope = 'programme'): Map<string, Mechanism<any>> {
  const out = new Map<string, Mechanism<any>>()
  for (const m of mechanisms(scope)) for (const name of Object.keys(m.parameters)) out.set(name, m)
  return out
}
