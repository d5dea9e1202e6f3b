import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument, type GraphEdge, type GraphNode } from '../../runtime/graph/document';

/**
 * Pure, structurally shared edits of a graph document. Every function returns a new document
 * (or the same one when nothing changed), so undo can keep whole snapshots cheaply.
 */

export function emptyDocument(title = 'Untitled'): GraphDocument {
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, meta: { title }, nodes: [], edges: [] };
}

export function edgeKey(e: GraphEdge): string {
  return `${e.from[0]}.${e.from[1]}->${e.to[0]}.${e.to[1]}`;
}

export function sameEdge(a: GraphEdge, b: GraphEdge): boolean {
  return edgeKey(a) === edgeKey(b);
}

/** A fresh id derived from the node type: "slerp", "slerp-2", ... */
export function freshId(doc: GraphDocument, type: string, taken: Set<string> = new Set()): string {
  const base = type.replace(/[^A-Za-z0-9_.-]/g, '').toLowerCase() || 'node';
  const used = new Set(doc.nodes.map((n) => n.id));
  if (!used.has(base) && !taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const id = `${base}-${i}`;
    if (!used.has(id) && !taken.has(id)) return id;
  }
}

export function addNodes(doc: GraphDocument, nodes: GraphNode[], edges: GraphEdge[] = []): GraphDocument {
  if (!nodes.length && !edges.length) return doc;
  return { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] };
}

export function removeNodes(doc: GraphDocument, ids: Iterable<string>): GraphDocument {
  const drop = new Set(ids);
  if (!doc.nodes.some((n) => drop.has(n.id))) return doc;
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !drop.has(n.id)),
    edges: doc.edges.filter((e) => !drop.has(e.from[0]) && !drop.has(e.to[0])),
  };
}

/** Adds an edge; an input takes one edge, so an edge already feeding that input is replaced. */
export function connect(doc: GraphDocument, edge: GraphEdge): GraphDocument {
  if (doc.edges.some((e) => sameEdge(e, edge))) return doc;
  const kept = doc.edges.filter((e) => !(e.to[0] === edge.to[0] && e.to[1] === edge.to[1]));
  return { ...doc, edges: [...kept, edge] };
}

export function disconnect(doc: GraphDocument, edge: GraphEdge): GraphDocument {
  const kept = doc.edges.filter((e) => !sameEdge(e, edge));
  return kept.length === doc.edges.length ? doc : { ...doc, edges: kept };
}

function updateNode(doc: GraphDocument, id: string, update: (n: GraphNode) => GraphNode): GraphDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    if (n.id !== id) return n;
    const next = update(n);
    if (next !== n) changed = true;
    return next;
  });
  return changed ? { ...doc, nodes } : doc;
}

export function setParam(doc: GraphDocument, id: string, name: string, value: unknown): GraphDocument {
  return updateNode(doc, id, (n) =>
    Object.is(n.params[name], value) ? n : { ...n, params: { ...n.params, [name]: value } },
  );
}

export function setNodeUi(doc: GraphDocument, id: string, ui: Record<string, unknown>): GraphDocument {
  return updateNode(doc, id, (n) => ({ ...n, ui: { ...n.ui, ...ui } }));
}

export function moveNodes(doc: GraphDocument, positions: Record<string, [number, number]>): GraphDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    const p = positions[n.id];
    if (!p || (p[0] === n.position[0] && p[1] === n.position[1])) return n;
    changed = true;
    return { ...n, position: [p[0], p[1]] as [number, number] };
  });
  return changed ? { ...doc, nodes } : doc;
}

export function setMeta(doc: GraphDocument, meta: GraphDocument['meta']): GraphDocument {
  return { ...doc, meta: { ...doc.meta, ...meta } };
}

/** Every node downstream of `ids` (inclusive): what an edit makes stale. */
export function downstream(doc: GraphDocument, ids: Iterable<string>): Set<string> {
  const out = new Set(ids);
  const stack = [...out];
  while (stack.length) {
    const id = stack.pop()!;
    for (const e of doc.edges) {
      if (e.from[0] === id && !out.has(e.to[0])) {
        out.add(e.to[0]);
        stack.push(e.to[0]);
      }
    }
  }
  return out;
}

/** Document text as saved to files: stable key order, two-space indent. */
export function serialize(doc: GraphDocument): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

const indexes = new WeakMap<GraphDocument, Map<string, GraphNode>>();
/** O(1) lookup by id, cached per document snapshot. */
export function nodeById(doc: GraphDocument, id: string): GraphNode | undefined {
  let index = indexes.get(doc);
  if (!index) indexes.set(doc, (index = new Map(doc.nodes.map((n) => [n.id, n]))));
  return index.get(id);
}

/** Nodes whose content differs between two documents (for stale marks after undo/redo). */
export function changedNodes(a: GraphDocument, b: GraphDocument): string[] {
  const before = new Map(a.nodes.map((n) => [n.id, n]));
  const out: string[] = [];
  for (const n of b.nodes) {
    const old = before.get(n.id);
    if (!old || old.params !== n.params || old.type !== n.type) out.push(n.id);
  }
  const edgesA = new Set(a.edges.map(edgeKey));
  const edgesB = new Set(b.edges.map(edgeKey));
  for (const e of b.edges) if (!edgesA.has(edgeKey(e))) out.push(e.to[0]);
  for (const e of a.edges) if (!edgesB.has(edgeKey(e))) out.push(e.to[0]);
  return out;
}
