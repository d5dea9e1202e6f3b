import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { embeddingFromSafetensors } from '../../runtime/safetensors';
import { downloadBytes, importFile, withEditor, nodeSel, run } from './editor-helpers';

/**
 * SaveEmbedding in the browser: the worker has no file system, so the file comes back to the
 * editor as a `file` event and the node offers it as a download link (data-testid=download).
 * wasm backend (launchWasmBrowser), few steps: this is about the file reaching the user.
 */
const RUN_MS = 300_000;

let page: Page;
withEditor((p) => (page = p));

type Doc = { nodes: { id: string; type: string; params: Record<string, unknown> }[] };

function template(name: string, edit: (doc: Doc) => void): string {
  const doc = JSON.parse(readFileSync(resolve(import.meta.dirname, `../../graphs/${name}.json`), 'utf8')) as Doc;
  edit(doc);
  return JSON.stringify(doc);
}

const setParams = (doc: Doc, type: string, params: Record<string, unknown>) =>
  doc.nodes.filter((n) => n.type === type).forEach((n) => Object.assign(n.params, params));

/** Clicks the node's download link and parses the file as an Embedding Studio .safetensors. */
async function savedEmbedding(nodeId: string) {
  const link = page.locator(`${nodeSel(nodeId)} [data-testid=download]`);
  await link.waitFor();
  const { name, bytes } = await downloadBytes(page, () => link.click());
  return { name, file: embeddingFromSafetensors(new Uint8Array(bytes)) };
}

const lastStatus = () => page.evaluate(() => window.studio!.engine.state.run.lastStatus);

describe('SaveEmbedding in the browser', () => {
  it('offers the saved embedding as a download that parses as safetensors', async () => {
    const doc = {
      format: 'embedding-studio/graph',
      version: 1,
      meta: { title: 'save an embedding' },
      nodes: [
        { id: 'model', type: 'Model', params: { source: 'builtin:tiny' }, position: [0, 0] },
        { id: 'prompt', type: 'TextEncode', params: { text: 'a red circle on a blue background' }, position: [280, 0] },
        { id: 'save', type: 'SaveEmbedding', params: { file: 'red-circle', method: 'e2e', seeds: [3] }, position: [560, 0] },
      ],
      edges: [
        { from: ['model', 'model'], to: ['prompt', 'model'] },
        { from: ['prompt', 'embedding'], to: ['save', 'embedding'] },
      ],
    };
    await importFile(page, 'save.json', JSON.stringify(doc));
    await page.waitForSelector('[data-node-type=SaveEmbedding]');
    await run(page, RUN_MS);
    expect(await lastStatus()).toBe('ok');
    expect(await page.locator(`${nodeSel('save')} [data-testid=node-error]`).count()).toBe(0);
    const { name, file } = await savedEmbedding('save');
    expect(name).toBe('red-circle.safetensors');
    expect(file.embedding.tensor.dims).toEqual([1, 77, 128]); // builtin:tiny: 77 tokens x 128
    expect(file.embedding.tensor.data.every(Number.isFinite)).toBe(true);
    expect(file.meta).toMatchObject({ prompt: 'a red circle on a blue background', method: 'e2e', seeds: [3] });
  }, RUN_MS + 60_000);

  it('finishes the metric-optimization template, ending in its download', async () => {
    const json = template('metric-optimization', (doc) => {
      setParams(doc, 'Generate', { steps: 2 });
      setParams(doc, 'GradientStep', { iterations: 1 });
      doc.nodes.find((n) => n.id === 'generate')!.params.gradientSteps = 1;
    });
    await importFile(page, 'metric-optimization.json', json);
    await page.waitForSelector('[data-node-type=GradientStep]');
    await run(page, RUN_MS);
    expect(await lastStatus()).toBe('ok');
    const { name, file } = await savedEmbedding('save');
    expect(name).toBe('sharpness-optimized.safetensors');
    expect(file.embedding.tensor.dims).toEqual([1, 77, 128]);
    expect(file.meta.method).toBe('metric-optimization (sharpness)');
  }, RUN_MS + 60_000);

  it('finishes the human-feedback template after a person presses Done, ending in its download', async () => {
    const json = template('human-feedback', (doc) => {
      setParams(doc, 'Generate', { steps: 2 });
      setParams(doc, 'RandomPrompts', { count: 20 });
    });
    await importFile(page, 'human-feedback.json', json);
    await page.waitForSelector('[data-node-type=Pick]');
    await page.click('[data-testid=run]');
    await page.waitForSelector('[data-testid=pick-candidate]', { timeout: RUN_MS });
    await page.click('[data-testid=pick-done]');
    await page.waitForFunction(() => !window.studio!.engine.state.run.running, null, { timeout: RUN_MS });
    expect(await lastStatus()).toBe('ok');
    const { name, file } = await savedEmbedding('save');
    expect(name).toBe('human-feedback.safetensors');
    expect(file.embedding.tensor.dims).toEqual([1, 77, 128]);
  }, 2 * RUN_MS);
});
