import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { importFile, nodeSel, withEditor } from './editor-helpers';

/**
 * A zone run on the metric-optimization template (wasm Chromium, real mouse clicks): the zone is
 * framed with its body; while it runs the frame and the body nodes show the iteration; "Stop and
 * use best" ends its loop, and its best embedding still reaches the after-image and
 * SaveEmbedding. Steps are cut so that iterations come quickly; the zone is given far more
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

type Box = { x: number; y: number; width: number; height: number };
const box = async (selector: string): Promise<Box> => (await page.locator(selector).first().boundingBox())!;
const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
const frame = '[data-testid=zone-frame][data-zone-id=optimize]';

const history = () => page.evaluate(() => window.studio!.engine.state.run.nodes.optimize?.history?.length ?? 0);

describe('a zone run', () => {
  it('frames the zone with its body nodes, and nothing else', async () => {
    await importFile(page, 'metric-optimization.json', template());
    await page.waitForSelector('[data-node-type=GradientStep]');
    await page.waitForSelector(frame);
    await page.click('[data-testid=fit]');
    await page.waitForTimeout(300);
    const outer = await box(frame);
    for (const id of ['optimize', 'generate', 'sharpness']) expect(inside(await box(nodeSel(id)), outer)).toBe(true);
    for (const id of ['after', 'before', 'save']) expect(inside(await box(nodeSel(id)), outer)).toBe(false);
    expect(await page.locator('[data-testid=zone-frame]').count()).toBe(1);
  });

  it('shows the iteration on the frame and the body; Stop and use best ends the loop and the best flows on', async () => {
    const started = Date.now();
    await page.click('[data-testid=run]');
    await page.waitForSelector(`${nodeSel('optimize')} [data-testid=loss-plot]`, { timeout: RUN_MS });
    console.log(`metric-optimization (2 steps): first loss point after ${Date.now() - started} ms`);
    // body nodes run inside the zone: they show its iteration, not "queued"
    expect(await page.getAttribute(nodeSel('generate'), 'data-status')).toBe('running');
    await page.locator(`${nodeSel('generate')} [data-testid=iteration]`).waitFor();
    expect(await page.getAttribute(frame, 'data-state')).toBe('running');
    expect(await page.textContent(`${frame} .zone-frame-title`)).toMatch(/iteration \d+ of 10001/);
    // the toolbar offers the same stop while the zone runs
    expect(await page.locator('[data-testid=stop-zone-toolbar]').count()).toBe(1);
    await expect.poll(history, { timeout: RUN_MS }).toBeGreaterThanOrEqual(3);
    // the whole run's progress in the toolbar, and the running zone's own, with times
    await page.locator('[data-testid=run-progress]').waitFor();
    await page.locator(`${nodeSel('optimize')} [data-testid=progress-text]`).waitFor();
    expect(await page.textContent(`${nodeSel('optimize')} [data-testid=progress-text]`)).toMatch(/\d+\/10001.*\d+ s/);
    await page.locator('[data-testid=run-eta]').waitFor();

    // the loss plot: what "better" means, the best step, the value under the pointer, a large view
    const plot = `${nodeSel('optimize')} [data-testid=loss-plot]`;
    expect(await page.textContent(`${plot} [data-testid=plot-label]`)).toBe('higher is better');
    expect(await page.locator(`${plot} [data-testid=plot-best]`).count()).toBe(1);
    const svg = await box(`${plot} svg`);
    await page.mouse.move(svg.x + svg.width * 0.2, svg.y + svg.height / 2);
    await page.mouse.move(svg.x + svg.width * 0.21, svg.y + svg.height / 2);
    await expect.poll(() => page.textContent(`${plot} [data-testid=plot-value]`)).toMatch(/^step 0: /);
    await page.mouse.click(svg.x + svg.width / 2, svg.y + svg.height / 2);
    await page.locator('[data-testid=plot-dialog]').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=plot-dialog]').count()).toBe(0);
    // that Esc closed the view only: the run goes on
    expect(await page.evaluate(() => window.studio!.engine.state.run.running)).toBe(true);

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
    expect(await page.getAttribute(frame, 'data-state')).toBe('stopped');
    // nodes grow with their previews (an arranged node is not frozen at its size before the run), and the frame with them
    const thumb = `${nodeSel('generate')} img[data-testid=preview]`;
    await page.locator(thumb).first().waitFor();
    await page.waitForTimeout(100);
    expect(inside(await box(thumb), await box(nodeSel('generate')))).toBe(true);
    expect(inside(await box(nodeSel('generate')), await box(frame))).toBe(true);
    expect(await page.textContent(`${frame} .zone-frame-title`)).toMatch(/stopped after \d+ iterations, best used/);
  }, RUN_MS + 60_000);
});
