import { useSyncExternalStore } from 'react';
import type { NodeEditor } from 'rete';
import type { AreaPlugin } from 'rete-area-plugin';
import type { AreaExtra, Schemes, StudioConnection } from './rete-types';
import { socketColor } from './theme';

/**
 * Wires drawn from node positions and a fixed port layout, not from DOM measurement: Rete's
 * default watcher reads each socket's offsets (a forced layout per socket) and commits each wire
 * end in its own synchronous render, which took seconds for 500 nodes. Mirrors styles.css
 * (`.studio-node` width, `.node-head` height, `.ports` padding, `.port` height and gap).
 */
export const NODE_LAYOUT = { width: 236, firstRowTop: 1 + 34 + 6, rowHeight: 22, rowGap: 2 };

type Position = { x: number; y: number };

export class WireLayout {
  private readonly versions = new Map<string, number>();
  private readonly listeners = new Map<string, Set<() => void>>();

  constructor(
    private readonly editor: NodeEditor<Schemes>,
    private readonly area: AreaPlugin<Schemes, AreaExtra>,
  ) {}

  /** Call when a node moved. */
  moved(nodeId: string): void {
    this.versions.set(nodeId, (this.versions.get(nodeId) ?? 0) + 1);
    this.listeners.get(nodeId)?.forEach((l) => l());
  }

  subscribe(nodeIds: string[], listener: () => void): () => void {
    for (const id of nodeIds) {
      let set = this.listeners.get(id);
      if (!set) this.listeners.set(id, (set = new Set()));
      set.add(listener);
    }
    return () => nodeIds.forEach((id) => this.listeners.get(id)?.delete(listener));
  }

  version(nodeId: string): number {
    return this.versions.get(nodeId) ?? 0;
  }

  socket(nodeId: string, side: 'input' | 'output', key: string): Position | null {
    const node = this.editor.getNode(nodeId);
    const view = this.area.nodeViews.get(nodeId);
    if (!node || !view) return null;
    const index = Object.keys(side === 'input' ? node.inputs : node.outputs).indexOf(key);
    if (index < 0) return null;
    const { width, firstRowTop, rowHeight, rowGap } = NODE_LAYOUT;
    return {
      x: view.position.x + (side === 'input' ? 0 : width),
      y: view.position.y + firstRowTop + index * (rowHeight + rowGap) + rowHeight / 2,
    };
  }

  color(c: { source: string; sourceOutput: string; target: string; targetInput: string }): string {
    const out = c.source ? this.editor.getNode(c.source)?.outputs[c.sourceOutput]?.socket : undefined;
    const inp = c.target ? this.editor.getNode(c.target)?.inputs[c.targetInput]?.socket : undefined;
    return socketColor(((out ?? inp)?.name ?? '').split('|'));
  }
}

/** Rete's classic wire shape: a horizontal S-curve. */
export function wirePath(s: Position, e: Position): string {
  const hx = Math.max(40, Math.abs(e.x - s.x) * 0.4);
  return `M ${s.x} ${s.y} C ${s.x + hx} ${s.y} ${e.x - hx} ${e.y} ${e.x} ${e.y}`;
}

type WireProps = { layout: WireLayout; data: StudioConnection & { isPseudo?: boolean }; start?: Position; end?: Position };

function Wire({ layout, data, start, end }: WireProps) {
  const ids = [data.source, data.target].filter(Boolean);
  useSyncExternalStore(
    (cb) => layout.subscribe(ids, cb),
    () => ids.map((id) => layout.version(id)).join(':'),
  );
  const s = start ?? layout.socket(data.source, 'output', data.sourceOutput);
  const e = end ?? layout.socket(data.target, 'input', data.targetInput);
  if (!s || !e) return null;
  return (
    <svg className={data.isPseudo ? 'wire pseudo' : 'wire'} data-testid={data.isPseudo ? undefined : 'connection'}>
      <path d={wirePath(s, e)} stroke={layout.color(data)} />
    </svg>
  );
}

/** A render preset for wires (placed before the classic one, which then draws only nodes). */
export function wirePreset(layout: WireLayout) {
  return {
    render(context: { data: { type: string; payload?: unknown; start?: Position; end?: Position } }) {
      if (context.data.type !== 'connection') return undefined;
      const { payload, start, end } = context.data;
      return <Wire layout={layout} data={payload as WireProps['data']} start={start} end={end} />;
    },
  };
}
