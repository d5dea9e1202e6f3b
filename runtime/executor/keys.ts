import type { CompiledGraph } from '../graph/validate';
import { isLoopLink } from '../zones/body';

/** cyrb53's mixing, kept to both 32-bit halves: a fast 64-bit string hash, plenty to tell results apart. */
export function hashText(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 >>> 0).toString(36) + '.' + (h2 >>> 0).toString(36);
}

/** A node's key: what it is, how it is set, and the keys of what flows into it (Merkle-style). */
export interface NodeKey {
  key: string;
  /** Depends on a non-deterministic node: never reused from the cache. */
  volatile: boolean;
}

/**
 * Cache keys for one run, computed in plan order. `nonce` makes keys of non-deterministic
 * nodes (and everything downstream) unique to this run.
 */
export class KeyBook {
  private readonly keys = new Map<string, NodeKey>();

  constructor(
    private readonly graph: CompiledGraph,
    private readonly nonce: string,
  ) {}

  get(id: string): NodeKey | undefined {
    return this.keys.get(id);
  }

  /** Keys a plain node from its sources' keys; `loopKey` stands in for a zone's loop outputs. */
  private describe(id: string, sourceKey: (from: string) => NodeKey): NodeKey {
    const def = this.graph.defs.get(id)!;
    const defOf = (n: string) => this.graph.defs.get(n);
    let volatile = def.deterministic === false;
    const parts = [def.type, String(def.version), JSON.stringify(this.graph.params.get(id))];
    for (const link of this.graph.index.incoming.get(id)!.values()) {
      if (isLoopLink(link, defOf)) continue;
      const source = sourceKey(link.fromNode);
      volatile ||= source.volatile;
      parts.push(`${link.toPort}<${source.key}:${link.fromPort}`);
    }
    if (volatile) parts.push(this.nonce);
    return { key: hashText(parts.join('|')), volatile };
  }

  /**
   * Makes a unit (and a zone's body) this run's only, after it handed on less than its key
   * promises (a zone stopped early): keys computed later, downstream, turn volatile too.
   */
  markVolatile(unit: string): void {
    for (const id of [unit, ...(this.graph.zones.get(unit)?.nodes ?? [])]) {
      const k = this.keys.get(id);
      if (k && !k.volatile) this.keys.set(id, { key: hashText(`${k.key}|${this.nonce}`), volatile: true });
    }
  }

  /** Keys a unit; for a zone, also its body nodes (whose results are the last iteration's). */
  keyUnit(unit: string): NodeKey {
    const body = this.graph.zones.get(unit);
    if (!body) {
      const key = this.describe(unit, (from) => this.keys.get(from)!);
      this.keys.set(unit, key);
      return key;
    }
    // The body's shape, settings and outside inputs decide the zone's result, so they go into its key.
    const local = new Map<string, NodeKey>();
    const loopKey: NodeKey = { key: `loop:${unit}`, volatile: false };
    const sourceKey = (from: string) => (from === unit ? loopKey : (local.get(from) ?? this.keys.get(from)!));
    for (const member of body.nodes) local.set(member, this.describe(member, sourceKey));
    const own = this.describe(unit, (from) => this.keys.get(from)!);
    const parts = [own.key, ...body.nodes.map((m) => `${m}=${local.get(m)!.key}`)];
    const volatile = own.volatile || [...local.values()].some((k) => k.volatile);
    if (volatile) parts.push(this.nonce);
    const zoneKey = { key: hashText(parts.join('|')), volatile };
    this.keys.set(unit, zoneKey);
    for (const member of body.nodes) this.keys.set(member, { key: hashText(`${zoneKey.key}|body|${member}`), volatile });
    return zoneKey;
  }
}
