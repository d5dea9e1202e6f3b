import type { EditorEngine } from '../state/engine';

export interface NodeMenuRequest {
  screen: { x: number; y: number };
  nodeId: string;
}

/** Right-click on a node: run to here, duplicate, fold, delete. */
export function NodeMenu({ engine, request, onClose }: { engine: EditorEngine; request: NodeMenuRequest; onClose(): void }) {
  const id = request.nodeId;
  const node = engine.doc.nodes.find((n) => n.id === id);
  if (!node) return null;
  const folded = node.ui?.collapsed === true;
  const act = (f: () => void) => () => (f(), onClose());
  const items: [string, string, () => void][] = [
    ['run-here', 'Run to here', () => void engine.run({ targets: [id] })],
    ['duplicate', 'Duplicate', () => {
      const text = engine.copySelection();
      if (text) engine.paste(text);
    }],
    ['fold', folded ? 'Unfold params' : 'Fold params', () => engine.setNodeUi(id, { collapsed: !folded })],
    ['delete', 'Delete', () => engine.removeNodes(engine.state.selection.includes(id) ? engine.state.selection : [id])],
  ];
  const x = Math.min(request.screen.x, window.innerWidth - 200);
  const y = Math.min(request.screen.y, window.innerHeight - 180);
  return (
    <div className="palette-backdrop" onPointerDown={onClose} onContextMenu={(e) => (e.preventDefault(), onClose())}>
      <ul className="node-menu" style={{ left: x, top: y }} onPointerDown={(e) => e.stopPropagation()} data-testid="node-menu">
        {items.map(([key, label, f]) => (
          <li key={key} data-menu={key} onClick={act(f)} className={key === 'delete' ? 'danger' : undefined}>
            {label}
          </li>
        ))}
      </ul>
    </div>
  );
}
