import type { GraphDocument } from '../../runtime/graph/document';
import type { NodeTypeInfo } from '../../runtime/node-api/node-type-info';
import type { RuntimeEvent } from '../../runtime/events';
import type { RunOptions, RuntimeApi } from '../../runtime/api/protocol';
import type { EditorState } from './editor-state';
import { KEEP_RUNS, keepRun, restoreRun, type KeptRun } from './kept-runs';
import { clearPick, markStopping, reduceRunEvent } from './run-state';
import { zoneBodies } from './zones';
import type { BackendChoice } from './backend-choice';

/** What run control needs of the engine: its state, a way to change it, and the node types. */
export interface RunHost {
  get(): EditorState;
  set(patch: Partial<EditorState>): void;
  typeOf(type: string): NodeTypeInfo | undefined;
}

/**
 * The engine's running side: runs, zone and Pick answers, cancel, runtime events; hands each
 * finished run to `onRunEnd` listeners (kept in IndexedDB) and takes a kept one back; checks
 * run problems again as the graph is edited, so they go once it is fixed.
 */
export class RunControl {
  private readonly ended = new Set<(run: KeptRun) => void>();
  private recheck?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly runtime: RuntimeApi,
    private readonly wrap: (cb: (ev: RuntimeEvent) => void) => (ev: RuntimeEvent) => void,
    private readonly host: RunHost,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /**
   * Runs the graph (or only what `targets` need) in one round trip: the runtime validates, and an
   * invalid graph comes back with its problems in the summary. Events update `state.run`.
   */
  async run(options: RunOptions = {}): Promise<void> {
    const state = this.host.get();
    if (state.run.running) return;
    const doc = state.doc;
    const zones = Object.fromEntries(zoneBodies(doc, (t) => this.host.typeOf(t)));
    this.host.set({ run: { ...state.run, running: true, zones }, problems: [] });
    try {
      const summary = await this.runtime.run(doc, options, this.wrap((ev) => this.onRuntimeEvent(ev)));
      if (summary.problems?.length) this.host.set({ problems: summary.problems, problemsFrom: 'run' });
    } catch (e) {
      this.host.set({ problems: [{ message: `run failed: ${(e as Error).message ?? e}` }], problemsFrom: 'run' });
    } finally {
      const run = this.host.get().run;
      if (run.running) this.host.set({ run: { ...run, running: false } });
      const kept = keepRun(this.host.get().run, doc, this.now());
      if (kept) {
        this.host.set({ runs: [kept, ...this.host.get().runs].slice(0, KEEP_RUNS) });
        for (const l of this.ended) l(kept);
      }
    }
  }

  /** Called with what a finished run showed (a run that did not start is not kept). */
  onRunEnd(listener: (run: KeptRun) => void): () => void {
    this.ended.add(listener);
    return () => this.ended.delete(listener);
  }

  /** Shows a kept run's outputs again (after a reload), stale where the graph changed since. */
  restore(kept: KeptRun): void {
    const state = this.host.get();
    if (!state.run.running) this.host.set({ run: restoreRun(kept, state.doc, state.run) });
  }

  /** Answers a Pick zone: move toward candidate `index` by `t`, or finish. */
  async choose(nodeId: string, choice: { index: number; t: number } | { done: true }): Promise<boolean> {
    if (!this.runtime.choose) return false;
    this.host.set({ run: clearPick(this.host.get().run, nodeId) });
    return this.runtime.choose(nodeId, choice);
  }

  /**
   * "Stop and use best" on a running zone: it ends its loop and its best result flows on
   * downstream (the run goes on). False when the zone is not running or the runtime cannot.
   */
  async stopZone(nodeId: string): Promise<boolean> {
    const run = this.host.get().run;
    if (!this.runtime.stopZone || run.nodes[nodeId]?.status !== 'running') return false;
    this.host.set({ run: markStopping(run, nodeId) });
    return this.runtime.stopZone(nodeId);
  }

  /** Pins model `source` to a backend, or back to `auto`; the runtime reloads it at its next use. */
  async setBackendChoice(source: string, choice: BackendChoice): Promise<void> {
    const state = this.host.get();
    const { [source]: _old, ...rest } = state.backendChoices;
    // what the runtime said of this model holds no more: it reloads under the new choice
    const { [source]: _said, ...backends } = state.run.backends ?? {};
    this.host.set({ backendChoices: choice === 'auto' ? rest : { ...rest, [source]: choice }, run: { ...state.run, backends } });
    await this.runtime.setBackend?.(source, choice);
  }

  async cancel(): Promise<void> {
    if (this.host.get().run.running) await this.runtime.cancel();
  }

  /** Events also arrive outside runs (backend detection, model loading). */
  onRuntimeEvent = (ev: RuntimeEvent): void => {
    this.host.set({ run: reduceRunEvent(this.host.get().run, ev) });
  };

  /**
   * The graph changed: problems that kept the last run from starting are checked again shortly
   * after (one validate round trip), so a fixed graph loses them and a half-fixed one keeps the rest.
   */
  docChanged(doc: GraphDocument, delayMs = 250): void {
    const state = this.host.get();
    if (state.problemsFrom !== 'run' || !state.problems.length) return;
    if (this.recheck) clearTimeout(this.recheck);
    this.recheck = setTimeout(() => {
      this.recheck = undefined;
      void this.runtime.validate(doc).then((result) => {
        const now = this.host.get();
        if (now.doc !== doc || now.problemsFrom !== 'run') return;
        this.host.set({ problems: result.ok ? [] : result.problems });
      });
    }, delayMs);
  }
}
