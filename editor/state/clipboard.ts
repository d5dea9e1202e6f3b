import type { GraphDocument, GraphEdge, GraphNode } from '../../runtime/graph/document';
import { freshId } from './document-ops';

/** Copy/paste of nodes as text, so it also travels through the system clipboard. */

const CLIPBOARD_FORMAT = 'embedding-studio/nodes';

export function copyNodes(doc: GraphDocument, ids: Iterable<string>): string | undefined {
  const pick = new Set(ids);
  const nodes = doc.nodes.filter((n) => pick.has(n.id));
  if (!nodes.length) return undefined;
  const edges = doc.edges.filter((e) => pick.has(e.from[0]) && pick.has(e.to[0]));
  return JSON.stringify({ format: CLIPBOARD_FORMAT, nodes, edges });
}

export interface Pasted {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/**
 * New nodes (fresh ids, edges among them kept) from clipboard text, placed with their top-left at
 * `at` or offset from where they were copied. Returns undefined for text that is not ours.
 */
export function pasteNodes(doc: GraphDocument, text: string, at?: [number, number]): Pasted | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const clip = data as { format?: string; nodes?: GraphNode[]; edges?: GraphEdge[] };
  if (clip?.format !== CLIPBOARD_FORMAT || !Array.isArray(clip.nodes) || !clip.nodes.length) return undefined;
  const minX = Math.min(...clip.nodes.map((n) => n.position?.[0] ?? 0));
  const minY = Math.min(...clip.nodes.map((n) => n.position?.[1] ?? 0));
  const [dx, dy] = at ? [at[0] - minX, at[1] - minY] : [40, 40];
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const nodes = clip.nodes.map((n) => {
    const id = freshId(doc, n.type, taken);
    taken.add(id);
    ids.set(n.id, id);
    const [x, y] = n.position ?? [0, 0];
    return { ...structuredClone(n), id, position: [x + dx, y + dy] as [number, number] };
  });
  const edges = (clip.edges ?? [])
    .filter((e) => ids.has(e.from[0]) && ids.has(e.to[0]))
    .map((e) => ({ from: [ids.get(e.from[0])!, e.from[1]], to: [ids.get(e.to[0])!, e.to[1]] }) as GraphEdge);
  return { nodes, edges };
}
