import Fuse from 'fuse.js';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { NodeTypeInfo } from '../../runtime/node-api/node-type-info';
import type { EditorEngine } from '../state/engine';
import { nodeById } from '../state/document-ops';
import { typesFitting } from '../state/sockets';
import type { PaletteRequest } from '../view/canvas';
import { categoryColor } from '../view/theme';

/** Fuzzy node search. After a wire drop it lists only the node types with a fitting socket. */
export function Palette({ engine, request, onClose }: { engine: EditorEngine; request: PaletteRequest; onClose(): void }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const candidates = useMemo(() => {
    const types = engine.state.types;
    if (!request.link) return types;
    const node = nodeById(engine.doc, request.link.nodeId);
    const info = node && engine.typeOf(node.type);
    const port = info && (request.link.side === 'output' ? info.outputs : info.inputs)[request.link.port];
    return port ? typesFitting(types, { side: request.link.side, port }).map((f) => f.info) : [];
  }, [engine, request]);
  const fuse = useMemo(
    () => new Fuse([...candidates], { keys: [{ name: 'type', weight: 3 }, 'category', 'doc'], threshold: 0.4, ignoreLocation: true }),
    [candidates],
  );
  const results: readonly NodeTypeInfo[] = query ? fuse.search(query).map((r) => r.item) : candidates;

  useEffect(() => input.current?.focus(), []);
  useEffect(() => setActive(0), [query]);

  const choose = (info: NodeTypeInfo | undefined) => {
    if (!info) return;
    engine.addNode(info.type, request.graph, request.link);
    onClose();
  };
  const x = Math.min(request.screen.x, window.innerWidth - 300);
  const y = Math.min(request.screen.y, window.innerHeight - 360);
  return (
    <div className="palette-backdrop" onPointerDown={onClose} onContextMenu={(e) => (e.preventDefault(), onClose())}>
      <div className="palette" style={{ left: x, top: y }} onPointerDown={(e) => e.stopPropagation()} data-testid="palette">
        <input
          ref={input}
          placeholder={request.link ? `Nodes that fit ${request.link.nodeId}.${request.link.port}…` : 'Add node…'}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') onClose();
            if (e.key === 'ArrowDown') (e.preventDefault(), setActive((a) => Math.min(a + 1, results.length - 1)));
            if (e.key === 'ArrowUp') (e.preventDefault(), setActive((a) => Math.max(a - 1, 0)));
            if (e.key === 'Enter') choose(results[active]);
            e.stopPropagation();
          }}
        />
        <ul>
          {results.map((info, i) => (
            <li
              key={info.type}
              className={i === active ? 'active' : undefined}
              onPointerEnter={() => setActive(i)}
              onClick={() => choose(info)}
              data-palette-type={info.type}
            >
              <span className="dot" style={{ background: categoryColor(info.category) }} />
              <span className="palette-type">{info.type}</span>
              <span className="palette-doc">{info.doc}</span>
            </li>
          ))}
          {!results.length && <li className="empty">No node fits</li>}
        </ul>
      </div>
    </div>
  );
}
