import { useCallback, useEffect, useRef, useState } from 'react';
import type { EditorEngine } from '../state/engine';
import { serialize } from '../state/document-ops';
import { pngWithGraph } from '../state/graph-file';
import type { Template } from '../templates';
import { createCanvas, type Canvas, type PaletteRequest } from '../view/canvas';
import { PortalHost, PortalRoots } from '../view/portal-roots';
import { download, fileStem, previewToExport, readFile } from './files';
import { Hint } from './Hint';
import { HistoryPanel } from './HistoryPanel';
import { Lightbox } from './Lightbox';
import { NodeMenu, type NodeMenuRequest } from './NodeMenu';
import { Palette } from './Palette';
import { Problems } from './Problems';
import { installShortcuts } from './shortcuts';
import { Templates } from './Templates';
import { Toolbar } from './Toolbar';

export function App({ engine, onCanvas }: { engine: EditorEngine; onCanvas?: (c: Canvas | null) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const canvas = useRef<Canvas | null>(null);
  const pointer = useRef({ x: innerWidth / 2, y: innerHeight / 2 });
  const [palette, setPalette] = useState<PaletteRequest | null>(null);
  const [showTemplates, setShowTemplates] = useState(false);
  const [nodeMenu, setNodeMenu] = useState<NodeMenuRequest | null>(null);
  const [dragging, setDragging] = useState(false);
  const [history, setHistory] = useState(false);
  const [roots] = useState(() => new PortalRoots());

  // The canvas lives as long as this component; creation is async, so a fast unmount must win.
  useEffect(() => {
    let disposed = false;
    let made: Canvas | undefined;
    void createCanvas(host.current!, engine, setPalette, roots, setNodeMenu).then((c) => {
      if (disposed) return c.destroy();
      made = canvas.current = c;
      onCanvas?.(c);
      void c.fit();
    });
    return () => {
      disposed = true;
      made?.destroy();
      canvas.current = null;
      onCanvas?.(null);
    };
  }, [engine, onCanvas, roots]);

  useEffect(() => {
    const onMove = (e: PointerEvent) => (pointer.current = { x: e.clientX, y: e.clientY });
    window.addEventListener('pointermove', onMove);
    const uninstall = installShortcuts(engine, {
      openPaletteAtPointer: () => {
        const c = canvas.current;
        const { x, y } = pointer.current;
        if (c) setPalette({ screen: { x, y }, graph: c.toGraph(x, y) });
      },
      fit: () => void canvas.current?.fit(),
      pointerInGraph: () => canvas.current?.toGraph(pointer.current.x, pointer.current.y),
    });
    return () => {
      window.removeEventListener('pointermove', onMove);
      uninstall();
    };
  }, [engine]);

  const importBytes = useCallback(
    async (bytes: Uint8Array) => {
      const result = await engine.importFile(bytes);
      if (result.ok && !(await canvas.current?.untangle())) await canvas.current?.fit();
    },
    [engine],
  );

  const pickTemplate = async (t: Template) => {
    setShowTemplates(false);
    await importBytes(new TextEncoder().encode(JSON.stringify(t.doc)));
  };

  const actions = {
    openTemplates: () => setShowTemplates(true),
    openFile: () => fileInput.current?.click(),
    saveJson: () => download(`${fileStem(engine.doc.meta.title)}.json`, serialize(engine.doc), 'application/json'),
    exportPng: () => {
      const preview = previewToExport(engine.state);
      if (preview) download(`${fileStem(engine.doc.meta.title)}.png`, pngWithGraph(preview.png, engine.doc) as BlobPart, 'image/png');
    },
    openModelFolder: () => {
      const picker = (window as { showDirectoryPicker?: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker;
      if (!picker) return folderInput.current?.click();
      picker().then(
        (dir) => void engine.registerFolder(dir.name, dir),
        () => undefined, // the person closed the picker
      );
    },
    arrange: () => void canvas.current?.arrange(),
    fit: () => void canvas.current?.fit(),
  };

  return (
    <div className="app">
      <Toolbar engine={engine} actions={actions} />
      <main
        className={dragging ? 'canvas-wrap dropping' : 'canvas-wrap'}
        onDragOver={(e) => {
          if (e.dataTransfer.types.includes('Files')) (e.preventDefault(), setDragging(true));
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          const file = e.dataTransfer.files[0];
          if (file) void readFile(file).then(importBytes);
        }}
      >
        <div className="canvas" ref={host} data-testid="canvas" />
        <Problems engine={engine} />
        <button className="history-toggle" data-testid="history-toggle" onClick={() => setHistory(!history)} title="The last runs kept: compare two">
          History
        </button>
        {history && <HistoryPanel engine={engine} onClose={() => setHistory(false)} />}
        <Hint engine={engine} />
        <div className="help muted">Right-click or Space: add node · drag a wire to empty space: fitting nodes · Ctrl+Enter: run</div>
      </main>
      <input
        ref={fileInput}
        type="file"
        accept=".json,.png,application/json,image/png"
        data-testid="import"
        hidden
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void readFile(file).then(importBytes);
        }}
      />
      <input
        ref={folderInput}
        type="file"
        hidden
        {...{ webkitdirectory: '' }}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          const name = files[0]?.webkitRelativePath.split('/')[0];
          if (name) void engine.registerFolder(name, files);
        }}
      />
      {palette && <Palette engine={engine} request={palette} onClose={() => setPalette(null)} />}
      {nodeMenu && <NodeMenu engine={engine} request={nodeMenu} onClose={() => setNodeMenu(null)} />}
      {showTemplates && <Templates onPick={(t) => void pickTemplate(t)} onClose={() => setShowTemplates(false)} />}
      <Lightbox />
      <PortalHost roots={roots} />
    </div>
  );
}
