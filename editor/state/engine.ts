import type { GraphDocument, GraphEdge, GraphNode } from '../../runtime/graph/document';
import type { NodeTypeInfo } from '../../runtime/node-api/node-type-info';
import type { RuntimeEvent } from '../../runtime/events';
import type { RunOptions, RuntimeApi } from '../../runtime/api/protocol';
import { copyNodes, pasteNodes } from './clipboard';
import * as ops from './document-ops';
import { changedNodes } from './document-ops';
import { parseGraphFile, type ParsedFile } from './graph-file';
import { History } from './history';
import { initialRunState, markStale, pruneRunState } from './run-state';
import { RunControl } from './run-control';
import { KEEP_RUNS, type KeptRun } from './kept-runs';
import type { BackendChoice } from './backend-choice';
import { checkConnection, firstFittingEdge, type ConnectCheck } from './sockets';

/**
 * The editor engine: document, selection, undo, clipboard, runs. Plain TypeScript, no React and
 * no DOM; the UI reads `state` (replaced, never mutated, on every change) and calls methods.
 */

import type { EditorState } from './editor-state';
export type { EditorState };

export interface EngineOptions {
  runtime: RuntimeApi;
  /** Wraps the event callback for the transport (comlink.proxy in the browser). */
  wrapCallback?: (cb: (ev: RuntimeEvent) => void) => (ev: RuntimeEvent) => void;
  now?: () => number;
}

type Listener = () => void;


export class EditorEngine {
  private current: EditorState;
  private readonly listeners = new Set<Listener>();
  private readonly docListeners = new Set<(doc: GraphDocument) => void>();
  private readonly history: History<GraphDocument>;
  private readonly runtime: RuntimeApi;
  private readonly runs: RunControl;
  private typeMap = new Map<string, NodeTypeInfo>();
  private hintId = 0;

  constructor(options: EngineOptions) {
    this.runtime = options.runtime;
    this.runs = new RunControl(options.runtime, options.wrapCallback ?? ((cb) => cb), {
      get: () => this.current,
      set: (patch) => this.set(patch),
      typeOf: (t) => this.typeOf(t),
    });
    this.history = new History<GraphDocument>(500, 1500, options.now);
    this.current = {
      doc: ops.emptyDocument(),
      selection: [],
      run: initialRunState,
      problems: [],
      types: [],
      canUndo: false,
      canRedo: false,
      backendChoices: {},
      runs: [],
    };
  }

  get state(): EditorState {
    return this.current;
  }

