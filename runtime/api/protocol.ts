import type { GraphDocument } from '../graph/document';
import type { NodeTypeInfo } from '../node-api/node-type-info';
import type { Problem, RunSummary, RuntimeEvent } from '../events';

export interface RunOptions {
  /** Run only what these nodes need ("run to here"); all sinks when absent. */
  targets?: string[];
}

/** What the worker exposes through comlink. Events come through a proxied callback. */
export interface RuntimeApi {
  nodeTypes(): Promise<NodeTypeInfo[]>;
  validate(doc: unknown): Promise<{ ok: true; doc: GraphDocument } | { ok: false; problems: Problem[] }>;
  run(doc: unknown, options: RunOptions, onEvent: (event: RuntimeEvent) => void): Promise<RunSummary>;
  cancel(): Promise<void>;
  /**
   * "Stop and use best": the running zone `nodeId` ends its loop after the work in progress and
   * hands on its best result; unlike cancel(), the run goes on downstream (after-images, saves).
   * False when that zone is not running. Absent on runtimes that predate it.
   */
  stopZone?(nodeId: string): Promise<boolean>;
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
  /**
   * Where model `source` runs: `auto` (measured when it loads, where both WebGPU and wasm can
   * run it) or pinned to `webgpu` or `wasm`. Takes effect at its next load (a loaded model is
   * released, so the next run reloads it); the editor remembers the choice and sends it again
   * after a reload. Absent on runtimes without model loading.
   */
  setBackend?(source: string, choice: 'auto' | 'webgpu' | 'wasm'): Promise<void>;
}
