import type { GraphDocument } from '../../runtime/graph/document';
import { edgeKey } from './document-ops';
import type { KeptRun } from './kept-runs';

/** One line per kept run for the history panel: what changed since the run before, and its scores. */
export interface RunSummary {
  at: number;
  status: KeptRun['status'];
  ms?: number;
  /** "prompt.text, generate.steps; +1 node" or "no change" (or "first run kept"). */
  diff: string;
  /** Nodes with scores, each with its first score, in document order. */
  scores: { nodeId: string; value: number }[];
}

/** What changed from `before` to `after`: params as node.param, nodes added/removed, wires changed. */
export function graphDiff(before: GraphDocument, after: GraphDocument): string {
  const old = new Map(before.nodes.map((n) => [n.id, n]));
  const now = new Set(after.nodes.map((n) => n.id));
  const params: string[] = [];
  let added = 0;
  for (const n of after.nodes) {
    const o = old.get(n.id);
    if (!o) {
      added++;
      continue;
    }
    for (const key of new Set([...Object.keys(o.params), ...Object.keys(n.params)])) {
      if (JSON.stringify(o.params[key]) !== JSON.stringify(n.params[key])) params.push(`${n.id}.${key}`);
    }
  }
  const removed = before.nodes.filter((n) => !now.has(n.id)).length;
  const a = new Set(before.edges.map(edgeKey));
  const b = new Set(after.edges.map(edgeKey));
  const wires = [...b].filter((k) => !a.has(k)).length + [...a].filter((k) => !b.has(k)).length;
  const parts = [
    params.length > 4 ? `${params.slice(0, 4).join(', ')} +${params.length - 4} more` : params.join(', '),
    added ? `+${added} node${added > 1 ? 's' : ''}` : '',
    removed ? `−${removed} node${removed > 1 ? 's' : ''}` : '',
    wires ? `${wires} wire${wires > 1 ? 's' : ''} changed` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'no change';
}

/** Summaries of `runs` (newest first), each against the run before it. */
export function summarizeRuns(runs: readonly KeptRun[]): RunSummary[] {
  return runs.map((run, i) => {
    const older = runs[i + 1];
    const scores = run.doc.nodes.flatMap((n) => {
      const value = run.nodes[n.id]?.scores?.[0];
      return value !== undefined ? [{ nodeId: n.id, value }] : [];
    });
    return { at: run.at, status: run.status, ms: run.ms, diff: older ? graphDiff(older.doc, run.doc) : 'first run kept', scores };
  });
}

/** Nodes that showed images in both runs, in the newer run's document order: what an A/B compares. */
export function comparableNodes(a: KeptRun, b: KeptRun): string[] {
  return a.doc.nodes.map((n) => n.id).filter((id) => a.nodes[id]?.previews?.length && b.nodes[id]?.previews?.length);
}