  get doc(): GraphDocument {
    return this.current.doc;
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Called with the new document after every document change (autosave, view sync). */
  onDocChange(listener: (doc: GraphDocument) => void): () => void {
    this.docListeners.add(listener);
    return () => this.docListeners.delete(listener);
  }

  typeOf(type: string): NodeTypeInfo | undefined {
    return this.typeMap.get(type);
  }

  async loadNodeTypes(): Promise<void> {
    const types = await this.runtime.nodeTypes();
    this.typeMap = new Map(types.map((t) => [t.type, t]));
    this.set({ types });
  }

  // ---- state plumbing ----

  private set(patch: Partial<EditorState>): void {
    const prevDoc = this.current.doc;
    this.current = { ...this.current, ...patch };
    for (const l of this.listeners) l();
    if (this.current.doc !== prevDoc) for (const l of this.docListeners) l(this.current.doc);
  }

  /** Applies a document edit as one undo step; `touched` nodes and their downstream turn stale. */
  private commit(next: GraphDocument, label: string, touched: string[] = [], group?: string): void {
    const prev = this.current.doc;
    if (next === prev) return;
    this.history.push(prev, next, label, group);
    this.applyDoc(next, touched);
  }

  private applyDoc(next: GraphDocument, touched: string[]): void {
    const ids = new Set(next.nodes.map((n) => n.id));
    let run = pruneRunState(this.current.run, ids);
    if (touched.length) run = markStale(run, ops.downstream(next, touched));
    this.set({
      doc: next,
      run,
      selection: this.current.selection.filter((id) => ids.has(id)),
      canUndo: this.history.canUndo,
      canRedo: this.history.canRedo,
    });
    this.runs.docChanged(next);
  }

  private hint(message: string): void {
    this.set({ hint: { message, id: ++this.hintId } });
  }

  // ---- document commands ----

  /** Replaces the whole document (template, import, restore); undoable unless `fresh`. */
  load(doc: GraphDocument, options: { fresh?: boolean } = {}): void {
    if (options.fresh) {
      this.history.clear();
      this.set({ run: initialRunState });
      this.applyDoc(doc, []);
      return;
    }
    this.commit(doc, 'Open graph');
    const { backend, backends, models } = this.current.run;
    this.set({ run: { ...initialRunState, backend, backends, models } });
  }

  /** Imports a file (JSON or PNG with a graph); on problems the current graph stays as it is. */
  async importFile(bytes: Uint8Array): Promise<ParsedFile> {
    const parsed = parseGraphFile(bytes);
    if (!parsed.ok) {
      this.set({ problems: parsed.problems, problemsFrom: 'import' });
      return parsed;
    }
    const checked = await this.runtime.validate(parsed.doc);
    if (!checked.ok) {
      this.set({ problems: checked.problems, problemsFrom: 'import' });
      return checked;
    }
    this.load(parsed.doc);
    this.set({ problems: [], selection: [] });
    return { ok: true, doc: parsed.doc };
  }

  addNode(type: string, position: [number, number], link?: { nodeId: string; port: string; side: 'input' | 'output' }): string | undefined {
    const info = this.typeMap.get(type);
    if (!info) return undefined;
    const id = ops.freshId(this.doc, type);
    const params: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(info.params)) params[name] = structuredClone(spec.default);
    const node: GraphNode = { id, type, params, position: [Math.round(position[0]), Math.round(position[1])] };
    let next = ops.addNodes(this.doc, [node]);
    const edge = link && firstFittingEdge(this.doc, this.typeMap, info, id, link);
    if (edge) next = ops.connect(next, edge);
    this.commit(next, `Add ${type}`, [id]);
    this.set({ selection: [id] });
    return id;
  }

  removeNodes(ids: readonly string[]): void {
    const downstreamOf = [...ops.downstream(this.doc, ids)].filter((id) => !ids.includes(id));
    this.commit(ops.removeNodes(this.doc, ids), ids.length === 1 ? 'Delete node' : `Delete ${ids.length} nodes`, downstreamOf);
  }

  checkEdge(edge: GraphEdge): ConnectCheck {
    const node = (id: string) => this.doc.nodes.find((n) => n.id === id);
    const from = node(edge.from[0]);
    const to = node(edge.to[0]);
    if (!from || !to) return { ok: false, hint: 'unknown node' };
    if (from.id === to.id) return { ok: false, hint: 'a node cannot feed itself' };
    return checkConnection(this.typeMap.get(from.type), edge.from[1], this.typeMap.get(to.type), edge.to[1]);
  }

  /** Connects two ports, or refuses with a hint (shown to the user) when their types do not fit. */
  connect(edge: GraphEdge): ConnectCheck {
    const check = this.checkEdge(edge);
    if (!check.ok) {
      this.hint(`Cannot connect: ${check.hint}`);
      return check;
    }
    this.commit(ops.connect(this.doc, edge), 'Connect', [edge.to[0]]);
    return check;
  }

  disconnect(edge: GraphEdge): void {
    this.commit(ops.disconnect(this.doc, edge), 'Disconnect', [edge.to[0]]);
  }

  /** Param edits of one field merge into one undo step while typing. */
  setParam(nodeId: string, name: string, value: unknown): void {
    this.commit(ops.setParam(this.doc, nodeId, name, value), `Edit ${name}`, [nodeId], `param:${nodeId}:${name}`);
  }

  /** Ends typing in a field: the next edit is a new undo step. */
  sealEdit(): void {
    this.history.seal();
  }

  moveNodes(positions: Record<string, [number, number]>, label = 'Move'): void {
    this.commit(ops.moveNodes(this.doc, positions), label);
  }

