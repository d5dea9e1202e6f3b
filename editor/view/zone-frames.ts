import type { NodeEditor } from 'rete';
import type { AreaPlugin } from 'rete-area-plugin';
import type { EditorEngine } from '../state/engine';
import { zoneBodies, zoneStatusText } from '../state/zones';
import type { AreaExtra, Schemes } from './rete-types';

/** Room around a zone's nodes, and for the title bar above them (graph units). */
const PAD = 18;
const TITLE = 26;

/**
 * Each zone drawn as a frame around its owner and body nodes, as Blender draws repeat zones,
 * titled with the zone's state and iteration. The frames live in their own layer under Rete's
 * content (same transform), so nodes and wires are always on top and Rete's reordering of its
 * own children never moves them. Redrawn at most once per frame.
 */
export function createZoneFrames(
  container: HTMLElement,
  editor: NodeEditor<Schemes>,
  area: AreaPlugin<Schemes, AreaExtra>,
  engine: EditorEngine,
): { destroy(): void } {
  const holder = area.area.content.holder;
  const layer = document.createElement('div');
  layer.className = 'zone-frames';
  container.insertBefore(layer, holder);
  const frames = new Map<string, { el: HTMLElement; title: HTMLElement }>();
  // node sizes change when previews, plots or folded params come and go
  const observed = new Set<Element>();
  const resizes = new ResizeObserver(() => invalidate());
  let frame = 0;

  function frameFor(zoneId: string) {
    let f = frames.get(zoneId);
    if (!f) {
      const el = document.createElement('div');
      el.className = 'zone-frame';
      el.dataset.testid = 'zone-frame';
      el.dataset.zoneId = zoneId;
      const title = document.createElement('div');
      title.className = 'zone-frame-title';
      el.append(title);
      layer.append(el);
      frames.set(zoneId, (f = { el, title }));
    }
    return f;
  }

  function draw() {
    frame = 0;
    layer.style.transform = holder.style.transform;
    const state = engine.state;
    const bodies = zoneBodies(state.doc, (t) => engine.typeOf(t));
    const drawn = new Set<string>();
    for (const [zoneId, body] of bodies) {
      if (!body.length) continue;
      let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const id of [zoneId, ...body]) {
        const view = area.nodeViews.get(id);
        const node = editor.getNode(id);
        if (!view || !node) continue;
        if (!observed.has(view.element)) resizes.observe(view.element), observed.add(view.element);
        x0 = Math.min(x0, view.position.x);
        y0 = Math.min(y0, view.position.y);
        x1 = Math.max(x1, view.position.x + node.width);
        y1 = Math.max(y1, view.position.y + node.height);
      }
      if (x0 === Infinity) continue;
      drawn.add(zoneId);
      const { el, title } = frameFor(zoneId);
      Object.assign(el.style, {
        left: `${x0 - PAD}px`,
        top: `${y0 - PAD - TITLE}px`,
        width: `${x1 - x0 + 2 * PAD}px`,
        height: `${y1 - y0 + 2 * PAD + TITLE}px`,
      });
      const run = state.run.nodes[zoneId];
      el.dataset.state = run?.stopping ? 'stopping' : run?.stopped ? 'stopped' : (run?.status ?? 'idle');
      const type = state.doc.nodes.find((n) => n.id === zoneId)?.type ?? 'zone';
      const status = zoneStatusText(run);
      const text = `${type} zone · ${zoneId}${status ? ` — ${status}` : ''}`;
      if (title.textContent !== text) title.textContent = text;
    }
    for (const [id, f] of frames) {
      if (drawn.has(id)) continue;
      f.el.remove();
      frames.delete(id);
    }
  }

  function invalidate() {
    if (!frame) frame = requestAnimationFrame(draw);
  }

  area.addPipe((ctx) => {
    const t = ctx.type;
    if (t === 'translated' || t === 'zoomed' || t === 'nodetranslated' || t === 'nodecreated' || t === 'noderemoved') invalidate();
    return ctx;
  });
  const unsubscribe = engine.subscribe(invalidate);
  invalidate();

  return {
    destroy() {
      cancelAnimationFrame(frame);
      unsubscribe();
      resizes.disconnect();
      layer.remove();
    },
  };
}
