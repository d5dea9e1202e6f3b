import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { center, withEditor } from './editor-helpers';

/** Toolbar "New": an empty graph, one undo step away from the one it replaced. */
let page: Page;
withEditor((p) => (page = p));

const nodeCount = () => page.evaluate(() => window.studio!.engine.state.doc.nodes.length);
const title = () => page.evaluate(() => window.studio!.engine.state.doc.meta.title);

async function click(selector: string): Promise<void> {
  const at = await center(page, selector);
  await page.mouse.click(at.x, at.y);
}

describe('New graph', () => {
  it('empties the canvas, and Undo brings the previous graph back whole', async () => {
    const before = await page.evaluate(() => JSON.stringify(window.studio!.engine.state.doc));
    expect(await nodeCount()).toBeGreaterThan(0);
    await click('[data-testid=new-graph]');
    await expect.poll(nodeCount).toBe(0);
    expect(await title()).toBe('Untitled');
    expect(await page.locator('[data-node-id]').count()).toBe(0);
    await click('[data-testid=undo]');
    await expect.poll(nodeCount).toBeGreaterThan(0);
    expect(await page.evaluate(() => JSON.stringify(window.studio!.engine.state.doc))).toBe(before);
  });
});
