import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { RuntimeApi } from '../runtime/api/protocol';
import { autosave, openGraphStore } from './state/autosave';
import { openRunStore } from './state/run-store';
import { loadChoices, saveChoices } from './state/backend-choice';
import { EditorEngine } from './state/engine';
import { emptyDocument } from './state/document-ops';
import { parseDocument } from './state/graph-file';
import { templates } from './templates';

/**
 * Starts the worker runtime and the engine, restores the autosaved graph (or the first template),
 * and starts autosaving. Everything it sets up is undone by the returned `dispose`.
 */
export async function boot(): Promise<{ engine: EditorEngine; dispose(): Promise<void> }> {
  const worker = new Worker(new URL('../worker/runtime-worker.ts', import.meta.url), { type: 'module' });
  const runtime: Remote<RuntimeApi> = wrap<RuntimeApi>(worker);
  const engine = new EditorEngine({ runtime: runtime as unknown as RuntimeApi, wrapCallback: (cb) => proxy(cb) });
  await engine.loadNodeTypes();
  // models pinned to a backend in an earlier session, before anything loads
  for (const [source, choice] of Object.entries(loadChoices())) await engine.setBackendChoice(source, choice);
  let pinned = engine.state.backendChoices;
  const unpin = engine.subscribe(() => {
    if (engine.state.backendChoices === pinned) return;
    pinned = engine.state.backendChoices;
    saveChoices(pinned);
  });

  const store = await openGraphStore().catch((e) => (console.warn('no IndexedDB: autosave off', e), undefined));
  const saved = await store?.load().catch(() => undefined);
  const restored = saved && parseDocument(saved.doc);
  if (restored?.ok) engine.load(restored.doc, { fresh: true });
  else {
    const first = templates[0] && parseDocument(templates[0].doc);
    engine.load(first?.ok ? first.doc : emptyDocument(), { fresh: true });
  }

  // the last runs' outputs come back with the graph: stale where it changed since
  const runs = await openRunStore().catch((e) => (console.warn('no IndexedDB: runs are not kept', e), undefined));
  const kept = (await runs?.list().catch(() => undefined)) ?? [];
  engine.setRunHistory(kept);
  if (kept[0]) engine.restoreRun(kept[0]);
  const unkeep = runs && engine.onRunEnd((run) => void runs.put(run).catch((e) => console.warn('keeping the run failed', e)));

  const saver = store && autosave(store, (onChange) => engine.onDocChange(onChange));
  const onHide = () => void saver?.flush();
  const onVisibility = () => document.visibilityState === 'hidden' && onHide();
  window.addEventListener('pagehide', onHide);
  document.addEventListener('visibilitychange', onVisibility);
  return {
    engine,
    async dispose() {
      window.removeEventListener('pagehide', onHide);
      document.removeEventListener('visibilitychange', onVisibility);
      await saver?.dispose();
      store?.close();
      unkeep?.();
      unpin();
      runs?.close();
      runtime[releaseProxy]();
      worker.terminate();
    },
  };
}
