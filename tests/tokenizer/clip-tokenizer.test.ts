import { describe, expect, it } from 'vitest';
import { buildClipTokenizerJson, loadClipTokenizer } from '../../runtime/tokenizer/index.js';
import { IDS, MERGES, tinyFiles, tinyVocab } from './clip-fixture.js';

const tok = loadClipTokenizer(tinyFiles(), 'test/tokenizer');
const body = (ids: Int32Array) => Array.from(ids.slice(1, ids.indexOf(IDS.eos)));

describe('CLIP tokenizer from vocab.json + merges.txt', () => {
  it('reads special tokens and sizes', () => {
    expect(tok.maxLength).toBe(77);
    expect([tok.bosId, tok.eosId, tok.padId]).toEqual([IDS.bos, IDS.eos, IDS.eos]);
    expect(tok.vocabSize).toBe(520);
  });

  it('encodes known words to their merged tokens', () => {
    const ids = tok.encode('a red cat');
    expect(ids.length).toBe(77);
    expect(Array.from(ids.slice(0, 5))).toEqual([IDS.bos, IDS.aW, IDS.redW, IDS.catW, IDS.eos]);
    expect(tok.tokenize('cats')).toEqual([IDS.cat, IDS.sW]);
    expect(tok.tokenize("red's")).toEqual([IDS.redW, IDS.apostropheSW]);
  });

  it('lowercases and collapses whitespace', () => {
    expect(tok.tokenize('  RED \t\n  Cat ')).toEqual([IDS.redW, IDS.catW]);
  });

  it('splits digits one by one and punctuation runs together', () => {
    // '2' and '0' are bytes 50 and 48: ids 17 and 15, plus 256 for the word end.
    expect(tok.tokenize('2024')).toEqual([273, 271, 273, 275]);
    expect(tok.tokenize('cat!!')).toEqual([IDS.catW, IDS.bang, IDS.bang + 256]);
  });

  it('falls back to byte symbols for characters outside the merges', () => {
    // é is UTF-8 c3 a9, 🙂 is f0 9f 99 82; each byte is one base symbol.
    expect(tok.tokenize('é')).toEqual([127, 102 + 256]);
    expect(tok.tokenize('🙂')).toEqual([172, 253, 247, 224 + 256]);
    expect(tok.decode(tok.encode('Café 🙂'))).toBe('café 🙂');
  });

  it('pads with EOS after the text', () => {
    const ids = tok.encode('cat');
    expect(Array.from(ids.slice(3))).toEqual(new Array(74).fill(IDS.eos));
  });

  it('pads with "!" (id 0) when the config says so, as SD 2.x does', () => {
    const sd2 = loadClipTokenizer(tinyFiles({ pad: '!' }), 'sd2/tokenizer');
    expect(sd2.padId).toBe(0);
    const ids = sd2.encode('red cat');
    expect(Array.from(ids.slice(0, 5))).toEqual([IDS.bos, IDS.redW, IDS.catW, IDS.eos, 0]);
    expect(ids[76]).toBe(0);
    expect(sd2.decode(ids)).toBe('red cat');
  });

  it('truncates to 77 keeping EOS last', () => {
    const ids = tok.encode('red '.repeat(100));
    expect(ids.length).toBe(77);
    expect(ids[0]).toBe(IDS.bos);
    expect(ids[75]).toBe(IDS.redW);
    expect(ids[76]).toBe(IDS.eos);
    expect(body(tok.encode('red '.repeat(75)))).toHaveLength(75);
  });

  it('gives BOS, EOS and padding for an empty prompt', () => {
    const ids = tok.encode('');
    expect(ids[0]).toBe(IDS.bos);
    expect(ids[1]).toBe(IDS.eos);
    expect(tok.decode(ids)).toBe('');
  });

  it('decodes back to lowercased text', () => {
    expect(tok.decode(tok.encode("A Red Cat's cats"))).toBe("a red cat 's cats");
  });
});

describe('tokenizer.json and vocab + merges agree', () => {
  const json = JSON.stringify(buildClipTokenizerJson(tinyVocab(), MERGES, { bos: '<|startoftext|>', eos: '<|endoftext|>', unk: '<|endoftext|>' }));
  const fromJson = loadClipTokenizer({ tokenizerJson: json }, 'test/tokenizer');
  for (const text of ['a red cat', 'RED  cats!!', "red's 2024 café 🙂", '<|startoftext|>cat', 'x'.repeat(200)]) {
    it(JSON.stringify(text.slice(0, 30)), () => {
      expect(Array.from(fromJson.encode(text))).toEqual(Array.from(tok.encode(text)));
    });
  }

  it('prefers tokenizer.json when both are present', () => {
    const both = loadClipTokenizer({ ...tinyFiles(), tokenizerJson: json }, 'test/tokenizer');
    expect(Array.from(both.encode('red cat'))).toEqual(Array.from(tok.encode('red cat')));
  });
});

describe('errors name the folder and file', () => {
  const src = 'models/x/tokenizer';
  it('when files are missing', () => {
    expect(() => loadClipTokenizer({}, src)).toThrow(/models\/x\/tokenizer.*vocab\.json is missing/);
    expect(() => loadClipTokenizer({ vocabJson: '{}' }, src)).toThrow(/merges\.txt is missing/);
  });

  it('when files are unparseable', () => {
    expect(() => loadClipTokenizer({ tokenizerJson: '{oops' }, src)).toThrow(/models\/x\/tokenizer\/tokenizer\.json is not valid JSON/);
    expect(() => loadClipTokenizer({ ...tinyFiles(), vocabJson: '[1]' }, src)).toThrow(/vocab\.json must hold a JSON object/);
    expect(() => loadClipTokenizer({ ...tinyFiles(), mergesTxt: '#version: 0.2\na b c\n' }, src)).toThrow(/merges\.txt line 2/);
    expect(() => loadClipTokenizer({ ...tinyFiles(), tokenizerConfigJson: 'nope' }, src)).toThrow(/tokenizer_config\.json is not valid JSON/);
    expect(() => loadClipTokenizer({ tokenizerJson: '{"version":"1.0"}' }, src)).toThrow(/tokenizer\.json has no "model"/);
  });

  it('when a special token is not in the vocabulary', () => {
    const vocab = tinyVocab();
    delete vocab['<|endoftext|>'];
    expect(() => loadClipTokenizer({ ...tinyFiles(), vocabJson: JSON.stringify(vocab) }, src)).toThrow(/vocab\.json has no entry .*endoftext/);
    expect(() => loadClipTokenizer(tinyFiles({ pad: '<pad>' }), src)).toThrow(/padding token "<pad>"/);
  });
});
