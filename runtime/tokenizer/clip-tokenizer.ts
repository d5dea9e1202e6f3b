/**
 * CLIP text tokenizer for Stable Diffusion text encoders: fixed-length id sequences of
 * BOS, the prompt's tokens, EOS, then padding, as diffusers' pipelines build them
 * (`padding="max_length", truncation=True`).
 */

import { Tokenizer } from '@huggingface/tokenizers';
import { buildClipTokenizerJson } from './clip-tokenizer-json.js';
import { parseJsonObject, parseMerges, parseVocab, tokenContent, type TokenizerFiles } from './folder-texts.js';

export const CLIP_MAX_LENGTH = 77;
const DEFAULT_BOS = '<|startoftext|>';
const DEFAULT_EOS = '<|endoftext|>';

export interface ClipTokenizer {
  /** `maxLength` ids: BOS, tokens (truncated), EOS, then `padId`. */
  encode(text: string): Int32Array;
  /** The prompt's token ids alone, without BOS/EOS, padding or truncation. */
  tokenize(text: string): number[];
  /** Text of the tokens between BOS and the first EOS (special tokens dropped). */
  decode(ids: ArrayLike<number>): string;
  readonly maxLength: number;
  readonly bosId: number;
  readonly eosId: number;
  /** EOS for SD 1.x; "!" (id 0) for SD 2.x, whose config says `pad_token: "!"`. */
  readonly padId: number;
  readonly vocabSize: number;
}

interface SpecialNames {
  bos: string;
  eos: string;
  unk: string;
  pad: string;
  maxLength: number;
}

/** Special tokens and length: tokenizer_config.json wins over special_tokens_map.json. */
function specialNames(files: TokenizerFiles, source: string): SpecialNames {
  const config = files.tokenizerConfigJson ? parseJsonObject(files.tokenizerConfigJson, 'tokenizer_config.json', source) : {};
  const map = files.specialTokensMapJson ? parseJsonObject(files.specialTokensMapJson, 'special_tokens_map.json', source) : {};
  const pick = (key: string) => tokenContent(config[key]) ?? tokenContent(map[key]);
  const bos = pick('bos_token') ?? DEFAULT_BOS;
  const eos = pick('eos_token') ?? DEFAULT_EOS;
  const declared = config['model_max_length'];
  // Configs without a real limit store a huge sentinel (1e30); CLIP's is 77.
  const maxLength =
    typeof declared === 'number' && Number.isInteger(declared) && declared >= 2 && declared <= 4096 ? declared : CLIP_MAX_LENGTH;
  return { bos, eos, unk: pick('unk_token') ?? eos, pad: pick('pad_token') ?? eos, maxLength };
}

/** The tokenizer.json object: the folder's own, or one built from vocab + merges. */
function tokenizerJsonObject(files: TokenizerFiles, names: SpecialNames, source: string): Record<string, unknown> {
  if (files.tokenizerJson !== undefined) {
    const json = parseJsonObject(files.tokenizerJson, 'tokenizer.json', source);
    if (typeof json['model'] !== 'object' || json['model'] === null) throw new Error(`${source}/tokenizer.json has no "model" section`);
    return json;
  }
  if (files.vocabJson === undefined) {
    throw new Error(`${source}: missing tokenizer files: need tokenizer.json, or vocab.json and merges.txt (vocab.json is missing)`);
  }
  if (files.mergesTxt === undefined) {
    throw new Error(`${source}: missing tokenizer files: need tokenizer.json, or vocab.json and merges.txt (merges.txt is missing)`);
  }
  const vocab = parseVocab(files.vocabJson, source);
  for (const token of [names.bos, names.eos]) {
    if (!(token in vocab)) throw new Error(`${source}/vocab.json has no entry for the special token ${JSON.stringify(token)}`);
  }
  return buildClipTokenizerJson(vocab, parseMerges(files.mergesTxt, source), names);
}

function requireId(tok: Tokenizer, token: string, what: string, source: string): number {
  const id = tok.token_to_id(token);
  if (id === undefined) throw new Error(`${source}: the ${what} token ${JSON.stringify(token)} is not in the vocabulary`);
  return id;
}

/**
 * Load a CLIP tokenizer from the files of a diffusers `tokenizer/` folder. `source`
 * names the folder in error messages.
 */
export function loadClipTokenizer(files: TokenizerFiles, source: string): ClipTokenizer {
  const names = specialNames(files, source);
  const json = tokenizerJsonObject(files, names, source);
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(json, {});
  } catch (err) {
    const file = files.tokenizerJson !== undefined ? 'tokenizer.json' : 'vocab.json/merges.txt';
    throw new Error(`${source}/${file}: cannot build the tokenizer: ${(err as Error).message}`);
  }
  const bosId = requireId(tok, names.bos, 'BOS', source);
  const eosId = requireId(tok, names.eos, 'EOS', source);
  const padId = requireId(tok, names.pad, 'padding', source);
  const maxLength = names.maxLength;
  const vocabSize = tok.get_vocab(true).size;

  const tokenize = (text: string): number[] => tok.encode(text, { add_special_tokens: false }).ids;

  return {
    maxLength,
    bosId,
    eosId,
    padId,
    vocabSize,
    tokenize,
    encode(text) {
      const body = tokenize(text).slice(0, maxLength - 2);
      const out = new Int32Array(maxLength).fill(padId);
      out[0] = bosId;
      out.set(body, 1);
      out[body.length + 1] = eosId;
      return out;
    },
    decode(ids) {
      const body: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (id === eosId) break;
        if (id !== bosId) body.push(id);
      }
      if (body.length === 0) return ''; // the library rejects an empty id list
      // CLIP marks word ends with "</w>"; the slow tokenizer turns them into spaces.
      const text = tok.decode(body, { skip_special_tokens: true, clean_up_tokenization_spaces: false });
      return text.replace(/<\/w>/g, ' ').replace(/\s+/g, ' ').trim();
    },
  };
}
