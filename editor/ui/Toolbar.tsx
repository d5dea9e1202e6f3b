import type { EditorEngine } from '../state/engine';
import { runningGradientZone } from '../state/zones';
import { useEngine } from './use-engine';
import { useNow } from './use-now';
import { BackendPill } from './BackendPill';
import { formatDuration, runTiming } from '../state/timing';
import { emptyDocument } from '../state/document-ops';

export interface ToolbarActions {
  openTemplates(): void;
  openFile(): void;
  saveJson(): void;
  exportPng(): void;
  openModelFolder(): void;
  arrange(): void;
  fit(): void;
}

/** Run controls, files, layout, undo/redo, and the runtime's backend and model loading. */
export function Toolbar({ engine, actions }: { engine: EditorEngine; actions: ToolbarActions }) {
  const running = useEngine(engine, (s) => s.run.running);
  const selection = useEngine(engine, (s) => s.selection);
  const canUndo = useEngine(engine, (s) => s.canUndo);
  const canRedo = useEngine(engine, (s) => s.canRedo);
  const title = useEngine(engine, (s) => s.doc.meta.title ?? '');
  const hasPreview = useEngine(engine, (s) => Object.values(s.run.nodes).some((n) => n.previews?.length));
  const zone = useEngine(engine, (s) => runningGradientZone(s.doc, s.run, (t) => engine.typeOf(t)));
  const stopping = useEngine(engine, (s) => (zone ? !!s.run.nodes[zone]?.stopping : false));
  return (
    <header className="toolbar">
      <div className="brand">
        <span className="logo" />
        <input className="graph-title" value={title} onChange={(e) => engine.setMeta({ title: e.target.value })} onBlur={() => engine.sealEdit()} aria-label="Graph title" />
      </div>
      <div className="group">
        <button className="primary" data-testid="run" disabled={running} onClick={() => void engine.run()} title="Run the graph (Ctrl+Enter)">
          ▶ Run
        </button>
        {zone ? (
          // in the place of "Run to selected", which a run disables anyway: the toolbar keeps its width
          <button
            data-testid="stop-zone-toolbar"
            disabled={stopping}
            onClick={() => void engine.stopZone(zone)}
            title={`End "${zone}"'s loop and use its best result so far; the rest of the run goes on (Cancel stops everything)`}
          >
            Stop and use best
          </button>
        ) : (
          <button
            data-testid="run-selected"
            disabled={running || !selection.length}
            onClick={() => void engine.run({ targets: [...selection] })}
            title="Run only what the selected nodes need (Shift+Ctrl+Enter)"
          >
            Run to selected
          </button>
        )}
        <button data-testid="cancel" disabled={!running} onClick={() => void engine.cancel()} title="Cancel the run (Esc)">
          ■ Cancel
        </button>
      </div>
      <div className="group">
        {/* one undo step, like opening a file: Ctrl+Z brings the previous graph back */}
        <button data-testid="new-graph" disabled={running} onClick={() => engine.load(emptyDocument())} title="Start an empty graph (Undo brings this one back)">
          New
        </button>
        <button data-testid="templates" onClick={actions.openTemplates}>
          Templates
        </button>
        <button data-testid="open" onClick={actions.openFile} title="Open a graph (.json or a .png with a graph)">
          Open
        </button>
        <button data-testid="export-json" onClick={actions.saveJson} title="Save the graph as JSON">
          Save JSON
        </button>
        <button data-testid="export-png" disabled={!hasPreview} onClick={actions.exportPng} title="Export the preview as PNG with the graph inside">
          Export PNG
        </button>
        <button data-testid="model-folder" onClick={actions.openModelFolder} title="Load a local model folder (diffusers ONNX layout) into the selected Model node">
          Model folder…
        </button>
      </div>
      <div className="group">
        <button data-testid="undo" disabled={!canUndo} onClick={() => engine.undo()} title="Undo (Ctrl+Z)">
          ↶
        </button>
        <button data-testid="redo" disabled={!canRedo} onClick={() => engine.redo()} title="Redo (Ctrl+Shift+Z)">
          ↷
        </button>
        <button data-testid="arrange" onClick={actions.arrange} title="Arrange the graph automatically">
          Arrange
        </button>
        <button data-testid="fit" onClick={actions.fit} title="Fit the graph in view (F)">
          Fit
        </button>
      </div>
      <RuntimeStatus engine={engine} />
      <RunBar engine={engine} />
    </header>
  );
}

/**
 * The whole run (editor/state/timing.ts): a bar along the toolbar's bottom edge, which costs the
 * toolbar no width.
 */
function RunBar({ engine }: { engine: EditorEngine }) {
  const run = useEngine(engine, (s) => s.run);
  const now = useNow(run.running);
  const t = run.running ? runTiming(run, now) : undefined;
  if (!t) return null;
  return (
    <div className="run-bar" data-testid="run-progress" title={`The whole run: ${Math.round((t.fraction ?? 0) * 100)}% of its nodes done`}>
      <span style={{ width: `${Math.round((t.fraction ?? 0) * 100)}%` }} />
    </div>
  );
}

/** In the run-state pill while a run goes: the time so far, and about how long is left. */
function RunClock({ engine }: { engine: EditorEngine }) {
  const run = useEngine(engine, (s) => s.run);
  const t = runTiming(run, useNow(true));
  if (!t) return <>running</>;
  return (
    <span title={`running: ${formatDuration(t.elapsedMs)} so far${t.etaMs !== undefined ? `, about ${formatDuration(t.etaMs)} left` : ''}`}>
      {formatDuration(t.elapsedMs)}
      {t.etaMs !== undefined && <span className="run-eta" data-testid="run-eta"> · ≈{formatDuration(t.etaMs)}</span>}
    </span>
  );
}

function RuntimeStatus({ engine }: { engine: EditorEngine }) {
  const models = useEngine(engine, (s) => s.run.models);
  const running = useEngine(engine, (s) => s.run.running);
  const lastStatus = useEngine(engine, (s) => s.run.lastStatus);
  const waiting = useEngine(engine, (s) => Object.values(s.run.nodes).some((n) => n.pick));
  const loading = Object.entries(models).filter(([, m]) => m.total > 0 && m.loaded < m.total);
  return (
    <div className="status">
      {loading.map(([source, m]) => (
        <span key={source} className="model-progress" data-testid="model-progress" title={`Loading ${source}`}>
          <span className="model-name">{source}</span>
          <span className="bar">
            <span style={{ width: `${(100 * m.loaded) / m.total}%` }} />
          </span>
        </span>
      ))}
      <span className={`run-state ${waiting ? 'waiting' : running ? 'running' : lastStatus ?? 'idle'}`} data-testid="run-state">
        {waiting ? 'your pick' : running ? <RunClock engine={engine} /> : lastStatus ?? 'ready'}
      </span>
      <BackendPill engine={engine} />
    </div>
  );
}
