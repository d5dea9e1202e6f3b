import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadClipTokenizer, type TokenizerFiles } from '../../runtime/tokenizer/index.js';

const dir = new URL('../../models/tiny/tokenizer/', import.meta.url);
const read = (name: string) => (existsSync(new URL(name, dir)) ? readFileSync(new URL(name, dir), 'utf8') : undefined);

/** The built-in model's tokenizer, written by tools/tiny (a missing file fails the test). */
describe('built-in tiny model tokenizer', () => {
  const files: TokenizerFiles = {
    tokenizerJson: read('tokenizer.json'),
    vocabJson: read('vocab.json'),
    mergesTxt: read('merges.txt'),
    tokenizerConfigJson: read('tokenizer_config.json'),
    specialTokensMapJson: read('special_tokens_map.json'),
  };
  const slow = loadClipTokenizer({ ...files, tokenizerJson: undefined }, 'builtin:tiny/tokenizer');

  it('makes every caption word a single token', () => {
    for (const word of ['red', 'circle', 'blue', 'background', 'on', 'a']) expect(slow.tokenize(word)).toHaveLength(1);
    const ids = slow.encode('a red circle on a blue background');
    expect(ids[0]).toBe(slow.bosId);
    expect(ids[8]).toBe(slow.eosId);
    expect(ids[76]).toBe(slow.padId);
    expect(slow.decode(ids)).toBe('a red circle on a blue background');
    // The ids tools/tiny trained with (its Python CLIP BPE): a drift would silently change every prompt.
    expect(Array.from(ids.slice(0, 10))).toEqual([606, 320, 581, 600, 576, 320, 587, 605, 607, 607]);
  });

  it('gives the same ids from tokenizer.json as from vocab.json + merges.txt', () => {
    if (files.tokenizerJson === undefined) return;
    const fast = loadClipTokenizer(files, 'builtin:tiny/tokenizer');
    expect(fast.vocabSize).toBe(slow.vocabSize);
    for (const text of ['a red circle on a blue background', "  A  RED\tcircle!! héllo 123 don't", 'Zebra 🙂, x=y+z; 2024', 'word '.repeat(90)]) {
      expect(Array.from(fast.encode(text))).toEqual(Array.from(slow.encode(text)));
    }
  });
});
