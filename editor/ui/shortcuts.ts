import type { EditorEngine } from '../state/engine';

export interface ShortcutActions {
  openPaletteAtPointer(): void;
  fit(): void;
  /** Where pasted nodes go: the pointer, in graph coordinates. */
  pointerInGraph(): [number, number] | undefined;
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/**
 * Keyboard shortcuts and the system clipboard. Undo/redo go to the engine even inside text
 * fields, so param edits undo like everything else. Returns the disposer.
 */
export function installShortcuts(engine: EditorEngine, actions: ShortcutActions): () => void {
  let internalClipboard: string | undefined;
  const onKey = (e: KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if (mod && key === 'z') {
      e.preventDefault();
      if (e.shiftKey) engine.redo();
      else engine.undo();
      return;
    }
    if (mod && key === 'y') {
      e.preventDefault();
      engine.redo();
      return;
    }
    if (mod && e.key === 'Enter') {
      e.preventDefault();
      const sel = engine.state.selection;
      void engine.run(e.shiftKey && sel.length ? { targets: [...sel] } : {});
      return;
    }
    if (typing(e.target)) return;
    if (e.key === 'Escape' && engine.state.run.running) void engine.cancel();
    else if ((e.key === 'Delete' || e.key === 'Backspace') && engine.state.selection.length) {
      e.preventDefault();
      engine.removeNodes(engine.state.selection);
    } else if (e.key === ' ' && !mod) {
      e.preventDefault();
      actions.openPaletteAtPointer();
    } else if (key === 'f' && !mod) actions.fit();
    else if (mod && key === 'a') {
      e.preventDefault();
      engine.select(engine.doc.nodes.map((n) => n.id));
    } else if (mod && key === 'd') {
      e.preventDefault();
      const text = engine.copySelection();
      if (text) engine.paste(text);
    }
  };
  const onCopy = (e: ClipboardEvent) => {
    if (typing(e.target)) return;
    const text = engine.copySelection();
    if (!text) return;
    internalClipboard = text;
    e.clipboardData?.setData('text/plain', text);
    e.preventDefault();
  };
  const onCut = (e: ClipboardEvent) => {
    if (typing(e.target)) return;
    onCopy(e);
    if (engine.state.selection.length) engine.removeNodes(engine.state.selection);
  };
  const onPaste = (e: ClipboardEvent) => {
    if (typing(e.target)) return;
    const text = e.clipboardData?.getData('text/plain') || internalClipboard;
    if (text && engine.paste(text, actions.pointerInGraph()).length) e.preventDefault();
  };
  window.addEventListener('keydown', onKey);
  document.addEventListener('copy', onCopy);
  document.addEventListener('cut', onCut);
  document.addEventListener('paste', onPaste);
  return () => {
    window.removeEventListener('keydown', onKey);
    document.removeEventListener('copy', onCopy);
    document.removeEventListener('cut', onCut);
    document.removeEventListener('paste', onPaste);
  };
}
