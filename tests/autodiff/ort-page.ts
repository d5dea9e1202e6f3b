import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../e2e/harness';

const ORT_DIST = join(resolve(import.meta.dirname, '../..'), 'node_modules/onnxruntime-web/dist');

export interface OrtPage {
  browser: Browser;
  /** http://127.0.0.1:PORT: an empty page, onnxruntime-web's dist under /ort/, and the caller's files. */
  base: string;
  close(): Promise<void>;
}

/**
 * A bare page that can import onnxruntime-web in Chromium (a secure context, so WebGPU is on),
 * for running ONNX models on the WebGPU EP next to wasm in Node. `file(url)` serves test models.
 */
export async function startOrtPage(file: (url: string) => Uint8Array | undefined): Promise<OrtPage> {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const body = file(url) ?? (url.startsWith('/ort/') ? readFileSync(join(ORT_DIST, url.slice(5))) : url === '/' ? '<!doctype html><title>ort</title>' : undefined);
    if (!body) return void res.writeHead(404).end();
    const type = url.endsWith('.wasm') ? 'application/wasm' : url.endsWith('.mjs') ? 'text/javascript' : url === '/' ? 'text/html' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const browser = await launchBrowser();
  return {
    browser,
    base,
    async close() {
      await browser.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
