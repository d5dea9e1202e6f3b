import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { importFile, nodeSel, withEditor } from './editor-helpers';

/**
 * "Stop and use best" on the metric-optimization template (wasm Chromium, real mouse clicks):
 * the running GradientStep ends its loop, and its best embedding still reaches the after-image
 * and SaveEmbedding. Steps are cut so that iterations come quickly; the zone is given far more
 * iterations than the test waits for, so only the stop can end it.
 */
const RUN_MS = 300_000;

let page: Page;
withEditor((p) => (page = p));

function template(): string {
  const doc = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../graphs/metric-optimization.json'), 'utf8'));
  for (const n of doc.nodes) {
    if (n.type === 'Generate') Object.assign(n.params, { steps: 2 });
    if (n.id === 'generate') n.params.gradientSteps = 1;
    if (n.type === 'GradientStep') n.params.iterations = 10000;
  }
  return JSON.stringify(doc);
}

const history = () => page.evaluate(() => window.studio!.engine.state.run.nodes.optimize?.history?.length ?? 0);

describe('Stop and use best', () => {
  it('ends the running zone from its node; the best result flows on to the after-image and the download', async () => {
    await importFile(page, 'metric-optimization.json', template());
    await page.waitForSelector('[data-node-type=GradientStep]');
    const started = Date.now();
    await page.click('[data-testid=run]');
    await page.waitForSelector(`${nodeSel('optimize')} [data-testid=loss-plot]`, { timeout: RUN_MS });
    console.log(`metric-optimization (2 steps): first loss point after ${Date.now() - started} ms`);
    // the toolbar offers the same stop while the zone runs
    expect(await page.locator('[data-testid=stop-zone-toolbar]').count()).toBe(1);
    await expect.poll(history, { timeout: RUN_MS }).toBeGreaterThanOrEqual(2);
    await page.click(`${nodeSel('optimize')} [data-testid=stop-zone]`);
    await page.waitForFunction(() => !window.studio!.engine.state.run.running, null, { timeout: RUN_MS });

    expect(await page.evaluate(() => window.studio!.engine.state.run.lastStatus)).toBe('ok');
    const ran = await history();
    expect(ran).toBeLessThan(10001);
    await page.waitForSelector(`${nodeSel('optimize')} [data-testid=stopped]`);
    expect(await page.locator('[data-testid=stop-zone-toolbar]').count()).toBe(0);
    for (const id of ['after', 'after_preview', 'after_score', 'save']) expect(await page.getAttribute(nodeSel(id), 'data-status')).toBe('done');
    const img = page.locator(`${nodeSel('after_preview')} img[data-testid=preview]`).first();
    await img.waitFor();
    expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
    await page.locator(`${nodeSel('save')} [data-testid=download]`).waitFor();
  }, RUN_MS + 60_000);
});
