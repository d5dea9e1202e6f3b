import { Mt19937 } from '../../runtime/rng/mt19937';
import type { NodeRegistry } from '../../runtime/node-api/registry';

/** Names found on every object, and text that attacks terminals and readers. */
export const HOSTILE_NAMES = [
  'constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__', 'prototype', 'then',
  '', ' ', 'a b', 'x\u001b[2J\u001b[31mred', 'bell\u0007', 'line\nbreak', 'cr\rret', 'rtl\u202eexe.txt', 'iso\u2066late', 'zw\u200bsp',
  'nul\u0000', 'lone\ud800', '😀', 'n'.repeat(300), '"quoted"', 'back\\slash', 'gen.image', 'a.b -> c.d',
];

/** One hostile value, made only when drawn (some are large). */
function hostileValue(rng: FuzzRandom): unknown {
  const makers: (() => unknown)[] = [
    () => NaN, () => Infinity, () => -Infinity, () => 1e308, () => -1e308, () => -1, () => 0, () => 0.5, () => 2 ** 53, () => -0, () => 1e-320,
    () => null, () => true, () => false, () => '', () => 'text', () => rng.pick(HOSTILE_NAMES), () => ({}), () => [], () => [1, 2, 3],
    () => Array.from({ length: rng.int(5000) }, () => rng.int(10)), () => ({ nested: { deeper: [rng.int(9)] } }),
    () => deep(rng.int(60)), () => [NaN], () => ['a', 1], () => 'x'.repeat(rng.int(200_000)),
  ];
  return rng.pick(makers)();
}

