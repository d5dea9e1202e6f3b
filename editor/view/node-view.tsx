import { useEffect, useRef } from 'react';
import type { NodeId } from 'rete';
import { Drag, RefComponent, type RenderEmit } from 'rete-react-plugin';
import type { EditorEngine } from '../state/engine';
import { nodeById } from '../state/document-ops';
import { portLabel, portTypes, type PortSpec } from '../../runtime/node-api/ports';
import { shallowEqualArrays, useEngine } from '../ui/use-engine';
import { useNow } from '../ui/use-now';
import { formatDuration, nodeTiming } from '../state/timing';
import type { NodeRun } from '../state/run-state';
import { PickPanel } from './pick-panel';
import { Downloads, Previews } from './previews';
import { LossPlot } from './loss-plot';
import type { Schemes, StudioNode } from './rete-types';
import { categoryColor, socketColor } from './theme';
import { ParamWidget } from './widgets';

type Emit = RenderEmit<Schemes>;

/** The node component Rete renders, bound to the engine it reads from. */
export function makeNodeView(engine: EditorEngine) {
  return function NodeViewBound({ data, emit }: { data: StudioNode; emit: Emit }) {
    return <NodeView engine={engine} view={data} emit={emit} />;
  };
}

function NodeView({ engine, view, emit }: { engine: EditorEngine; view: StudioNode; emit: Emit }) {
  const id = view.id;
  const node = useEngine(engine, (s) => nodeById(s.doc, id));
  const run = useEngine(engine, (s) => s.run.nodes[id]);
  const selected = useEngine(engine, (s) => s.selection.includes(id));
  const problems = useEngine(engine, (s) => s.problems.filter((p) => p.nodeId === id), shallowEqualArrays);
  const types = useEngine(engine, (s) => s.types);
  const info = types.find((t) => t.type === view.nodeType);
  const root = useRef<HTMLDivElement>(null);
  const params = useRef<HTMLDivElement>(null);
  Drag.useNoDrag(params);

  // Rete's layout, fit and minimap use the node's real size.
  useEffect(() => {
    const el = root.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      view.width = el.offsetWidth;
      view.height = el.offsetHeight;
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [view]);

  if (!node) return null;
  const status = run?.status ?? 'idle';
  const error = run?.error ?? problems[0]?.message ?? (info ? undefined : `unknown node type "${node.type}"`);
  const title = (node.ui?.title as string | undefined) ?? node.type;
  const collapsed = node.ui?.collapsed === true;
  return (
    <div
      ref={root}
      className={`studio-node status-${status}${selected ? ' selected' : ''}${error ? ' has-error' : ''}`}
      data-node-id={id}
      data-node-type={node.type}
      data-status={status}
      data-selected={selected || undefined}
    >
      <header
        className="node-head"
        style={{ ['--cat' as string]: categoryColor(info?.category ?? '') }}
        title="Double-click to fold or unfold the params"
      >
        <span className="node-title" title={info?.doc}>
          {title}
        </span>
        <span className="node-id">{id}</span>
        {status === 'cached' && (
          <span className="badge badge-cached" data-testid="cached" title="Result reused from the cache: nothing upstream changed">
            cached
          </span>
        )}
        {status === 'done' && run?.ms !== undefined && <span className="badge badge-ms">{formatMs(run.ms)}</span>}
        {status === 'stale' && <span className="badge badge-stale" title="Inputs or params changed since the last run">stale</span>}
        {run?.stopped && status !== 'stale' && (
          <span className="badge badge-stopped" data-testid="stopped" title="Stopped early: handed on the best result it had">
            stopped
          </span>
        )}
        {status === 'running' && run?.iteration !== undefined && (
          <span className="badge badge-iteration" data-testid="iteration" title={info?.zone ? 'The iteration in progress, of all' : 'Runs inside its zone: the zone\'s iteration in progress'}>
            it. {run.iteration + 1}
            {info?.zone && run.progress?.max ? `/${run.progress.max}` : ''}
          </span>
        )}
        {(status === 'running' || status === 'queued') && <Progress value={run?.progress?.value} max={run?.progress?.max} />}
      </header>
      {status === 'running' && <ProgressText run={run} />}
      {run?.note && (
        <div className="node-note" data-testid="node-note">
          {run.note}
        </div>
      )}
      <div className="ports">
        <div className="ports-in">
          {info &&
            Object.entries(info.inputs).map(([name, spec]) => (
              <Port key={name} nodeId={id} name={name} spec={spec} side="input" view={view} emit={emit} />
            ))}
        </div>
        <div className="ports-out">
          {info &&
            Object.entries(info.outputs).map(([name, spec]) => (
              <Port key={name} nodeId={id} name={name} spec={spec} side="output" view={view} emit={emit} />
            ))}
        </div>
      </div>
      {info && !collapsed && Object.keys(info.params).length > 0 && (
        <div className="params" ref={params}>
          {Object.entries(info.params).map(([name, spec]) => (
            <ParamWidget
              key={name}
              name={name}
              spec={spec}
              value={name in node.params ? node.params[name] : spec.default}
              onChange={(v) => engine.setParam(id, name, v)}
              onCommit={() => engine.sealEdit()}
            />
          ))}
        </div>
      )}
      {run?.pick && <PickPanel engine={engine} nodeId={id} pick={run.pick} />}
      {run?.history && <LossPlot history={run.history} result={node.params.result} />}
      {info?.zone === 'gradient' && status === 'running' && (
        <Drag.NoDrag>
          <div className="zone-actions">
            <button
              data-testid="stop-zone"
              disabled={run?.stopping}
              onClick={() => void engine.stopZone(id)}
              title="End the loop after the work in progress; the best result so far flows on downstream (Cancel stops the whole run)"
            >
              {run?.stopping ? 'stopping…' : 'Stop and use best'}
            </button>
          </div>
        </Drag.NoDrag>
      )}
      {collapsed && info && Object.keys(info.params).length > 0 && <div className="folded">{Object.keys(info.params).length} params folded</div>}
      {run?.previews && <Previews images={run.previews} compact={!!info && Object.keys(info.outputs).length > 0} />}
      {run?.files && run.files.length > 0 && (
        <Drag.NoDrag>
          <Downloads files={run.files} />
        </Drag.NoDrag>
      )}
      {run?.scores && <div className="scores">{run.scores.map((s) => s.toPrecision(3)).join('  ')}</div>}
      {error && (
        <div className="node-error" data-testid="node-error" title={error}>
          {error}
        </div>
      )}
    </div>
  );
}

function Port(props: { nodeId: NodeId; name: string; spec: PortSpec; side: 'input' | 'output'; view: StudioNode; emit: Emit }) {
  const { nodeId, name, spec, side, view, emit } = props;
  const types = portTypes(spec);
  const payload = (side === 'input' ? view.inputs[name]?.socket : view.outputs[name]?.socket)!;
  return (
    <div className={`port port-${side}`} title={`${portLabel(spec)}${spec.optional ? ' (optional)' : ''}: ${spec.doc}`}>
      <RefComponent
        className="socket"
        data-socket-type={types.join('|')}
        style={{ ['--sock' as string]: socketColor(types) }}
        init={(ref: HTMLElement) =>
          // Plain DOM sockets: announced to the connection plugin, drawn by us (wires.tsx places wires).
          emit({ type: 'render', data: { type: 'socket', side, key: name, nodeId, element: ref, payload } })
        }
        unmount={(ref: HTMLElement) => emit({ type: 'unmount', data: { element: ref } })}
      />
      <span className={spec.optional ? 'port-name optional' : 'port-name'}>{name}</span>
    </div>
  );
}

function Progress({ value, max }: { value?: number; max?: number }) {
  const pct = value !== undefined && max ? Math.min(100, (value / max) * 100) : undefined;
  return (
    <div className={pct === undefined ? 'progress indeterminate' : 'progress'} data-testid="progress">
      <div style={{ width: pct === undefined ? undefined : `${pct}%` }} />
    </div>
  );
}

/** "12/20 · 3 s · ≈ 5 s left" under a running node's header; ticks every second. */
function ProgressText({ run }: { run: NodeRun | undefined }) {
  const now = useNow(true);
  const t = nodeTiming(run, now);
  if (!t) return null;
  const p = run?.progress;
  return (
    <div className="progress-text" data-testid="progress-text">
      {p && p.max > 0 && <span>{`${p.value}/${p.max}`}</span>}
      <span>{formatDuration(t.elapsedMs)}</span>
      {t.etaMs !== undefined && <span data-testid="eta">≈ {formatDuration(t.etaMs)} left</span>}
    </div>
  );
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
