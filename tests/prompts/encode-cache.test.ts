import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeServices } from '../../runtime/api/node-host';
import { encodePrompts } from '../../runtime/models/pipeline/encode';
import { clearEncodeCache, encodePromptsCached } from '../../runtime/models/pipeline/encode-cache';
import type { DiffusionModel } from '../../runtime/models/model';
import { randomPrompts } from '../../runtime/prompts';

const services = nodeServices();
let model: DiffusionModel;
let encodedRows = 0;
beforeAll(async () => {
  model = await services.models.load('builtin:tiny');
  // count the rows the real text encoder is asked for (it still runs)
  const enc = model.textEncoder;
  const run = enc.run.bind(enc);
  enc.run = (async (feeds: Parameters<typeof run>[0], outputs: Parameters<typeof run>[1]) => {
    encodedRows += feeds.input_ids.dims[0];
    return run(feeds, outputs);
  }) as typeof enc.run;
});
afterAll(async () => services.models.dispose());

describe('encodePromptsCached (built-in model)', () => {
  it('gives what encodePrompts gives, and encodes a prompt only the first time', async () => {
    clearEncodeCache();
    const texts = randomPrompts(7, 30);
    const plain = await encodePrompts(model, texts);
    encodedRows = 0;
    const first = await encodePromptsCached(model, texts);
    const rowsFirst = encodedRows;
    expect(rowsFirst).toBeGreaterThanOrEqual(new Set(texts).size);
    expect(first.dims).toEqual(plain.dims);
    expect(Array.from(first.data)).toEqual(Array.from(plain.data));
    encodedRows = 0;
    // reordered, with one new prompt: only that one reaches the encoder
    const again = await encodePromptsCached(model, [texts[3], 'a new prompt', texts[0]]);
    expect(encodedRows).toBeLessThan(rowsFirst);
    const size = plain.dims[1] * plain.dims[2];
    expect(Array.from(again.data.subarray(0, size))).toEqual(Array.from(plain.data.subarray(3 * size, 4 * size)));
    expect(Array.from(again.data.subarray(2 * size))).toEqual(Array.from(plain.data.subarray(0, size)));
    const fresh = await encodePrompts(model, ['a new prompt']);
    expect(Array.from(again.data.subarray(size, 2 * size))).toEqual(Array.from(fresh.data));
  });

  it('refuses an empty prompt list', async () => {
    await expect(encodePromptsCached(model, [])).rejects.toThrow(/no prompts/);
  });
});