/** `[[[…1…]]]`, `levels` deep. */
function deep(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

/** Mt19937 (runtime/rng) with the few draws the mutations need; the same seed gives the same documents. */
export class FuzzRandom {
  private readonly mt: Mt19937;
  constructor(seed: number) {
    this.mt = new Mt19937(seed);
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : this.mt.nextUint32() % n;
  }
  chance(p: number): boolean {
    return this.mt.nextUint32() / 2 ** 32 < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

type Json = Record<string, unknown>;
type Mutation = (d: Json, rng: FuzzRandom, ctx: { registry: NodeRegistry }) => void;

const nodesOf = (d: Json) => (Array.isArray(d.nodes) ? (d.nodes as Json[]) : []);
const edgesOf = (d: Json) => (Array.isArray(d.edges) ? (d.edges as Json[]) : []);
/** An edge that is still an object. */
const someEdge = (d: Json, rng: FuzzRandom): Json | undefined => {
  const e = edgesOf(d)[rng.int(edgesOf(d).length)];
  return e && typeof e === 'object' && !Array.isArray(e) ? e : undefined;
};
/** A node of the document that is still an object (earlier mutations may have replaced some). */
const someNode = (d: Json, rng: FuzzRandom): Json | undefined => {
  const n = nodesOf(d)[rng.int(nodesOf(d).length)];
  return n && typeof n === 'object' && !Array.isArray(n) ? n : undefined;
};
const typeNames = (registry: NodeRegistry) => registry.list().map((def) => def.type);
const portNames = (registry: NodeRegistry) => registry.list().flatMap((def) => [...Object.keys(def.inputs), ...Object.keys(def.outputs)]);
const paramNames = (registry: NodeRegistry, type: unknown) => Object.keys(registry.list().find((def) => def.type === type)?.params ?? {});

/** Each changes a document in place the way a hand edit, a bad tool or an attacker might. */
const MUTATIONS: Mutation[] = [
  // node types: another real one, an Object member, escapes, not a string
  (d, rng, { registry }) => {
    const n = someNode(d, rng);
    if (n) n.type = rng.chance(0.4) ? rng.pick(typeNames(registry)) : rng.chance(0.8) ? rng.pick(HOSTILE_NAMES) : hostileValue(rng);
  },
  // node ids: hostile, duplicated, not a string
  (d, rng) => {
    const n = someNode(d, rng);
    const other = someNode(d, rng);
    if (n) n.id = rng.chance(0.3) && other ? other.id : rng.chance(0.8) ? rng.pick(HOSTILE_NAMES) : hostileValue(rng);
  },
  // params: a declared one or a hostile name, set to a hostile value
  (d, rng, { registry }) => {
    const n = someNode(d, rng);
    if (!n) return;
    const params = (n.params && typeof n.params === 'object' && !Array.isArray(n.params) ? n.params : (n.params = {})) as Json;
    const names = paramNames(registry, n.type);
    const name = names.length && rng.chance(0.7) ? rng.pick(names) : rng.pick(HOSTILE_NAMES);
    Object.defineProperty(params, name, { value: hostileValue(rng), enumerable: true, writable: true, configurable: true });
  },
  // params replaced wholesale
  (d, rng) => {
    const n = someNode(d, rng);
    if (n) n.params = hostileValue(rng);
  },
  // edges rewired to other nodes and ports, real, hostile or missing
  (d, rng, { registry }) => {
    const e = someEdge(d, rng);
    if (!e) return;
    const end = rng.chance(0.5) ? 'from' : 'to';
    const ref = Array.isArray(e[end]) ? [...(e[end] as unknown[])] : ['', ''];
    if (rng.chance(0.5)) ref[0] = rng.chance(0.7) ? someNode(d, rng)?.id : rng.pick(HOSTILE_NAMES);
    else ref[1] = rng.chance(0.6) ? rng.pick(portNames(registry)) : rng.pick(HOSTILE_NAMES);
    e[end] = rng.chance(0.95) ? ref : hostileValue(rng);
  },
  // edges added between random ports (cycles, nested zones, fan-in), duplicated, reversed or dropped
  (d, rng, { registry }) => {
    const edges = edgesOf(d);
    const a = someNode(d, rng);
    const b = someNode(d, rng);
    const choice = rng.int(4);
    if (choice === 0 && a && b) edges.push({ from: [a.id, rng.pick(portNames(registry))], to: [b.id, rng.pick(portNames(registry))] });
    else if (choice === 1 && edges.length) edges.push(structuredClone(edges[rng.int(edges.length)]));
    else if (choice === 2 && edges.length) {
      const e = someEdge(d, rng);
      if (e) [e.from, e.to] = [e.to, e.from];
    } else if (edges.length) edges.splice(rng.int(edges.length), 1);
  },
  // a node copied under a new id, keeping its edges (a second zone wired into the first), or one removed
  (d, rng) => {
    const nodes = nodesOf(d);
    const n = someNode(d, rng);
    if (!n) return;
    if (rng.chance(0.5)) {
      const copy = { ...structuredClone(n), id: `${String(n.id)}_copy` };
      nodes.push(copy);
      for (const e of [...edgesOf(d)]) {
        if (!e || typeof e !== 'object') continue;
        if (Array.isArray(e.to) && e.to[0] === n.id && rng.chance(0.5)) edgesOf(d).push({ from: e.from, to: [copy.id, e.to[1]] });
        if (Array.isArray(e.from) && e.from[0] === n.id && rng.chance(0.5)) edgesOf(d).push({ from: [copy.id, e.from[1]], to: e.to });
      }
    } else nodes.splice(nodes.indexOf(n), 1);
  },
  // the frame: format, version, meta, nodes, edges of the wrong kind or missing
  (d, rng) => {
    const key = rng.pick(['format', 'version', 'meta', 'nodes', 'edges', 'position', 'ui']);
    if (key === 'position' || key === 'ui') {
      const n = someNode(d, rng);
      if (n) n[key] = hostileValue(rng);
    } else if (rng.chance(0.2)) delete d[key];
    else d[key] = hostileValue(rng);
  },
  // a whole node of the wrong kind
  (d, rng) => {
    const nodes = nodesOf(d);
    if (nodes.length) nodes[rng.int(nodes.length)] = hostileValue(rng) as Json;
  },
];

/** A mutated copy of `template`: as parsed data, or (sometimes) as JSON text with text-level damage. */
export function mutate(template: Json, rng: FuzzRandom, registry: NodeRegistry): unknown {
  const d = structuredClone(template);
  const count = 1 + rng.int(4);
  for (let i = 0; i < count; i++) rng.pick(MUTATIONS)(d, rng, { registry });
  if (!rng.chance(0.3)) return d;
  let text = JSON.stringify(d);
  switch (rng.int(4)) {
    case 0:
      return text.slice(0, rng.int(text.length));
    case 1: {
      const at = rng.int(text.length);
      return text.slice(0, at) + rng.pick(['\u0000', '"', '}', ']', ',', '\u202e', '\\u0000', '\ud800']) + text.slice(at);
    }
    case 2:
      // a __proto__ key, which JSON.parse keeps as an own property
      return text.replace('"params":{', `"params":{"__proto__":{"${rng.pick(['steps', 'polluted', 'width'])}":${rng.int(1e9)}},`);
    default:
      const levels = 30 + rng.int(5_000);
      text = text.replace('"meta":{', `"meta":{"deep":${'['.repeat(levels)}${']'.repeat(levels)},`);
      return text;
  }
}