  setNodeUi(nodeId: string, ui: Record<string, unknown>): void {
    this.commit(ops.setNodeUi(this.doc, nodeId, ui), 'Change node view');
  }

  setMeta(meta: GraphDocument['meta']): void {
    this.commit(ops.setMeta(this.doc, meta), 'Rename graph', [], 'meta');
  }

  undo(): void {
    const entry = this.history.undo();
    if (entry) this.applyDoc(entry.before, changedNodes(entry.after, entry.before));
  }

  redo(): void {
    const entry = this.history.redo();
    if (entry) this.applyDoc(entry.after, changedNodes(entry.before, entry.after));
  }

  get undoLabel(): string | undefined {
    return this.history.undoLabel;
  }

  // ---- selection and clipboard ----

  select(ids: readonly string[]): void {
    const same = ids.length === this.current.selection.length && ids.every((id, i) => this.current.selection[i] === id);
    if (!same) this.set({ selection: [...ids] });
  }

  toggleSelected(id: string): void {
    const sel = this.current.selection;
    this.select(sel.includes(id) ? sel.filter((s) => s !== id) : [...sel, id]);
  }

  copySelection(): string | undefined {
    return copyNodes(this.doc, this.current.selection);
  }

  /** Pastes clipboard text; returns the new node ids (empty for foreign text). */
  paste(text: string, at?: [number, number]): string[] {
    const pasted = pasteNodes(this.doc, text, at);
    if (!pasted) return [];
    const ids = pasted.nodes.map((n) => n.id);
    this.commit(ops.addNodes(this.doc, pasted.nodes, pasted.edges), `Paste ${ids.length} node(s)`, ids);
    this.set({ selection: ids });
    return ids;
  }

  dismissProblems(): void {
    if (this.current.problems.length) this.set({ problems: [] });
  }

  // ---- running (editor/state/run-control.ts) ----

  run = (options: RunOptions = {}): Promise<void> => this.runs.run(options);
  choose = (nodeId: string, choice: { index: number; t: number } | { done: true }): Promise<boolean> => this.runs.choose(nodeId, choice);
  stopZone = (nodeId: string): Promise<boolean> => this.runs.stopZone(nodeId);
  cancel = (): Promise<void> => this.runs.cancel();
  /** Events also arrive outside runs (backend detection, model loading). */
  onRuntimeEvent = (ev: RuntimeEvent): void => this.runs.onRuntimeEvent(ev);
  /** Called with what each finished run showed, to keep it (editor/state/run-store.ts). */
  onRunEnd = (listener: (run: KeptRun) => void): (() => void) => this.runs.onRunEnd(listener);
  /** Shows a kept run's outputs again, stale where the graph changed since. */
  restoreRun = (kept: KeptRun): void => this.runs.restore(kept);
  /** The kept runs (newest first) the history panel lists; finished runs are added to it. */
  setRunHistory = (runs: readonly KeptRun[]): void => this.set({ runs: runs.slice(0, KEEP_RUNS) });
  /** Where model `source` runs: measured (`auto`) or pinned; see RuntimeApi.setBackend. */
  setBackendChoice = (source: string, choice: BackendChoice): Promise<void> => this.runs.setBackendChoice(source, choice);

  /**
   * Makes a local model folder loadable (when the runtime supports it) and points the selected
   * node's `source` param at it. Returns the source string, or undefined when unsupported.
   */
  async registerFolder(name: string, folder: FileSystemDirectoryHandle | File[]): Promise<string | undefined> {
    if (!this.runtime.registerFolder) {
      this.hint('This runtime cannot load local folders');
      return undefined;
    }
    const { source } = await this.runtime.registerFolder(name, folder);
    const target = this.current.selection
      .map((id) => ops.nodeById(this.doc, id))
      .find((n) => n && this.typeMap.get(n.type)?.params.source?.kind === 'string');
    if (target) this.setParam(target.id, 'source', source);
    else this.hint(`Folder ready: set a Model node's source to "${source}"`);
    return source;
  }
}
