import type { NodeEditor } from 'rete';
import type { AreaPlugin } from 'rete-area-plugin';
import type { AreaExtra, Schemes } from './rete-types';

/**
 * A canvas minimap: node rectangles and the viewport, redrawn at most once per frame, and
 * click/drag to move the view. (rete-minimap-plugin re-renders every mini node through React on
 * each pan step and each node created: seconds of work at 500 nodes.)
 */
export function createMinimap(
  parent: HTMLElement,
  container: HTMLElement,
  editor: NodeEditor<Schemes>,
  area: AreaPlugin<Schemes, AreaExtra>,
): { invalidate(): void; destroy(): void } {
  const W = 200;
  const H = 130;
  const PAD = 8;
  const canvas = document.createElement('canvas');
  canvas.className = 'minimap';
  canvas.dataset.testid = 'minimap';
  const dpr = window.devicePixelRatio || 1;
  canvas.width = W * dpr;
  canvas.height = H * dpr;
  canvas.style.width = `${W}px`;
  canvas.style.height = `${H}px`;
  parent.append(canvas);
  const ctx = canvas.getContext('2d')!;
  let frame = 0;
  let mapping = { scale: 1, ox: 0, oy: 0 };

  function viewport() {
    const { x, y, k } = area.area.transform;
    return { left: -x / k, top: -y / k, width: container.clientWidth / k, height: container.clientHeight / k };
  }

  function draw() {
    frame = 0;
    const nodes = editor.getNodes();
    canvas.hidden = nodes.length === 0;
    if (!nodes.length) return;
    const vp = viewport();
    let [minX, minY, maxX, maxY] = [vp.left, vp.top, vp.left + vp.width, vp.top + vp.height];
    const rects = nodes.map((n) => {
      const p = area.nodeViews.get(n.id)?.position ?? { x: 0, y: 0 };
      minX = Math.min(minX, p.x);
      minY = Math.min(minY, p.y);
      maxX = Math.max(maxX, p.x + n.width);
      maxY = Math.max(maxY, p.y + n.height);
      return { x: p.x, y: p.y, w: n.width, h: n.height, selected: !!n.selected };
    });
    const scale = Math.min((W - 2 * PAD) / (maxX - minX || 1), (H - 2 * PAD) / (maxY - minY || 1));
    const ox = PAD + ((W - 2 * PAD) - (maxX - minX) * scale) / 2 - minX * scale;
    const oy = PAD + ((H - 2 * PAD) - (maxY - minY) * scale) / 2 - minY * scale;
    mapping = { scale, ox, oy };
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = '#566173';
    for (const r of rects) ctx.fillRect(ox + r.x * scale, oy + r.y * scale, Math.max(2, r.w * scale), Math.max(2, r.h * scale));
    ctx.strokeStyle = '#6ea8ff';
    ctx.fillStyle = 'rgba(110, 168, 255, 0.10)';
    ctx.lineWidth = 1;
    const v = [ox + vp.left * scale, oy + vp.top * scale, vp.width * scale, vp.height * scale] as const;
    ctx.fillRect(...v);
    ctx.strokeRect(v[0] + 0.5, v[1] + 0.5, v[2] - 1, v[3] - 1);
  }

  const invalidate = () => {
    if (!frame) frame = requestAnimationFrame(draw);
  };

  /** Centers the view on the graph point under the pointer. */
  const moveTo = (e: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    const gx = (e.clientX - rect.left - mapping.ox) / mapping.scale;
    const gy = (e.clientY - rect.top - mapping.oy) / mapping.scale;
    const { k } = area.area.transform;
    void area.area.translate(container.clientWidth / 2 - gx * k, container.clientHeight / 2 - gy * k);
  };
  const onDown = (e: PointerEvent) => {
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    moveTo(e);
  };
  const onMove = (e: PointerEvent) => {
    if (canvas.hasPointerCapture(e.pointerId)) moveTo(e);
  };
  canvas.addEventListener('pointerdown', onDown);
  canvas.addEventListener('pointermove', onMove);
  const ro = new ResizeObserver(invalidate);
  ro.observe(container);

  return {
    invalidate,
    destroy() {
      cancelAnimationFrame(frame);
      ro.disconnect();
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointermove', onMove);
      canvas.remove();
    },
  };
}
