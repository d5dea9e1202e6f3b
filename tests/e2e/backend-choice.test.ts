import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootPage, type AppServer, type BootedPage } from './harness';
import { CANVAS, importFile, nodeSel, run } from './editor-helpers';

/**
 * The backend choice in Chromium with WebGPU on SwiftShader (the default harness): a software
 * adapter, detected from the adapter itself, so wasm runs the model (timed) and the pill says
 * why. A person's pick in the pill's menu (WebGPU here) holds across a reload.
 */
const RUN_MS = 300_000;
let app: BootedPage<AppServer>;
let page: Page;
beforeAll(async () => {
  app = await bootPage({ viewport: { width: 1440, height: 900 }, waitFor: CANVAS });
  page = app.page;
});
afterAll(() => app?.close());

const textToImage = () => {
  const doc = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../graphs/text-to-image.json'), 'utf8'));
  doc.nodes.find((n: { id: string }) => n.id === 'generate').params.steps = 2;
  return JSON.stringify(doc);
};
const choice = () => page.locator('[data-testid=backend-choice][data-source="builtin:tiny"]');

describe('the backend, by measurement', () => {
  it('sees that SwiftShader is a software adapter, runs wasm, and says why in the pill', async () => {
    await importFile(page, 'text-to-image.json', textToImage());
    await page.waitForSelector(nodeSel('generate'));
    const started = Date.now();
    await page.click('[data-testid=run]');
    await page.locator(`${nodeSel('preview')} img[data-testid=preview]`).first().waitFor({ timeout: RUN_MS });
    console.log(`text-to-image (2 steps) on the SwiftShader page: first image after ${Date.now() - started} ms`);
    await page.waitForFunction(() => !window.studio!.engine.state.run.running, null, { timeout: RUN_MS });
    expect(await page.textContent('[data-testid=backend]')).toBe('wasm · software GPU');
    expect(await page.getAttribute('[data-testid=backend]', 'title')).toMatch(
      /^This browser's WebGPU adapter \(.*swiftshader.*\) is a software one that emulates a GPU on the CPU.*: wasm runs this model \(one UNet step: [\d.]+ m?s\)\./i,
    );
  }, RUN_MS + 60_000);

  it('runs where a person pins the model in the pill\'s menu, and remembers it after a reload', async () => {
    await page.click('[data-testid=backend]');
    await page.locator('[data-testid=backend-menu]').waitFor();
    expect(await choice().inputValue()).toBe('auto');
    await choice().selectOption('webgpu');
    await page.click(CANVAS, { position: { x: 30, y: 30 } });
    await run(page, RUN_MS);
    expect(await page.evaluate(() => window.studio!.engine.state.run.lastStatus)).toBe('ok');
    expect(await page.textContent('[data-testid=backend]')).toBe('WebGPU · chosen');

    await page.reload();
    await page.waitForSelector(CANVAS);
    await page.click('[data-testid=backend]');
    expect(await choice().inputValue()).toBe('webgpu');
    await choice().selectOption('auto');
    expect(await page.evaluate(() => window.studio!.engine.state.backendChoices)).toEqual({});
  }, RUN_MS + 60_000);
});
