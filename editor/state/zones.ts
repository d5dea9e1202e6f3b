import type { GraphDocument } from '../../runtime/graph/document';
import type { NodeTypeInfo } from '../../runtime/node-api/node-type-info';
import type { NodeRun, RunState } from './run-state';

type TypeOf = (type: string) => NodeTypeInfo | undefined;

/** A zone's `init` input and `result` output face the outside; its other ports close the loop. */
const INIT = 'init';
const RESULT = 'result';

/** Every node reachable from `starts` along `next`, never passing through `stop`. */
function reach(starts: string[], next: Map<string, string[]>, stop: string): Set<string> {
  const seen = new Set<string>();
  const stack = starts.filter((id) => id !== stop);
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const n of next.get(id) ?? []) if (n !== stop && !seen.has(n)) stack.push(n);
  }
  return seen;
}

const bodiesByDoc = new WeakMap<GraphDocument, Map<string, string[]>>();

/**
 * Each zone's body, in document order: the nodes on a path from one of its loop outputs
 * (`current`, `step`) to one of its loop inputs (`loss`, `candidates`, ...). The same rule as
 * the runtime's zone finder (docs/design.md#zones; a test holds them equal on the templates),
 * computed here from the document because the editor may not reach the runtime's graph code.
 */
export function zoneBodies(doc: GraphDocument, typeOf: TypeOf): Map<string, string[]> {
  const known = bodiesByDoc.get(doc);
  if (known) return known;
  const next = new Map<string, string[]>();
  const prev = new Map<string, string[]>();
  for (const e of doc.edges) {
    next.set(e.from[0], [...(next.get(e.from[0]) ?? []), e.to[0]]);
    prev.set(e.to[0], [...(prev.get(e.to[0]) ?? []), e.from[0]]);
  }
  const bodies = new Map<string, string[]>();
  for (const zone of doc.nodes) {
    if (!typeOf(zone.type)?.zone) continue;
    const id = zone.id;
    const fromLoop = doc.edges.filter((e) => e.from[0] === id && e.from[1] !== RESULT).map((e) => e.to[0]);
    const intoLoop = doc.edges.filter((e) => e.to[0] === id && e.to[1] !== INIT).map((e) => e.from[0]);
    const down = reach(fromLoop, next, id);
    const up = reach(intoLoop, prev, id);
    bodies.set(id, doc.nodes.map((n) => n.id).filter((n) => down.has(n) && up.has(n)));
  }
  // before the node types arrive every zone looks like a plain node: do not remember that
  if (doc.nodes.every((n) => typeOf(n.type))) bodiesByDoc.set(doc, bodies);
  return bodies;
}

/**
 * The optimization zone running now, if any: the one "Stop and use best" talks to. Zones do not
 * nest and a run does one unit at a time, so there is at most one. Pick zones end with Done.
 */
export function runningGradientZone(doc: GraphDocument, run: RunState, typeOf: TypeOf): string | undefined {
  return doc.nodes.find((n) => typeOf(n.type)?.zone === 'gradient' && run.nodes[n.id]?.status === 'running')?.id;
}

/** What a zone's frame says: its state, and which iteration of how many. */
export function zoneStatusText(run: NodeRun | undefined): string {
  if (!run) return '';
  const total = run.progress?.max;
  const done = run.history?.length ?? 0;
  const of = total ? ` of ${total}` : '';
  switch (run.status) {
    case 'running':
      if (run.stopping) return `stopping after iteration ${(run.iteration ?? 0) + 1}`;
      return run.pick ? `round ${run.pick.round + 1}${of}: your pick` : `iteration ${Math.min((run.iteration ?? 0) + 1, total ?? Infinity)}${of}`;
    case 'done':
    case 'cached':
      return run.stopped ? `stopped after ${done} iteration${done === 1 ? '' : 's'}, best used` : `${run.status}${done ? `, ${done} iterations` : ''}`;
    case 'error':
      return 'failed';
    case 'stale':
      return 'stale';
    default:
      return run.status === 'queued' ? 'queued' : '';
  }
}
