// Why: YAML aliases turn a small text into a huge or endless document: an alias bomb (aliases of
// aliases, 9^7 values from 200 bytes), an alias to its own ancestor (a cycle every later walk
// follows for ever), an alias to an anchor that does not exist, a merge key to nothing, nesting
// thousands deep. Each used to end in a 500. This walks the parsed YAML tree once, with an explicit
// stack (no depth overflows it), and names each such problem with its line and column before the
// tree is turned into data. It also finds duplicate keys, in linear time (the parser's own check
// is quadratic in the keys of a mapping: 60,000 keys took 30 s).
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml'
import type { Issue } from '../errors.js'
import { MAX_NESTING_DEPTH } from '../validation/nestingDepth.js'

/** Limits on YAML structure (a scenario needs none of them: at most a few anchors and aliases). */
export const YamlLimits = {
  /** anchors (&name) in one document */
  anchors: 100,
  /** aliases (*name) in one document */
  aliases: 100,
  /** values that aliases may add to the document when expanded */
  expandedValues: 100_000,
  /** nesting of mappings and sequences, counting what aliases expand to */
  depth: MAX_NESTING_DEPTH,
  /** problems reported one by one (a hostile text can hold thousands) */
  reported: 20,
} as const

interface Shape {
  /** values in the subtree once aliases are expanded */
  size: number
  /** nesting of the subtree once aliases are expanded (a scalar is 0) */
  height: number
}

/**
 * Problems with the structure of a parsed YAML document (empty when there are none), each at
 * `line L, column C`.
 *
 * @example checkYamlStructure(parseDocument('a: &x [*x]', { lineCounter }), lineCounter)
 * // [{ path: 'line 1, column 8', message: 'alias *x refers to a mapping or list that contains it (a recursive alias); ...' }]
 */
export function checkYamlStructure(doc: Document, lines: LineCounter): Issue[] {
  const issues: Issue[] = []
  const at = (node: { range?: [number, number, number] | null }) => {
    const { line, col } = lines.linePos(node.range?.[0] ?? 0)
    return `line ${line}, column ${col}`
  }
  const root = doc.contents as Node | null
  if (!root) return issues

  const anchors = new Map<string, Node>()
  const shapes = new Map<Node, Shape>()
  /** collections being walked (ancestors of the current node) */
  const open = new Set<Node>()
  let anchorCount = 0
  let aliasCount = 0
  let written = 0
  let reportedDepth = false

  type Frame = { node: Node; exit: boolean; depth: number }
  const stack: Frame[] = [{ node: root, exit: false, depth: 1 }]
  while (stack.length > 0) {
    const frame = stack.pop()!
    const node = frame.node
    if (frame.exit) {
      open.delete(node)
      const children = childrenOf(node)
      let size = 1
      let height = 0
      for (const child of children) {
        const s = shapes.get(child)
        if (!s) continue
        size += s.size
        height = Math.max(height, s.height)
      }
      const shape = { size, height: height + 1 }
      shapes.set(node, shape)
      if (shape.height > YamlLimits.depth && !reportedDepth) {
        reportedDepth = true
        issues.push({ path: at(node), message: `nests mappings and lists more than ${YamlLimits.depth} levels deep (counting what aliases expand to; a scenario needs about 10)` })
      }
      continue
    }

    written++
    if (node.anchor) {
      anchorCount++
      anchors.set(node.anchor, node)
      if (anchorCount === YamlLimits.anchors + 1) issues.push({ path: at(node), message: `more than ${YamlLimits.anchors} anchors (&name); a scenario needs a few at most` })
    }

    if (isAlias(node)) {
      aliasCount++
      if (aliasCount === YamlLimits.aliases + 1) issues.push({ path: at(node), message: `more than ${YamlLimits.aliases} aliases (*name); a scenario needs a few at most` })
      const target = anchors.get(node.source)
      if (!target) {
        issues.push({ path: at(node), message: `alias *${node.source} refers to no anchor &${node.source} defined before it` })
        shapes.set(node, { size: 1, height: 0 })
      } else if (open.has(target)) {
        issues.push({ path: at(node), message: `alias *${node.source} refers to a mapping or list that contains it (a recursive alias, which expands for ever)` })
        shapes.set(node, { size: 1, height: 0 })
      } else {
        const shape = shapes.get(target) ?? { size: 1, height: 0 }
        shapes.set(node, shape)
      }
      continue
    }

    if (isScalar(node)) {
      shapes.set(node, { size: 1, height: 0 })
      continue
    }

    if (isMap(node) || isSeq(node)) {
      if (frame.depth > YamlLimits.depth && !reportedDepth) {
        // already too deep as written: stop here rather than walk a pathological tree further
        reportedDepth = true
        issues.push({ path: at(node), message: `nests mappings and lists more than ${YamlLimits.depth} levels deep (a scenario needs about 10)` })
      }
      if (reportedDepth) continue
      if (isMap(node)) {
        const seen = new Map<string, Node>()
        for (const pair of node.items) {
          if (!isPair(pair) || !isScalar(pair.key)) continue
          const key = String(pair.key.value)
          if (key === '<<') issues.push({ path: at(pair.key), message: 'merge keys (<<) are not supported in scenarios; write the keys out' })
          const first = seen.get(key)
          if (first) issues.push({ path: at(pair.key), message: `duplicate key ${JSON.stringify(key)} (first at ${at(first)})` })
          else seen.set(key, pair.key)
        }
      }
      open.add(node)
      stack.push({ node, exit: true, depth: frame.depth })
      const children = childrenOf(node)
      for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], exit: false, depth: frame.depth + 1 })
    }
  }

  if (issues.length > YamlLimits.reported) {
    const more = issues.length - YamlLimits.reported
    issues.length = YamlLimits.reported
    issues.push({ path: '(text)', message: `and ${more} more problems` })
  }
  const expanded = shapes.get(root)?.size ?? written
  if (expanded - written > YamlLimits.expandedValues) {
    issues.unshift({
      path: at(root),
      message: `aliases expand the document from ${written} to ${expanded} values; at most ${YamlLimits.expandedValues} more than written are allowed (an alias bomb?)`,
    })
  }
  return issues
}

/** A collection's child nodes in document order (a mapping's keys and values, a list's items). */
function childrenOf(node: Node): Node[] {
  const out: Node[] = []
  const add = (x: unknown) => {
    if (isPair(x)) {
      add(x.key)
      add(x.value)
    } else if (x && typeof x === 'object') out.push(x as Node)
  }
  if (isMap(node) || isSeq(node)) for (const item of node.items as unknown[]) add(item)
  return out
}
