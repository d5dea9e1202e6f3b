import { useEffect, useRef, useState } from 'react';
import type { EditorEngine } from '../state/engine';
import { modelSources, pillInfo, type BackendChoice } from '../state/backend-choice';
import type { BackendInfo } from '../state/run-state';
import { shallowEqualArrays, useEngine } from './use-engine';

const samePill = (a?: BackendInfo, b?: BackendInfo) => a?.name === b?.name && a?.reason === b?.reason && a?.notice === b?.notice;
const label = (name: string) => (name === 'webgpu' ? 'WebGPU' : name === 'native' ? 'native' : 'wasm');

/**
 * Where models run, and why (measured, a software adapter, a person's pick), in the toolbar. A
 * click opens a menu that pins a model to WebGPU or wasm, or leaves it measured (auto); the
 * choice is remembered (editor/state/backend-choice.ts).
 */
export function BackendPill({ engine }: { engine: EditorEngine }) {
  const backend = useEngine(engine, (s) => pillInfo(modelSources(s.doc, (t) => engine.typeOf(t)), s.run, s.backendChoices), samePill);
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: PointerEvent) => !root.current?.contains(e.target as Node) && setOpen(false);
    window.addEventListener('pointerdown', close, true);
    return () => window.removeEventListener('pointerdown', close, true);
  }, [open]);
  return (
    <div className="backend-wrap" ref={root}>
      <button
        className={`backend ${backend?.name ?? 'unknown'}`}
        data-testid="backend"
        title={backend?.notice ?? 'The backend shows once a model loads; click to choose one per model'}
        onClick={() => setOpen(!open)}
      >
        {backend ? label(backend.name) : '—'}
        {backend?.reason && (
          <span className="backend-reason" data-testid="backend-reason">
            {' '}
            · {backend.reason}
          </span>
        )}
      </button>
      {open && <BackendMenu engine={engine} />}
    </div>
  );
}

function BackendMenu({ engine }: { engine: EditorEngine }) {
  const sources = useEngine(
    engine,
    (s) => [...new Set([...modelSources(s.doc, (t) => engine.typeOf(t)), ...Object.keys(s.run.backends ?? {}), ...Object.keys(s.backendChoices)])],
    shallowEqualArrays,
  );
  const backends = useEngine(engine, (s) => s.run.backends ?? {});
  const choices = useEngine(engine, (s) => s.backendChoices);
  return (
    <div className="backend-menu" data-testid="backend-menu">
      {!sources.length && <div className="muted">No model in this graph.</div>}
      {sources.map((source) => (
        <label key={source} className="backend-row" title={backends[source]?.notice}>
          <span className="backend-source">{source}</span>
          <span className="muted">{backends[source] ? `${label(backends[source].name)}${backends[source].reason ? ` · ${backends[source].reason}` : ''}` : 'not loaded'}</span>
          <select
            data-testid="backend-choice"
            data-source={source}
            value={choices[source] ?? 'auto'}
            onChange={(e) => void engine.setBackendChoice(source, e.target.value as BackendChoice)}
          >
            <option value="auto">auto (fastest, measured)</option>
            <option value="webgpu">WebGPU</option>
            <option value="wasm">wasm</option>
          </select>
        </label>
      ))}
      <div className="muted backend-note">A change applies at the next run (the model reloads).</div>
    </div>
  );
}
