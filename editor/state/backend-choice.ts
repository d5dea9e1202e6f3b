import type { GraphDocument } from '../../runtime/graph/document';
import type { NodeTypeInfo } from '../../runtime/node-api/node-type-info';
import type { BackendInfo, RunState } from './run-state';

/** Where a model runs: measured when it loads (`auto`), or pinned by a person. */
export type BackendChoice = 'auto' | 'webgpu' | 'wasm';
export type Pinned = Record<string, 'webgpu' | 'wasm'>;

const KEY = 'embedding-studio.backends';

/** The pinned choices, remembered in localStorage (small, and wanted before the first run). */
export function loadChoices(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): Pinned {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(KEY) ?? '{}');
    const out: Pinned = {};
    if (raw && typeof raw === 'object') {
      for (const [source, choice] of Object.entries(raw)) if (choice === 'webgpu' || choice === 'wasm') out[source] = choice;
    }
    return out;
  } catch {
    return {};
  }
}

export function saveChoices(choices: Pinned, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(KEY, JSON.stringify(choices));
  } catch {
    /* storage full or off: the choice holds for this session only */
  }
}

/** The model sources a graph uses (its Model-like nodes' `source` params), for the backend menu. */
export function modelSources(doc: GraphDocument, typeOf: (type: string) => NodeTypeInfo | undefined): string[] {
  const out = new Set<string>();
  for (const n of doc.nodes) {
    const spec = typeOf(n.type)?.params.source;
    if (spec?.kind !== 'string' || !typeOf(n.type)?.outputs.model) continue;
    const value = n.params.source ?? spec.default;
    if (typeof value === 'string' && value) out.add(value);
  }
  return [...out];
}

/**
 * What the backend pill shows for a graph: what the runtime said of its first model that it
 * said anything of; a person's pin where it said nothing since (the runtime keeps quiet when
 * the pinned backend is the one it runs anyway); else its last word.
 */
export function pillInfo(sources: readonly string[], run: RunState, choices: Pinned): BackendInfo | undefined {
  const backends = run.backends ?? {};
  const source = sources.find((s) => backends[s]) ?? sources[0];
  if (source === undefined) return run.backend;
  if (backends[source]) return backends[source];
  const pinned = choices[source];
  return pinned ? { name: pinned, reason: 'chosen', notice: `Chosen for ${source} in this menu.`, source } : run.backend;
}
