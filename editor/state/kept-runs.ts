import type { GraphDocument } from '../../runtime/graph/document';
import { downstream, edgeKey } from './document-ops';
import type { NodeRun, RunState } from './run-state';

/**
 * Runs kept across reloads (IndexedDB, editor/state/run-store.ts): what each node showed when a
 * run ended (previews, scores, plots, saved files, errors) and the document it ran, so a reload
 * brings the outputs back, stale where the graph changed since.
 */
/** How many runs are kept (IndexedDB and the history panel). */
export const KEEP_RUNS = 10;

export interface KeptNode {
  status: 'done' | 'cached' | 'error';
  ms?: number;
  scores?: number[];
  previews?: NodeRun['previews'];
  history?: NodeRun['history'];
  goal?: NodeRun['goal'];
  files?: NodeRun['files'];
  stopped?: boolean;
  error?: string;
}

export interface KeptRun {
  /** Assigned by the store: increasing. */
  id?: number;
  /** When the run ended (ms since 1970). */
  at: number;
  status: 'ok' | 'error' | 'cancelled';
  /** How long it took (ms). */
  ms?: number;
  doc: GraphDocument;
  nodes: Record<string, KeptNode>;
}

/** What is worth keeping of the run state once a run ended; undefined before any run. */
export function keepRun(run: RunState, doc: GraphDocument, at: number): KeptRun | undefined {
  if (run.running || !run.lastStatus) return undefined;
  const nodes: Record<string, KeptNode> = {};
  const ids = new Set(doc.nodes.map((n) => n.id));
  for (const [id, n] of Object.entries(run.nodes)) {
    if (!ids.has(id)) continue;
    // a stale node's output is kept as what it last showed; idle nodes showed nothing
    const status = n.status === 'stale' ? 'done' : n.status;
    if (status !== 'done' && status !== 'cached' && status !== 'error') continue;
    const kept: KeptNode = { status };
    if (n.ms !== undefined) kept.ms = n.ms;
    if (n.scores) kept.scores = n.scores;
    if (n.previews?.length) kept.previews = n.previews;
    if (n.history?.length) kept.history = n.history;
    if (n.goal) kept.goal = n.goal;
    if (n.files?.length) kept.files = n.files;
    if (n.stopped) kept.stopped = true;
    if (n.error) kept.error = n.error;
    nodes[id] = kept;
  }
  const ms = run.startedAt !== undefined && run.endedAt !== undefined ? run.endedAt - run.startedAt : undefined;
  return { at, status: run.lastStatus, ...(ms !== undefined ? { ms } : {}), doc, nodes };
}

/** Nodes whose type, params or inputs differ between two documents, and everything downstream of them. */
export function changedSince(before: GraphDocument, after: GraphDocument): Set<string> {
  const old = new Map(before.nodes.map((n) => [n.id, n]));
  const touched: string[] = [];
  for (const n of after.nodes) {
    const o = old.get(n.id);
    if (!o || o.type !== n.type || JSON.stringify(o.params) !== JSON.stringify(n.params)) touched.push(n.id);
  }
  const edgesBefore = new Set(before.edges.map(edgeKey));
  const edgesAfter = new Set(after.edges.map(edgeKey));
  for (const e of after.edges) if (!edgesBefore.has(edgeKey(e))) touched.push(e.to[0]);
  for (const e of before.edges) if (!edgesAfter.has(edgeKey(e))) touched.push(e.to[0]);
  return downstream(after, touched);
}

/**
 * The run state a kept run gives the document `doc`: each node's outputs as they were, marked
 * stale where the graph changed since that run (an error there is dropped: it may be fixed).
 */
export function restoreRun(kept: KeptRun, doc: GraphDocument, base: RunState): RunState {
  const changed = changedSince(kept.doc, doc);
  const ids = new Set(doc.nodes.map((n) => n.id));
  const nodes: Record<string, NodeRun> = {};
  for (const [id, k] of Object.entries(kept.nodes)) {
    if (!ids.has(id)) continue;
    const { status, ...shown } = k;
    if (changed.has(id)) {
      if (status === 'error') continue;
      nodes[id] = { ...shown, status: 'stale' };
    } else nodes[id] = { ...shown, status };
  }
  return { ...base, running: false, lastStatus: kept.status, nodes, executed: [], cached: [] };
}
