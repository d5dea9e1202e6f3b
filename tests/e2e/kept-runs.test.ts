import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { center, drag, importFile, nodeSel, run, socket, statusOf, withEditor } from './editor-helpers';

/**
 * Runs are kept (wasm Chromium): a run's outputs come back after a reload, stale where the graph
 * changed; the history panel lists runs and compares two; an error goes as soon as the graph is
 * fixed, with a real wire drawn by mouse.
 */
const RUN_MS = 300_000;

let page: Page;
withEditor((p) => (page = p));

const textToImage = () => {
  const doc = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../graphs/text-to-image.json'), 'utf8'));
  doc.nodes.find((n: { id: string }) => n.id === 'generate').params.steps = 2;
  return doc;
};
const previewShown = (id: string) =>
  page.locator(`${nodeSel(id)} img[data-testid=preview]`).first().evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0);

describe('runs are kept', () => {
  it('brings a run\'s outputs back after a reload, stale where the graph changed since', async () => {
    await importFile(page, 'text-to-image.json', JSON.stringify(textToImage()));
    await page.waitForSelector(nodeSel('generate'));
    await run(page, RUN_MS);
    await page.locator(`${nodeSel('preview')} img[data-testid=preview]`).first().waitFor();
    await page.waitForTimeout(300); // the run is written to IndexedDB as it ends

    await page.reload();
    await page.waitForSelector(nodeSel('preview'));
    await page.locator(`${nodeSel('preview')} img[data-testid=preview]`).first().waitFor();
    await expect.poll(() => previewShown('preview')).toBe(true);
    expect(await statusOf(page, 'generate')).toBe('done');

    await page.locator(`${nodeSel('prompt')} textarea[data-param=text]`).fill('a green square');
    expect(await statusOf(page, 'generate')).toBe('stale');
    expect(await statusOf(page, 'model')).toBe('done');
    await page.waitForTimeout(800); // autosave
    await page.reload();
    await page.waitForSelector(nodeSel('preview'));
    // the kept run predates the edit: its images come back marked stale
    await expect.poll(() => statusOf(page, 'preview')).toBe('stale');
    expect(await previewShown('preview')).toBe(true);
  }, RUN_MS + 60_000);

  it('lists the kept runs with what changed, and compares two with an A/B slider', async () => {
    await run(page, RUN_MS); // after the prompt edit of the test before
    await page.click('[data-testid=history-toggle]');
    const rows = page.locator('[data-testid=history-run]');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
    expect(await rows.nth(0).locator('[data-testid=history-diff]').textContent()).toBe('prompt.text');
    await rows.nth(0).locator('[data-testid=history-pick]').click();
    await rows.nth(1).locator('[data-testid=history-pick]').click();
    await page.locator('[data-testid=history-compare]').waitFor();
    expect(await page.locator('[data-testid=compare-node]').inputValue()).toBe('preview');
    const a = page.locator('[data-testid=compare-a]');
    await a.waitFor();
    const slider = await page.locator('[data-testid=ab-slider]').boundingBox();
    await page.mouse.click(slider!.x + slider!.width * 0.2, slider!.y + slider!.height / 2);
    await expect.poll(() => a.evaluate((el) => (el as HTMLElement).style.clipPath)).toMatch(/inset\(0px (7\d|8\d)% 0px 0px\)/);
    await page.click('[data-testid=history-toggle]');
  }, RUN_MS + 60_000);

  it('drops the problem and the error badge as soon as the graph is fixed', async () => {
    // an import refuses a broken graph, so it breaks here: Generate loses its embedding
    await page.evaluate(() => window.studio!.engine.disconnect({ from: ['prompt', 'embedding'], to: ['generate', 'embedding'] }));
    await page.click('[data-testid=fit]');
    await page.click('[data-testid=run]');
    await page.locator('[data-testid=error]').first().waitFor();
    expect(await page.locator(`${nodeSel('generate')}.has-error`).count()).toBe(1);

    await drag(page, await center(page, socket('prompt', 'output', 'embedding')), await center(page, socket('generate', 'input', 'embedding')));
    await expect.poll(() => page.locator('[data-testid=error]').count()).toBe(0);
    expect(await page.locator(`${nodeSel('generate')}.has-error`).count()).toBe(0);
  });
});
