import type { CompiledGraph } from '../graph/validate';
import { isLoopLink } from '../zones/body';
import { reachable } from '../graph/graph-index';
import { topoOrder } from '../graph/topo';

/**
 * A plan runs "units": plain nodes, and zone owners that stand for their whole body (a zone
 * runs its body itself, once per iteration). A node that reads a body node's output waits
 * for the zone and gets the body's last iteration.
 */
export interface Plan {
  /** Units in the order they run. */
  order: string[];
  /** Every node the targets need, body nodes included. */
  needed: Set<string>;
  /** The units each planned unit waits for. */
  deps: Map<string, string[]>;
}

/** The unit that produces a node's outputs: its zone for body nodes, else itself. */
export const unitOf = (graph: CompiledGraph, id: string): string => graph.zoneOf.get(id) ?? id;

/** Units a unit waits for. A zone waits for its `init` and for everything its body reads from outside. */
export function unitDeps(graph: CompiledGraph, unit: string): string[] {
  const defOf = (id: string) => graph.defs.get(id);
  const deps = new Set<string>();
  const readers = [unit, ...(graph.zones.get(unit)?.nodes ?? [])];
  for (const reader of readers) {
    for (const link of graph.index.incoming.get(reader)!.values()) {
      if (isLoopLink(link, defOf)) continue;
      const dep = unitOf(graph, link.fromNode);
      if (dep !== unit) deps.add(dep);
    }
  }
  return [...deps];
}

/** Units nothing else waits for: what "run all" runs. Notes (no ports) are left out. */
export function sinks(graph: CompiledGraph, deps: (unit: string) => string[] = (u) => unitDeps(graph, u)): string[] {
  const units = [...graph.index.nodes.keys()].filter((id) => {
    const def = graph.defs.get(id)!;
    return !graph.zoneOf.has(id) && Object.keys(def.inputs).length + Object.keys(def.outputs).length > 0;
  });
  const awaited = new Set(units.flatMap(deps));
  return units.filter((u) => !awaited.has(u));
}

/** Plans what `targets` need ("run to here"); all sinks when no targets are given. */
export function makePlan(graph: CompiledGraph, targets?: readonly string[]): Plan {
  for (const t of targets ?? []) if (!graph.index.nodes.has(t)) throw new Error(`unknown target node "${t}"`);
  const depsCache = new Map<string, string[]>();
  const deps = (unit: string) => {
    let d = depsCache.get(unit);
    if (!d) depsCache.set(unit, (d = unitDeps(graph, unit)));
    return d;
  };
  const wanted = (targets && targets.length > 0 ? targets : sinks(graph, deps)).map((id) => unitOf(graph, id));
  const units = reachable(wanted, deps);
  const order = topoOrder(
    [...graph.index.nodes.keys()].filter((id) => units.has(id)),
    deps,
  );
  const needed = new Set<string>();
  for (const unit of order) {
    needed.add(unit);
    for (const member of graph.zones.get(unit)?.nodes ?? []) needed.add(member);
  }
  return { order, needed, deps: depsCache };
}
