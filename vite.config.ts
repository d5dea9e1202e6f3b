import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { staticAssets } from './build/static-assets.ts';

const root = import.meta.dirname;

// The app lives in editor/; the runtime worker and model files are reached from there.
export default defineConfig({
  root: resolve(root, 'editor'),
  base: './',
  publicDir: false,
  plugins: [react(), staticAssets(root)],
  server: { host: '127.0.0.1', fs: { allow: [root] } },
  preview: { host: '127.0.0.1' },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
  },
});
