import type { NodeTypeInfo } from '../../runtime/node-api/node-type-info';
import type { RuntimeApi } from '../../runtime/api/protocol';
import type { RuntimeEvent } from '../../runtime/events';
import { parseDocument } from '../../editor/state/graph-file';

/** A runtime stand-in for engine tests: a few node types, validation of types and a scripted run. */
export const FAKE_TYPES: NodeTypeInfo[] = [
  {
    type: 'Model', category: 'Model', doc: 'model',
    inputs: {},
    outputs: { model: { type: 'Model', doc: '' } },
    params: { source: { kind: 'string', default: 'builtin:tiny', doc: '' } },
  },
  {
    type: 'SeedSet', category: 'Seeds', doc: 'seeds',
    inputs: { step: { type: 'Number', optional: true, doc: '' } },
    outputs: { seeds: { type: 'Seeds', doc: '' } },
    params: { seeds: { kind: 'numberList', default: [1, 2], doc: '' } },
  },
  {
    type: 'TextEncode', category: 'Embedding', doc: 'encode',
    inputs: {},
    outputs: { embedding: { type: 'Embedding', doc: '' } },
    params: { text: { kind: 'string', default: 'a cat', multiline: true, doc: '' } },
  },
  {
    type: 'Slerp', category: 'Embedding', doc: 'slerp',
    inputs: { a: { type: 'Embedding', doc: '' }, b: { type: 'Embedding', doc: '' } },
    outputs: { embedding: { type: 'Embedding', doc: '' } },
    params: { t: { kind: 'number', default: 0.5, min: 0, max: 1, slider: true, doc: '' } },
  },
  {
    type: 'GradientStep', category: 'Zone', doc: 'optimization zone', zone: 'gradient',
    inputs: { init: { type: 'Embedding', doc: '' }, loss: { type: 'Score', doc: '' } },
    outputs: { current: { type: 'Embedding', doc: '' }, result: { type: 'Embedding', doc: '' }, step: { type: 'Number', doc: '' } },
    params: { iterations: { kind: 'number', default: 30, min: 0, integer: true, doc: '' } },
  },
  {
    type: 'Score', category: 'Measure', doc: 'a score of an embedding',
    inputs: { embedding: { type: 'Embedding', doc: '' } },
    outputs: { score: { type: 'Score', doc: '' } },
    params: {},
  },
  {
    type: 'Preview', category: 'Output', doc: 'preview',
    inputs: { image: { type: ['Image', 'Embedding'], doc: '' } },
    outputs: {},
    params: {},
  },
];

/**
 * `runs` counts executed runs, `validations` the separate validate() calls (imports only: a run
 * is one round trip), `stops` the zones asked to "Stop and use best".
 */
export function fakeRuntime(script: RuntimeEvent[] = []): RuntimeApi & { runs: number; validations: number; stops: string[] } {
  const api = {
    runs: 0,
    validations: 0,
    stops: [] as string[],
    nodeTypes: async () => FAKE_TYPES,
    validate: async (doc: unknown) => {
      api.validations++;
      return check(doc);
    },
    run: async (doc: unknown, _opts: unknown, onEvent: (e: RuntimeEvent) => void) => {
      // like the real runtime: an invalid document comes back with its problems, nothing runs
      const checked = check(doc);
      if (!checked.ok) {
        onEvent({ type: 'run-end', runId: 0, status: 'error' });
        return { status: 'error' as const, nodes: {}, problems: checked.problems };
      }
      api.runs++;
      for (const ev of script) onEvent(ev);
      return { status: 'ok' as const, nodes: {} };
    },
    cancel: async () => {},
    stopZone: async (nodeId: string) => (api.stops.push(nodeId), true),
  };
  return api;
}

function check(doc: unknown) {
  const parsed = parseDocument(doc);
  if (!parsed.ok) return parsed;
  const unknown = parsed.doc.nodes.find((n) => !FAKE_TYPES.some((t) => t.type === n.type));
  if (unknown) return { ok: false as const, problems: [{ message: `unknown node type "${unknown.type}"`, nodeId: unknown.id }] };
  return parsed;
}
