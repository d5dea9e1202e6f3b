import type { GraphDocument } from '../../runtime/graph/document';
import type { NodeTypeInfo } from '../../runtime/node-api/node-type-info';
import type { Problem } from '../../runtime/events';
import type { RunState } from './run-state';
import type { KeptRun } from './kept-runs';

/** The editor's whole state, replaced (never mutated) on every change (editor/state/engine.ts). */
export interface EditorState {
  doc: GraphDocument;
  selection: readonly string[];
  run: RunState;
  /** Validation messages of the last import or run, shown until dismissed. */
  problems: Problem[];
  /** What produced `problems`: an import leaves the graph untouched, a run did not start. */
  problemsFrom?: 'import' | 'run';
  /** A short-lived notice such as a refused connection. */
  hint?: { message: string; id: number };
  types: readonly NodeTypeInfo[];
  canUndo: boolean;
  canRedo: boolean;
  /** The last runs kept (IndexedDB), newest first, for the history panel. */
  runs: readonly KeptRun[];
  /** Models pinned to a backend in the toolbar, by source (the rest are measured: `auto`). */
  backendChoices: Readonly<Record<string, 'webgpu' | 'wasm'>>;
}
