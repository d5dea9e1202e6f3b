import type { AnyNodeDef } from '../node-api/registry';
import { predecessors, reachable, successors, type GraphIndex, type Link } from '../graph/graph-index';
import { topoOrder } from '../graph/topo';

/**
 * Zones (docs/design.md#zones): a zone node owns a loop. By convention its `init` input and
 * `result` output face the outside; every other input (loss, candidates, images, score) is a
 * loop input fed by the body, and every other output (current, step) is a loop output that
 * changes each iteration.
 */
export const ZONE_INIT_INPUT = 'init';
export const ZONE_RESULT_OUTPUT = 'result';
export const ZONE_CURRENT_OUTPUT = 'current';

export const loopInputs = (def: AnyNodeDef): string[] => Object.keys(def.inputs).filter((p) => p !== ZONE_INIT_INPUT);
export const loopOutputs = (def: AnyNodeDef): string[] =>
  Object.keys(def.outputs).filter((p) => p !== ZONE_RESULT_OUTPUT);

export interface ZoneBody {
  zoneId: string;
  /** Body nodes in the order they run: every node on a path from a loop output to a loop input. */
  nodes: string[];
  /**
   * Every node on such a path, in document order. The same as `nodes` in a valid graph; more
   * when another zone's loop lies inside this body (its nodes have no run order here), which
   * validation refuses by looking here.
   */
  members: string[];
  /** Body nodes on a path from `current` to a loop input: gradients flow back through these. */
  onGradientPath: Set<string>;
  /** Links from the body into the zone's loop inputs. */
  loopLinks: Link[];
}

/** True for the links that close a zone's loop; they are not cycles and not plain dependencies. */
export function isLoopLink(link: Link, defOf: (id: string) => AnyNodeDef | undefined): boolean {
  const def = defOf(link.toNode);
  return !!def?.zone && link.toPort !== ZONE_INIT_INPUT;
}

const positionCache = new WeakMap<GraphIndex, Map<string, number>>();

/** Each node's place in the document, computed once per index (a document may hold many zones). */
function positions(index: GraphIndex): Map<string, number> {
  let order = positionCache.get(index);
  if (!order) positionCache.set(index, (order = new Map([...index.nodes.keys()].map((id, i) => [id, i]))));
  return order;
}

/** Finds the body of zone `zoneId`: nodes downstream of its loop outputs and upstream of its loop inputs. */
export function findZoneBody(index: GraphIndex, zoneId: string, def: AnyNodeDef): ZoneBody {
  const loopIn = new Set(loopInputs(def));
  const loopOut = new Set(loopOutputs(def));
  const loopLinks = [...(index.incoming.get(zoneId)?.values() ?? [])].filter((l) => loopIn.has(l.toPort));
  const outLinks = index.outgoing.get(zoneId) ?? [];
  const next = successors(index);
  const prev = predecessors(index);
  const downstream = reachable(
    outLinks.filter((l) => loopOut.has(l.fromPort)).map((l) => l.toNode),
    next,
    zoneId,
  );
  const upstream = reachable(
    loopLinks.map((l) => l.fromNode),
    prev,
    zoneId,
  );
  const fromCurrent = reachable(
    outLinks.filter((l) => l.fromPort === ZONE_CURRENT_OUTPUT).map((l) => l.toNode),
    next,
    zoneId,
  );
  // from the (usually small) reachable set, in document order: linear in the body, not the graph
  const order = positions(index);
  const members = [...downstream].filter((id) => upstream.has(id)).sort((a, b) => order.get(a)! - order.get(b)!);
  return {
    zoneId,
    nodes: topoOrder(members, prev),
    members,
    onGradientPath: new Set(members.filter((id) => fromCurrent.has(id))),
    loopLinks,
  };
}
