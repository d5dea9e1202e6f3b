import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { boot } from './boot';
import { App } from './ui/App';
import type { Canvas } from './view/canvas';
import './styles.css';

declare global {
  interface Window {
    /** For tests, benches and the console: the engine and the canvas. */
    studio?: { engine: import('./state/engine').EditorEngine; canvas: Canvas | null };
  }
}

const root = createRoot(document.getElementById('root')!);
boot().then(
  ({ engine }) => {
    window.studio = { engine, canvas: null };
    root.render(
      <StrictMode>
        <App engine={engine} onCanvas={(c) => (window.studio!.canvas = c)} />
      </StrictMode>,
    );
  },
  (error: unknown) => {
    document.getElementById('root')!.innerHTML = '';
    const p = document.createElement('pre');
    p.className = 'boot-error';
    p.dataset.testid = 'error';
    p.textContent = `Embedding Studio could not start: ${error instanceof Error ? error.message : String(error)}`;
    document.getElementById('root')!.append(p);
  },
);
