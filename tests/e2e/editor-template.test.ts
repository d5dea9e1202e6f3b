import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import type { Page } from 'playwright-core';
import { downloadBytes, importFile, withEditor, nodeSel, run, statusOf } from './editor-helpers';

/**
 * The editor with the real runtime and the built-in model, in Chromium (wasm backend: see
 * launchWasmBrowser): template -> run -> preview; a prompt edit re-runs only what depends on it;
 * undo; JSON and PNG round trips; autosave across a reload. Steps are cut to 2 to keep runs short.
 */
const TEMPLATE = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../graphs/text-to-image.json'), 'utf8'));
const RUN_MS = 300_000;

let page: Page;
withEditor((p) => (page = p));

const exported = async () => JSON.parse((await downloadBytes(page, () => page.click('[data-testid=export-json]'))).bytes.toString('utf8'));

describe('editor with the text-to-image template', () => {
  it('loads the template from the gallery, runs it and shows a preview', async () => {
    await page.click('[data-testid=templates]');
    await page.click('[data-testid=template][data-template=text-to-image]');
    await page.waitForSelector('[data-node-type=Generate]');
    expect(await exported()).toEqual(TEMPLATE);

    await page.fill(`${nodeSel('generate')} input[data-param=steps]`, '2');
    await run(page, RUN_MS);
    expect(await page.locator('[data-testid=error]').count()).toBe(0);
    const img = page.locator(`${nodeSel('preview')} img[data-testid=preview]`).first();
    await img.waitFor();
    expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
    expect(await page.textContent('[data-testid=backend]')).toBe('wasm');
  }, RUN_MS + 60_000);

  it('re-runs only what a prompt edit touches, and undoes the edit', async () => {
    const prompt = page.locator(`${nodeSel('prompt')} textarea[data-param=text]`);
    await prompt.fill('a blue square on a red background');
    expect(await statusOf(page, 'generate')).toBe('stale');
    expect(await statusOf(page, 'model')).not.toBe('stale');
    await run(page, RUN_MS);
    expect(await statusOf(page, 'model')).toBe('cached');
    for (const id of ['prompt', 'generate', 'preview']) expect(await statusOf(page, id)).toBe('done');
    const executed = await page.evaluate(() => window.studio!.engine.state.run.executed);
    expect(new Set(executed)).toEqual(new Set(['prompt', 'generate', 'preview']));

    await page.locator('[data-testid=canvas]').click({ position: { x: 40, y: 40 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => prompt.inputValue()).toBe(TEMPLATE.nodes[1].params.text);
    await page.keyboard.press('Control+z'); // the steps edit
    expect(await exported()).toEqual(TEMPLATE);
  }, RUN_MS + 60_000);

  it('exports a PNG with the graph inside and opens it again', async () => {
    const { name, bytes } = await downloadBytes(page, () => page.click('[data-testid=export-png]'));
    expect(name).toBe('text-to-image.png');
    const png = decode(new Uint8Array(bytes));
    expect(png.width).toBeGreaterThan(0);
    expect(JSON.parse(png.text['embedding-studio/graph'])).toEqual(TEMPLATE);

    await page.locator(`${nodeSel('prompt')} textarea[data-param=text]`).fill('something else');
    await importFile(page, 'text-to-image.png', new Uint8Array(bytes));
    await expect.poll(() => page.locator(`${nodeSel('prompt')} textarea[data-param=text]`).inputValue()).toBe(TEMPLATE.nodes[1].params.text);
    expect(await exported()).toEqual(TEMPLATE);
  });

  it('finds the autosaved graph after a reload', async () => {
    await page.locator(`${nodeSel('prompt')} textarea[data-param=text]`).fill('kept after reload');
    await page.waitForTimeout(800);
    await page.reload();
    await page.waitForSelector(nodeSel('prompt'));
    expect(await page.locator(`${nodeSel('prompt')} textarea[data-param=text]`).inputValue()).toBe('kept after reload');
  });

  // The runtime yields to the worker's message loop between denoising steps, so cancel() lands mid-Generate.
  it('cancels a run in progress', async () => {
    await page.fill(`${nodeSel('generate')} input[data-param=steps]`, '500');
    await page.click('[data-testid=run]');
    await page.waitForSelector(`${nodeSel('generate')}[data-status=running]`, { timeout: RUN_MS });
    await page.click('[data-testid=cancel]');
    await page.waitForFunction(() => !document.querySelector('[data-testid=run]')?.hasAttribute('disabled'), null, { timeout: 60_000 });
    expect(await page.evaluate(() => window.studio!.engine.state.run.lastStatus)).toBe('cancelled');
    expect(await statusOf(page, 'generate')).not.toBe('done');
  }, RUN_MS + 60_000);

  it('lets a person steer the human-feedback template through its Pick zone', async () => {
    await page.click('[data-testid=templates]');
    await page.click('[data-testid=template][data-template=human-feedback]');
    await page.waitForSelector('[data-node-type=Pick]');
    await page.click('[data-testid=run]');
    await page.waitForSelector('[data-testid=pick-candidate]', { timeout: RUN_MS });
    expect(await page.textContent(`${nodeSel('pick')} .pick-head`)).toMatch(/Round 1/);
    expect(await page.locator('[data-testid=pick-next]').isDisabled()).toBe(true);
    await page.locator('[data-testid=pick-candidate]').nth(1).click();
    await page.click('[data-testid=pick-next]');
    await expect.poll(() => page.locator(`${nodeSel('pick')} .pick-head`).textContent(), { timeout: RUN_MS }).toMatch(/Round 2/);
    await page.click('[data-testid=pick-done]');
    await page.waitForFunction(() => !window.studio!.engine.state.run.running, null, { timeout: RUN_MS });
    expect(await page.evaluate(() => window.studio!.engine.state.run.lastStatus)).toBe('ok');
    expect(await statusOf(page, 'pick')).toBe('done');
    await page.locator(`${nodeSel('after_preview')} img[data-testid=preview]`).first().waitFor();
  }, 2 * RUN_MS);
});
