import type { GraphDocument } from '../graph/document';
import type { ParamSpec } from '../node-api/params';
import type { PortSpec } from '../node-api/node';

/** The typed protocol between the editor (main thread) and the runtime (worker, CLI, tests). */

/** One validation problem; `nodeId`/`port`/`param` say where (DESIGN.md: name what is at fault). */
export interface Problem {
  message: string;
  nodeId?: string;
  port?: string;
  param?: string;
}

export interface PreviewImage {
  png: Uint8Array;
  width: number;
  height: number;
  label?: string;
}

export type RuntimeEvent =
  | { type: 'run-start'; runId: number; nodes: string[] }
  | { type: 'node-start'; nodeId: string }
  | { type: 'node-progress'; nodeId: string; value: number; max: number }
  | { type: 'node-preview'; nodeId: string; images: PreviewImage[] }
  | { type: 'node-done'; nodeId: string; cached: boolean; ms: number; scores?: number[] }
  | { type: 'node-error'; nodeId: string; message: string }
  /** A zone finished an iteration: its objective value, for the live loss plot. */
  | { type: 'zone-iteration'; nodeId: string; step: number; objective: number; goal?: 'minimize' | 'maximize' }
  /**
   * A Pick zone waits for a person: show `images` (one per candidate), a slider starting at
   * `t`, Next/Done; answer with RuntimeApi.choose(nodeId, choice). See runtime/zones/pick-broker.ts.
   */
  | { type: 'pick-request'; nodeId: string; round: number; images: PreviewImage[]; scores?: number[]; t: number }
  | { type: 'backend'; name: 'webgpu' | 'wasm'; notice?: string }
  | { type: 'model-progress'; source: string; loaded: number; total: number }
  /**
   * A node saved a file (SaveEmbedding) on a host without a file system (the browser): the
   * editor offers `bytes` as a download named `name`. The bytes cross as a transferable.
   */
  | { type: 'file'; nodeId: string; name: string; bytes: Uint8Array; mime: string }
  | { type: 'run-end'; runId: number; status: 'ok' | 'error' | 'cancelled' };

export interface NodeRunSummary {
  status: 'ok' | 'error' | 'cached' | 'skipped' | 'cancelled';
  ms: number;
  cached: boolean;
  scores?: number[];
  error?: string;
}

export interface RunSummary {
  status: 'ok' | 'error' | 'cancelled';
  nodes: Record<string, NodeRunSummary>;
  /** Why nothing ran: the document was invalid (call `validate` first to show these). */
  problems?: Problem[];
}

export interface RunOptions {
  /** Run only what these nodes need ("run to here"); all sinks when absent. */
  targets?: string[];
}

/** Serializable description of a node type, for the editor's palette and node views. */
export interface NodeTypeInfo {
  type: string;
  category: string;
  doc: string;
  inputs: Record<string, PortSpec>;
  outputs: Record<string, PortSpec>;
  params: Record<string, ParamSpec>;
  zone?: 'gradient' | 'pick';
}

/** What the worker exposes through comlink. Events come through a proxied callback. */
export interface RuntimeApi {
  nodeTypes(): Promise<NodeTypeInfo[]>;
  validate(doc: unknown): Promise<{ ok: true; doc: GraphDocument } | { ok: false; problems: Problem[] }>;
  run(doc: unknown, options: RunOptions, onEvent: (event: RuntimeEvent) => void): Promise<RunSummary>;
  cancel(): Promise<void>;
  /**
   * Answers a `pick-request`: move toward candidate `index` by `t` in [0, 1], or `{ done: true }`.
   * False when that node is not waiting (a stale click). Absent on runtimes without a person.
   */
  choose?(nodeId: string, choice: { index: number; t: number } | { done: true }): Promise<boolean>;
  /**
   * Makes a folder picked in the editor loadable as the Model source `folder:<name>`:
   * a FileSystemDirectoryHandle (showDirectoryPicker) or the File[] of an
   * `<input webkitdirectory>` (paths from webkitRelativePath). Both cross to the worker by
   * structured clone. Picked folders are not saved with the graph: register again after a
   * reload. Absent on runtimes without model loading.
   */
  registerFolder?(name: string, folder: FileSystemDirectoryHandle | File[]): Promise<{ source: string }>;
}
