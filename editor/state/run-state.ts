import type { PreviewImage, RuntimeEvent } from '../../runtime/events';

/** What the editor shows of a run: per-node status, previews, plots, backend and model loading. */

export type NodeStatus = 'idle' | 'queued' | 'running' | 'done' | 'cached' | 'error' | 'stale';

/**
 * A node's progress. `at`: when the latest report came; `first`: the first report since the
 * work (re)started, so the rate, and the time left, leave out what came before (model loading).
 */
export interface Progress {
  value: number;
  max: number;
  at?: number;
  first?: { value: number; at: number };
}

export interface NodeRun {
  status: NodeStatus;
  progress?: Progress;
  /** When it started (ms, Date.now()); for a body node, when its zone's iteration started. */
  startedAt?: number;
  previews?: PreviewImage[];
  /** The node's own latest status line (e.g. the memory GradientStep's gradient plans); kept after it finishes, cleared when it starts again. */
  note?: string;
  error?: string;
  ms?: number;
  scores?: number[];
  /** A zone's objective per iteration, for the live loss plot, with which way was better then. */
  history?: { step: number; objective: number; goal?: 'minimize' | 'maximize' }[];
  goal?: 'minimize' | 'maximize';
  /** Files the node saved (SaveEmbedding), offered as downloads; the latest per name. */
  files?: SavedFile[];
  /** A Pick zone waiting for a person to choose among candidates. */
  pick?: { round: number; images: PreviewImage[]; scores?: number[]; t: number };
  /** "Stop and use best" was asked of this running zone; it ends after the work in progress. */
  stopping?: boolean;
  /** The zone was stopped early and handed on its best result so far. */
  stopped?: boolean;
  /** While its zone runs: the iteration in progress (0-based), on the zone and its body nodes. */
  iteration?: number;
}

type BackendEvent = Extract<RuntimeEvent, { type: 'backend' }>;
export type BackendInfo = Pick<BackendEvent, 'name' | 'notice' | 'reason' | 'timings' | 'source'>;

export interface SavedFile {
  name: string;
  bytes: Uint8Array;
  mime: string;
}

export interface RunState {
  running: boolean;
  runId?: number;
  lastStatus?: 'ok' | 'error' | 'cancelled';
  /** Where models run: the latest word, and per model source (editor/ui/BackendPill.tsx). */
  backend?: BackendInfo;
  backends?: Record<string, BackendInfo>;
  models: Record<string, { loaded: number; total: number }>;
  nodes: Record<string, NodeRun>;
  /**
   * Zone bodies of the document being run (editor/state/zones.ts): body nodes run inside their
   * zone's iterations and get no events of their own until the zone ends.
   */
  zones?: Record<string, string[]>;
  /** The run's units (nodes outside zone bodies), for the whole run's progress. */
  planned?: string[];
  startedAt?: number;
  endedAt?: number;
  /** node-done events of the last run with cached=false / cached=true. */
  executed: string[];
  cached: string[];
}

export const initialRunState: RunState = { running: false, models: {}, nodes: {}, executed: [], cached: [] };

const IDLE: NodeRun = { status: 'idle' };

function patchNode(state: RunState, id: string, patch: Partial<NodeRun>): RunState {
  const prev = state.nodes[id] ?? IDLE;
  return { ...state, nodes: { ...state.nodes, [id]: { ...prev, ...patch } } };
}

/**
 * A zone works on iteration `step`: it and its body nodes say so (body nodes run inside the
 * zone and would otherwise sit at "queued" for the whole loop).
 */
function atIteration(state: RunState, zoneId: string, step: number, at: number): RunState {
  const nodes = { ...state.nodes, [zoneId]: { ...(state.nodes[zoneId] ?? IDLE), iteration: step } };
  for (const id of state.zones?.[zoneId] ?? []) {
    const n = nodes[id] ?? IDLE;
    // a body node that failed keeps its error until the run ends
    if (n.status !== 'error') nodes[id] = { ...n, status: 'running', iteration: step, startedAt: at, ...(step > 0 ? { progress: undefined } : {}) };
  }
  return { ...state, nodes };
}

