import { NodeEditor } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { AutoArrangePlugin, Presets as ArrangePresets } from 'rete-auto-arrange-plugin';
import { ClassicFlow, ConnectionPlugin, getSourceTarget } from 'rete-connection-plugin';
import { Presets, ReactPlugin } from 'rete-react-plugin';
import type { EditorEngine } from '../state/engine';
import { makeNodeView } from './node-view';
import type { AreaExtra, Schemes } from './rete-types';
import { ViewSync } from './sync';
import { WireLayout, wirePreset } from './wires';
import { createMinimap } from './minimap';
import { installBoxSelect } from './box-select';
import { createZoneFrames } from './zone-frames';
import type { PortalRoots } from './portal-roots';

/** Where the palette opens: screen point, graph point, and the dragged socket when a wire was dropped. */
export interface PaletteRequest {
  screen: { x: number; y: number };
  graph: [number, number];
  link?: { nodeId: string; port: string; side: 'input' | 'output' };
}

export interface Canvas {
  /** Graph coordinates of a point on screen. */
  toGraph(clientX: number, clientY: number): [number, number];
  /** Graph coordinates of the view's center. */
  center(): [number, number];
  fit(): Promise<void>;
  arrange(): Promise<void>;
  /** Arranges the graph when rendered nodes overlap (templates and files laid out for other sizes). */
  untangle(): Promise<boolean>;
  /** Resolves when Rete shows the engine's current document. */
  settled(): Promise<void>;
  destroy(): void;
}

/**
 * The Rete view of the engine's document. Rete never owns state: user gestures become engine
 * commands, and engine changes flow back through `ViewSync`.
 */
