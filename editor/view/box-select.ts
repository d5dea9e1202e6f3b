import type { NodeEditor } from 'rete';
import type { AreaPlugin } from 'rete-area-plugin';
import type { EditorEngine } from '../state/engine';
import type { AreaExtra, Schemes } from './rete-types';

/**
 * Shift- or Ctrl-drag on empty canvas draws a selection box; nodes it touches join the selection.
 * Listens in the capture phase so the area does not pan while the box is drawn.
 */
export function installBoxSelect(
  container: HTMLElement,
  editor: NodeEditor<Schemes>,
  area: AreaPlugin<Schemes, AreaExtra>,
  engine: EditorEngine,
): () => void {
  const box = document.createElement('div');
  box.className = 'select-box';
  box.hidden = true;
  container.parentElement?.append(box);
  let start: { x: number; y: number } | null = null;

  const local = (e: PointerEvent) => {
    const r = container.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const onDown = (e: PointerEvent) => {
    const onNode = (e.target as HTMLElement).closest('[data-node-id]');
    if (onNode || e.button !== 0 || !(e.shiftKey || e.ctrlKey || e.metaKey)) return;
    e.stopImmediatePropagation(); // the area's own pan listener sits on the same element
    start = local(e);
    container.setPointerCapture(e.pointerId);
  };
  const rect = (e: PointerEvent) => {
    const p = local(e);
    return { left: Math.min(p.x, start!.x), top: Math.min(p.y, start!.y), width: Math.abs(p.x - start!.x), height: Math.abs(p.y - start!.y) };
  };
  const onMove = (e: PointerEvent) => {
    if (!start) return;
    e.stopPropagation();
    const r = rect(e);
    Object.assign(box.style, { left: `${r.left}px`, top: `${r.top}px`, width: `${r.width}px`, height: `${r.height}px` });
    box.hidden = false;
  };
  const onUp = (e: PointerEvent) => {
    if (!start) return;
    e.stopPropagation();
    const r = rect(e);
    start = null;
    box.hidden = true;
    if (r.width < 3 && r.height < 3) return;
    const { x, y, k } = area.area.transform;
    const g = { left: (r.left - x) / k, top: (r.top - y) / k, right: (r.left + r.width - x) / k, bottom: (r.top + r.height - y) / k };
    const hit = editor.getNodes().filter((n) => {
      const p = area.nodeViews.get(n.id)?.position;
      return p && p.x < g.right && p.x + n.width > g.left && p.y < g.bottom && p.y + n.height > g.top;
    });
    engine.select([...new Set([...engine.state.selection, ...hit.map((n) => n.id)])]);
  };
  container.addEventListener('pointerdown', onDown, { capture: true });
  container.addEventListener('pointermove', onMove, { capture: true });
  container.addEventListener('pointerup', onUp, { capture: true });
  return () => {
    container.removeEventListener('pointerdown', onDown, { capture: true });
    container.removeEventListener('pointermove', onMove, { capture: true });
    container.removeEventListener('pointerup', onUp, { capture: true });
    box.remove();
  };
}
