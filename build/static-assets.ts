import { createReadStream, existsSync, statSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import type { Plugin } from 'vite';

/**
 * Serves (dev) and copies (build) the big static files the app loads at run time without
 * bundling them: onnxruntime-web's wasm runtimes under /ort/ and model folders under /models/.
 */
const ORT_FILES = [
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.jsep.mjs',
  'ort-wasm-simd-threaded.jsep.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
];

const MIME: Record<string, string> = {
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.onnx': 'application/octet-stream',
};

export function staticAssets(root: string): Plugin {
  const ortDir = resolve(root, 'node_modules/onnxruntime-web/dist');
  const modelsDir = resolve(root, 'models');
  const mounts: [string, string][] = [
    ['/ort/', ortDir],
    ['/models/', modelsDir],
  ];
  let outDir = '';
  return {
    name: 'embedding-studio-static-assets',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = (req.url ?? '').split('?')[0];
        for (const [prefix, dir] of mounts) {
          if (!url.startsWith(prefix)) continue;
          const file = normalize(join(dir, decodeURIComponent(url.slice(prefix.length))));
          if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) break;
          res.setHeader('Content-Type', MIME[extname(file)] ?? 'application/octet-stream');
          createReadStream(file).pipe(res);
          return;
        }
        next();
      });
    },
    async closeBundle() {
      await mkdir(join(outDir, 'ort'), { recursive: true });
      for (const f of ORT_FILES) await cp(join(ortDir, f), join(outDir, 'ort', f));
      if (existsSync(modelsDir)) await cp(modelsDir, join(outDir, 'models'), { recursive: true });
    },
  };
}
