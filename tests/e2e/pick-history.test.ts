import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { withEditor, nodeSel, statusOf } from './editor-helpers';

/**
 * The human-feedback template's Pick zone in Chromium with the real runtime and built-in model,
 * driven by real mouse clicks: the rounds picked so far stay listed (with the chosen image and
 * t), and a chosen image there enlarges on click.
 */
const RUN_MS = 300_000;

let page: Page;
withEditor((p) => (page = p));

async function clickAt(selector: string, nth = 0, double = false): Promise<void> {
  const el = page.locator(selector).nth(nth);
  await el.scrollIntoViewIfNeeded();
  const b = await el.boundingBox();
  if (!b) throw new Error(`no box for ${selector} #${nth}`);
  const x = b.x + b.width / 2;
  const y = b.y + b.height / 2;
  if (double) await page.mouse.dblclick(x, y);
  else await page.mouse.click(x, y);
}

const head = () => page.locator(`${nodeSel('pick')} .pick-head`).textContent();

describe('Pick zone round history', () => {
  it('keeps the rounds picked so far visible, and enlarges images on click', async () => {
    await page.click('[data-testid=templates]');
    await page.click('[data-testid=template][data-template=human-feedback]');
    await page.waitForSelector('[data-node-type=Pick]', { state: 'attached' });
    await clickAt('[data-testid=run]');
    await page.waitForSelector('[data-testid=pick-candidate]', { timeout: RUN_MS });
    expect(await head()).toMatch(/Round 1/);
    expect(await page.locator('[data-testid=pick-history-round]').count()).toBe(0);

    await clickAt('[data-testid=pick-candidate]', 1);
    await clickAt('[data-testid=pick-next]');
    await expect.poll(head, { timeout: RUN_MS }).toMatch(/Round 2/);
    await page.waitForSelector('[data-testid=pick-candidate]', { timeout: RUN_MS });
    expect(await page.locator('[data-testid=pick-history-round]').count()).toBe(1);
    expect(await page.textContent('[data-testid=pick-history-round]')).toMatch(/1: #2 t 1\.00/);

    await clickAt('[data-testid=pick-candidate]', 3);
    await clickAt('[data-testid=pick-next]');
    await expect.poll(head, { timeout: RUN_MS }).toMatch(/Round 3/);
    await page.waitForSelector('[data-testid=pick-candidate]', { timeout: RUN_MS });
    const rounds = page.locator('[data-testid=pick-history-round]');
    expect(await rounds.count()).toBe(2);
    expect(await rounds.nth(1).textContent()).toMatch(/2: #4 t 1\.00/);
    const img = rounds.nth(0).locator('img');
    await img.waitFor();
    expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);

    // a chosen image in the history enlarges on click
    await clickAt('[data-testid=pick-history-round] img', 0);
    await page.locator('.lightbox').waitFor();
    await page.mouse.click(5, 5);
    await expect.poll(() => page.locator('.lightbox').count()).toBe(0);

    await clickAt('[data-testid=pick-done]');
    await page.waitForFunction(() => !window.studio!.engine.state.run.running, null, { timeout: RUN_MS });
    expect(await page.evaluate(() => window.studio!.engine.state.run.lastStatus)).toBe('ok');
    expect(await statusOf(page, 'pick')).toBe('done');
  }, 3 * RUN_MS);
});
