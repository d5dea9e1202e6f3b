import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bootPage, CHROMIUM_FLAGS, CHROMIUM_PATH, type AppServer, type BootedPage, type PageOptions } from './harness';

/** Shared steps for the editor's end-to-end tests: they drive the app only through its test hooks. */

/** The editor's canvas: there once the app has loaded. */
export const CANVAS = '[data-testid=canvas]';

export const nodeSel = (id: string) => `[data-node-id="${id}"]`;

/** Imports a graph (JSON text or PNG bytes) through the toolbar's file input. */
export async function importFile(page: Page, name: string, data: string | Uint8Array): Promise<void> {
  const mimeType = name.endsWith('.png') ? 'image/png' : 'application/json';
  await page.setInputFiles('[data-testid=import]', { name, mimeType, buffer: Buffer.from(data) });
}

export async function statusOf(page: Page, id: string): Promise<string | null> {
  return page.getAttribute(nodeSel(id), 'data-status');
}

/** Waits for the run to finish (the Run button is enabled again and the run state is not "running"). */
export async function waitRunEnd(page: Page, timeout = 120_000): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[data-testid=run]')?.hasAttribute('disabled'), null, { timeout });
}

export async function run(page: Page, timeout?: number): Promise<void> {
  await page.click('[data-testid=run]');
  await page.waitForTimeout(50);
  await waitRunEnd(page, timeout);
}

/** Center of an element on screen. */
export async function center(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`no box for ${selector}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

export async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 4 });
  await page.mouse.up();
}

export const socket = (nodeId: string, side: 'input' | 'output', port: string) =>
  `${nodeSel(nodeId)} .port-${side}:has(.port-name:text-is("${port}")) .socket`;

/** Reads a download's bytes. */
export async function downloadBytes(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return { name: download.suggestedFilename(), bytes: Buffer.concat(chunks) };
}

/**
 * Chromium without the WebGPU flags, so the runtime falls back to wasm. The editor's tests are
 * about the editor; WebGPU on SwiftShader runs a UNet about 50x slower than wasm, and the runtime's
 * own tests cover WebGPU.
 */
export function launchWasmBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS.filter((f) => !/webgpu|swiftshader/i.test(f)),
  });
}

/**
 * The built app in wasm Chromium (launchWasmBrowser) with one 1440x900 page, the editor loaded;
 * close() it in afterAll.
 */
export function bootEditor(options: PageOptions = {}): Promise<BootedPage<AppServer>> {
  return bootPage({ launch: launchWasmBrowser, viewport: { width: 1440, height: 900 }, waitFor: CANVAS, ...options });
}

/** A test file's editor: boots it (bootEditor) before the file's tests, hands `use` the page, closes it after. */
export function withEditor(use: (page: Page) => void, options: PageOptions = {}): void {
  let app: BootedPage<AppServer> | undefined;
  beforeAll(async () => {
    app = await bootEditor(options);
    use(app.page);
  });
  afterAll(() => app?.close());
}
