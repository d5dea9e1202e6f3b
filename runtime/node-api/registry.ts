import type { NodeDef } from './node';
import type { NodeTypeInfo } from '../node-api/node-type-info';

// Definitions differ in their param types; the registry only needs the common shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyNodeDef = NodeDef<any>;

/** Node types by name. Tests and benchmarks build their own instance with test-only nodes. */
export class NodeRegistry {
  private readonly defs = new Map<string, AnyNodeDef>();

  constructor(defs: Iterable<AnyNodeDef> = []) {
    for (const def of defs) this.register(def);
  }

  register(def: AnyNodeDef): this {
    if (this.defs.has(def.type)) throw new Error(`node type "${def.type}" is registered twice`);
    this.defs.set(def.type, def);
    return this;
  }

  get(type: string): AnyNodeDef | undefined {
    return this.defs.get(type);
  }

  list(): AnyNodeDef[] {
    return [...this.defs.values()];
  }

  /** Serializable descriptions for the editor's palette (no functions cross the worker boundary). */
  info(): NodeTypeInfo[] {
    return this.list().map((d) => ({
      type: d.type,
      category: d.category,
      doc: d.doc,
      inputs: d.inputs,
      outputs: d.outputs,
      params: d.params,
      ...(d.zone ? { zone: d.zone } : {}),
    }));
  }
}