export async function createCanvas(
  container: HTMLElement,
  engine: EditorEngine,
  onPalette: (request: PaletteRequest) => void,
  roots: PortalRoots,
  onNodeMenu: (request: { screen: { x: number; y: number }; nodeId: string }) => void = () => undefined,
): Promise<Canvas> {
  const disposers: (() => void)[] = [];
  const editor = new NodeEditor<Schemes>();
  const area = new AreaPlugin<Schemes, AreaExtra>(container);
  const connection = new ConnectionPlugin<Schemes, AreaExtra>();
  const render = new ReactPlugin<Schemes, AreaExtra>({ createRoot: roots.createRoot });
  const arranger = new AutoArrangePlugin<Schemes>();
  const sync = new ViewSync(editor, area, engine);
  let refused = false; // the last wire was dropped on a socket that does not fit: no palette then
  let quiet = 0; // > 0 while the canvas itself moves nodes (sync, layout, group drag)
  const ignoring = () => sync.applying || quiet > 0;

  const wires = new WireLayout(editor, area);
  render.addPreset(wirePreset(wires) as never);
  render.addPreset(
    Presets.classic.setup({
      customize: {
        node: () => makeNodeView(engine),
        socket: () => null,
      },
    }),
  );
  arranger.addPreset(ArrangePresets.classic.setup());
  connection.addPreset(
    () =>
      new ClassicFlow({
        makeConnection(from, to) {
          const pair = getSourceTarget(from, to);
          if (!pair) return false;
          const [s, t] = pair;
          const ok = engine.connect({ from: [s.nodeId, s.key], to: [t.nodeId, t.key] }).ok;
          refused = !ok;
          return ok;
        },
      }),
  );

  editor.use(area);
  area.use(connection);
  area.use(render);
  area.use(arranger);
  AreaExtensions.simpleNodesOrder(area);
  AreaExtensions.restrictor(area, { scaling: () => ({ min: 0.08, max: 2.5 }) });

  const minimap = createMinimap(container.parentElement ?? container, container, editor, area);
  disposers.push(minimap.destroy);
  disposers.push(createZoneFrames(container, editor, area, engine).destroy);
  // Nodes size themselves to their content (previews, plots and folded params come and go): the
  // arranger's resize to the size measured at layout time would freeze that, and later previews
  // would spill out of the node over its neighbours and out of its zone's frame.
  area.addPipe((ctx) => (ctx.type === 'noderesize' ? undefined : ctx));
  area.addPipe((ctx) => {
    const t = ctx.type;
    if (t === 'translated' || t === 'zoomed' || t === 'nodetranslated' || t === 'nodecreated' || t === 'noderemoved') minimap.invalidate();
    return ctx;
  });

  // Rete's own removals (picking a wire off an input) become engine commands.
  editor.addPipe((ctx) => {
    if (ctx.type === 'connectionremove' && !ignoring()) {
      const c = ctx.data;
      engine.disconnect({ from: [c.source, c.sourceOutput], to: [c.target, c.targetInput] });
      return undefined;
    }
    return ctx;
  });

  // Selection and modifiers: read at pointerdown, before Rete handles the event.
  let additive = false;
  const onPointerDown = (e: PointerEvent) => {
    additive = e.shiftKey || e.ctrlKey || e.metaKey;
    const target = e.target as HTMLElement;
    const onNode = target.closest('[data-node-id]');
    if (!onNode && e.button === 0 && !additive) engine.select([]);
  };
  disposers.push(installBoxSelect(container, editor, area, engine));

  // Double-click on empty canvas opens the palette (as in ComfyUI) instead of Rete's zoom-in.
  const onDoubleClick = (e: MouseEvent) => {
    const target = e.target as HTMLElement;
    e.stopPropagation();
    if (!target.closest('[data-node-id]')) onPalette({ screen: { x: e.clientX, y: e.clientY }, graph: toGraph(e.clientX, e.clientY) });
  };
  container.addEventListener('dblclick', onDoubleClick, { capture: true });
  disposers.push(() => container.removeEventListener('dblclick', onDoubleClick, { capture: true }));
  // A node header's double-click folds its params. Counted from pointerdowns: picking a node
  // moves its element to the front, and Chromium then fires no dblclick.
  let lastHeadDown = { id: '', at: 0 };
  const onHeadDown = (e: PointerEvent) => {
    const id = (e.target as HTMLElement).closest('.node-head')?.closest<HTMLElement>('[data-node-id]')?.dataset.nodeId;
    if (!id || e.button !== 0) return;
    const now = performance.now();
    if (lastHeadDown.id === id && now - lastHeadDown.at < 400) {
      const node = engine.doc.nodes.find((n) => n.id === id);
      engine.setNodeUi(id, { collapsed: node?.ui?.collapsed !== true });
      lastHeadDown = { id: '', at: 0 };
    } else lastHeadDown = { id, at: now };
  };
  container.addEventListener('pointerdown', onHeadDown, { capture: true });
  disposers.push(() => container.removeEventListener('pointerdown', onHeadDown, { capture: true }));
  container.addEventListener('pointerdown', onPointerDown, { capture: true });
  disposers.push(() => container.removeEventListener('pointerdown', onPointerDown, { capture: true }));

  area.addPipe((ctx) => {
    switch (ctx.type) {
      case 'nodepicked': {
        const id = ctx.data.id;
        if (additive) engine.toggleSelected(id);
        else if (!engine.state.selection.includes(id)) engine.select([id]);
        break;
      }
      case 'nodetranslated': {
        wires.moved(ctx.data.id);
        if (ignoring()) break;
        const { id, position, previous } = ctx.data;
        const sel = engine.state.selection;
        if (!sel.includes(id) || sel.length < 2) break;
        const dx = position.x - previous.x;
        const dy = position.y - previous.y;
        quiet++;
        void Promise.all(
          sel
            .filter((other) => other !== id)
            .map((other) => {
              const view = area.nodeViews.get(other);
              return view ? area.translate(other, { x: view.position.x + dx, y: view.position.y + dy }) : undefined;
            }),
        ).finally(() => quiet--);
        break;
      }
      case 'nodedragged': {
        if (ignoring()) break;
        const ids = new Set([...engine.state.selection, ctx.data.id]);
        engine.moveNodes(positionsOf(ids));
        break;
      }
      case 'contextmenu': {
        ctx.data.event.preventDefault();
        ctx.data.event.stopPropagation();
        const e = ctx.data.event;
        const where = ctx.data.context;
        if (where === 'root') onPalette({ screen: { x: e.clientX, y: e.clientY }, graph: toGraph(e.clientX, e.clientY) });
        else if ('nodeType' in where) {
          if (!engine.state.selection.includes(where.id)) engine.select([where.id]);
          onNodeMenu({ screen: { x: e.clientX, y: e.clientY }, nodeId: where.id });
        }
        break;
      }
    }
    return ctx;
  });

  // A wire released on empty canvas offers the nodes that fit it.
  let lastPointer = { x: 0, y: 0 };
  const onPointerMove = (e: PointerEvent) => (lastPointer = { x: e.clientX, y: e.clientY });
  window.addEventListener('pointermove', onPointerMove);
  disposers.push(() => window.removeEventListener('pointermove', onPointerMove));
  connection.addPipe((ctx) => {
    if (ctx.type === 'connectiondrop' && refused) refused = false;
    else if (ctx.type === 'connectiondrop' && !ctx.data.socket && !ctx.data.created) {
      const { nodeId, key, side } = ctx.data.initial;
      onPalette({ screen: lastPointer, graph: toGraph(lastPointer.x, lastPointer.y), link: { nodeId, port: key, side } });
    }
    return ctx;
  });

  function positionsOf(ids: Iterable<string>): Record<string, [number, number]> {
    const out: Record<string, [number, number]> = {};
    for (const id of ids) {
      const view = area.nodeViews.get(id);
      if (view) out[id] = [Math.round(view.position.x), Math.round(view.position.y)];
    }
    return out;
  }

  /** Fits the graph in view, never zooming past 100% (small graphs stay readable, not huge). */
  async function fit(): Promise<void> {
    const nodes = editor.getNodes();
    if (!nodes.length) return;
    await AreaExtensions.zoomAt(area, nodes, { scale: 0.85 });
    if (area.area.transform.k <= 1) return;
    const box = AreaExtensions.getBoundingBox(area, nodes);
    await area.area.zoom(1, 0, 0);
    await area.area.translate(container.clientWidth / 2 - box.center.x, container.clientHeight / 2 - box.center.y);
  }

  function toGraph(clientX: number, clientY: number): [number, number] {
    const rect = container.getBoundingClientRect();
    const { x, y, k } = area.area.transform;
    return [(clientX - rect.left - x) / k, (clientY - rect.top - y) / k];
  }

  disposers.push(engine.onDocChange((doc) => void sync.request(doc)));
  await sync.request(engine.doc);

  return {
    toGraph,
    center() {
      const rect = container.getBoundingClientRect();
      return toGraph(rect.left + rect.width / 2, rect.top + rect.height / 2);
    },
    fit: () => sync.request(engine.doc).then(fit),
    arrange,
    async untangle() {
      await sync.request(engine.doc);
      // Sizes are measured after the batched render (a task) and the resize observers (a frame).
      await new Promise((r) => setTimeout(r, 0));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const nodes = editor.getNodes();
      if (nodes.length > 300 || !overlapping(nodes.map((n) => ({ ...area.nodeViews.get(n.id)!.position, w: n.width, h: n.height })))) return false;
      await arrange();
      return true;
    },
    settled: () => sync.request(engine.doc),
    destroy() {
      for (const d of disposers.splice(0).reverse()) d();
      area.destroy();
    },
  };

  async function arrange(): Promise<void> {
    await sync.request(engine.doc);
    quiet++;
    try {
      await arranger.layout({ options: { 'elk.spacing.nodeNode': '40', 'elk.layered.spacing.nodeNodeBetweenLayers': '80' } });
    } finally {
      quiet--;
    }
    engine.moveNodes(positionsOf(editor.getNodes().map((n) => n.id)), 'Arrange');
    await fit();
  }
}

function overlapping(rects: { x: number; y: number; w: number; h: number }[]): boolean {
  for (let i = 0; i < rects.length; i++) {
    for (let j = i + 1; j < rects.length; j++) {
      const a = rects[i];
      const b = rects[j];
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) return true;
    }
  }
  return false;
}
