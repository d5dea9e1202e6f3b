import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureOrt } from '../../runtime/ort/env';
import { loadModel } from '../../runtime/models/loader';
import { nodeFolderFiles } from '../../runtime/models/files/node';
import type { DiffusionModel } from '../../runtime/models/model';
import { encodePrompts, generate } from '../../runtime/models/pipeline/generate';
import { loadColorProbe } from './color-probe';

const MODEL_DIR = resolve(import.meta.dirname, '../../models/tiny');
const SHAPES = ['circle', 'square', 'triangle'];

configureOrt();

/**
 * The color-quality probe of quality.json, run through our pipeline in Node: a sample of
 * prompts x seeds must reach the fraction the model was accepted at (>= 90%).
 */
describe('built-in model color quality', () => {
  const probe = loadColorProbe(MODEL_DIR);
  let model: DiffusionModel;
  beforeAll(async () => {
    model = await loadModel(nodeFolderFiles(MODEL_DIR, 'builtin:tiny'), { id: 'builtin:tiny', backend: { name: 'wasm' } });
  });
  afterAll(() => model.dispose());

  it('draws the prompted shape and background colors in >= 90% of a prompts x seeds sample', async () => {
    // 16 prompts: every color as shape and twice as background, every shape
    const C = probe.colors;
    const prompts = Array.from({ length: 16 }, (_, i) => {
      const fg = C[i % C.length];
      const bg = C[(i + 1 + Math.floor(i / C.length) * 3) % C.length];
      return { fg, bg, text: `a ${fg} ${SHAPES[i % 3]} on a ${bg} background` };
    });
    const seeds = [0, 1, 2]; // more than quality.json's own run, so other seeds count too
    const failures: string[] = [];
    let passed = 0;
    for (let start = 0; start < prompts.length; start += 8) {
      const group = prompts.slice(start, start + 8);
      const result = await generate(model, {
        embedding: await encodePrompts(model, group.map((p) => p.text)),
        seeds: { kind: 'Seeds', seeds },
        steps: 20,
        guidance: 7.5,
        scheduler: 'euler',
        width: 64,
        height: 64,
      });
      result.rows.forEach((row, i) => {
        const want = group[row.embedding];
        const got = probe.classify(result.images, i);
        if (got.centre === want.fg && got.border === want.bg) passed++;
        else failures.push(`${want.text} (seed ${seeds[row.seed]}): ${got.centre} on ${got.border}`);
      });
    }
    const fraction = passed / (prompts.length * seeds.length);
    console.info(`color probe: ${passed}/${prompts.length * seeds.length} = ${fraction.toFixed(3)}`);
    expect(fraction, failures.join('\n')).toBeGreaterThanOrEqual(0.9);
  }, 600_000);
});
