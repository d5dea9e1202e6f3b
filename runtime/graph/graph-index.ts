import type { GraphDocument, GraphEdge, GraphNode } from './document';

/** One connection seen from either end. */
export interface Link {
  fromNode: string;
  fromPort: string;
  toNode: string;
  toPort: string;
}

/** Adjacency of a document, built once and shared by validation, zones and the scheduler. */
export interface GraphIndex {
  /** Nodes by id, in document order (the first of duplicated ids wins; validation reports the rest). */
  nodes: Map<string, GraphNode>;
  /** Links into each node, by input port name. */
  incoming: Map<string, Map<string, Link>>;
  /** Links out of each node. */
  outgoing: Map<string, Link[]>;
}

function toLink(edge: GraphEdge): Link {
  return { fromNode: edge.from[0], fromPort: edge.from[1], toNode: edge.to[0], toPort: edge.to[1] };
}

/** Indexes a document. Edges to unknown nodes and second edges into one input are left out (validation reports them). */
export function indexGraph(doc: GraphDocument): GraphIndex {
  const nodes = new Map<string, GraphNode>();
  for (const node of doc.nodes) if (!nodes.has(node.id)) nodes.set(node.id, node);
  const incoming = new Map<string, Map<string, Link>>();
  const outgoing = new Map<string, Link[]>();
  for (const id of nodes.keys()) {
    incoming.set(id, new Map());
    outgoing.set(id, []);
  }
  for (const edge of doc.edges) {
    const link = toLink(edge);
    const into = incoming.get(link.toNode);
    const out = outgoing.get(link.fromNode);
    if (!into || !out || into.has(link.toPort)) continue;
    into.set(link.toPort, link);
    out.push(link);
  }
  return { nodes, incoming, outgoing };
}

/** Every node reachable from `starts` by following `next`, not passing through `stop`. */
export function reachable(starts: Iterable<string>, next: (id: string) => Iterable<string>, stop?: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...starts].filter((id) => id !== stop);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const n of next(id)) if (n !== stop && !seen.has(n)) stack.push(n);
  }
  return seen;
}

export const successors = (index: GraphIndex) => (id: string) => (index.outgoing.get(id) ?? []).map((l) => l.toNode);
export const predecessors = (index: GraphIndex) => (id: string) =>
  [...(index.incoming.get(id)?.values() ?? [])].map((l) => l.fromNode);