/** Folds one runtime event into the run state; `at` is when it arrived (ms), for elapsed times and ETAs. */
export function reduceRunEvent(state: RunState, ev: RuntimeEvent, at: number = Date.now()): RunState {
  switch (ev.type) {
    case 'run-start': {
      const nodes = { ...state.nodes };
      // Previews stay visible until replaced; status, progress and errors reset.
      for (const id of ev.nodes) nodes[id] = { ...nodes[id], status: 'queued', progress: undefined, error: undefined, startedAt: undefined };
      const inBody = new Set(Object.values(state.zones ?? {}).flat());
      const planned = ev.nodes.filter((id) => !inBody.has(id));
      return { ...state, running: true, runId: ev.runId, lastStatus: undefined, nodes, planned, startedAt: at, endedAt: undefined, executed: [], cached: [] };
    }
    case 'node-start': {
      const next = patchNode(state, ev.nodeId, { status: 'running', progress: undefined, note: undefined, error: undefined, history: undefined, stopping: undefined, stopped: undefined, startedAt: at });
      return state.zones?.[ev.nodeId] ? atIteration(next, ev.nodeId, 0, at) : next;
    }
    case 'node-progress': {
      const prev = state.nodes[ev.nodeId]?.progress;
      // a count that starts over (the next iteration of a body node) starts the rate over
      const first = prev?.first && ev.value >= prev.value ? prev.first : { value: ev.value, at };
      // a report without a message keeps the last one: the line says what the node last said
      return patchNode(state, ev.nodeId, { progress: { value: ev.value, max: ev.max, at, first }, ...(ev.message ? { note: ev.message } : {}) });
    }
    case 'node-preview':
      return patchNode(state, ev.nodeId, { previews: ev.images });
    case 'node-done': {
      const next = patchNode(state, ev.nodeId, {
        status: ev.cached ? 'cached' : 'done',
        ms: ev.ms,
        scores: ev.scores,
        progress: undefined,
        iteration: undefined,
        // a stopped Pick no longer waits for a person
        pick: undefined,
        stopping: undefined,
        stopped: ev.stopped ? true : undefined,
      });
      return ev.cached
        ? { ...next, cached: [...state.cached, ev.nodeId] }
        : { ...next, executed: [...state.executed, ev.nodeId] };
    }
    case 'node-error':
      return patchNode(state, ev.nodeId, { status: 'error', error: ev.message, progress: undefined });
    case 'file': {
      const files = (state.nodes[ev.nodeId]?.files ?? []).filter((f) => f.name !== ev.name);
      return patchNode(state, ev.nodeId, { files: [...files, { name: ev.name, bytes: ev.bytes, mime: ev.mime }] });
    }
    case 'zone-iteration': {
      const history = [...(state.nodes[ev.nodeId]?.history ?? []), { step: ev.step, objective: ev.objective, ...(ev.goal ? { goal: ev.goal } : {}) }];
      return atIteration(patchNode(state, ev.nodeId, { history, goal: ev.goal }), ev.nodeId, ev.step + 1, at);
    }
    case 'pick-request':
      return patchNode(state, ev.nodeId, { pick: { round: ev.round, images: ev.images, scores: ev.scores, t: ev.t } });
    case 'backend': {
      const info: BackendInfo = { name: ev.name, notice: ev.notice, reason: ev.reason, timings: ev.timings, source: ev.source };
      return { ...state, backend: info, ...(ev.source ? { backends: { ...state.backends, [ev.source]: info } } : {}) };
    }
    case 'model-progress':
      return { ...state, models: { ...state.models, [ev.source]: { loaded: ev.loaded, total: ev.total } } };
    case 'run-end': {
      const nodes = { ...state.nodes };
      for (const [id, n] of Object.entries(nodes)) {
        if (n.status === 'queued' || n.status === 'running' || n.pick) nodes[id] = { ...n, status: n.status === 'queued' || n.status === 'running' ? 'idle' : n.status, progress: undefined, pick: undefined, iteration: undefined };
      }
      return { ...state, running: false, lastStatus: ev.status, nodes, endedAt: at };
    }
    default:
      // Events from a newer runtime than this editor knows are ignored, not fatal.
      return state;
  }
}

/** "Stop and use best" was sent to a running zone. */
export function markStopping(state: RunState, nodeId: string): RunState {
  return state.nodes[nodeId]?.status === 'running' ? patchNode(state, nodeId, { stopping: true }) : state;
}

/** A choice was sent: the Pick zone is no longer waiting. */
export function clearPick(state: RunState, nodeId: string): RunState {
  return state.nodes[nodeId]?.pick ? patchNode(state, nodeId, { pick: undefined }) : state;
}

/**
 * Marks nodes whose inputs or params changed since they last ran (their result is out of date).
 * A failed one loses its error badge: the edit may be the fix, and the next run will tell.
 */
export function markStale(state: RunState, ids: Iterable<string>): RunState {
  let nodes: Record<string, NodeRun> | undefined;
  for (const id of ids) {
    const n = state.nodes[id];
    if (n && (n.status === 'done' || n.status === 'cached')) {
      nodes ??= { ...state.nodes };
      nodes[id] = { ...n, status: 'stale' };
    } else if (n?.status === 'error') {
      nodes ??= { ...state.nodes };
      nodes[id] = { ...n, status: n.previews?.length ? 'stale' : 'idle', error: undefined };
    }
  }
  return nodes ? { ...state, nodes } : state;
}

/** Forgets nodes no longer in the document. */
export function pruneRunState(state: RunState, ids: Set<string>): RunState {
  if (Object.keys(state.nodes).every((id) => ids.has(id))) return state;
  const nodes: Record<string, NodeRun> = {};
  for (const [id, n] of Object.entries(state.nodes)) if (ids.has(id)) nodes[id] = n;
  return { ...state, nodes };
}
