/**
 * The Hugging Face `tokenizer.json` of a CLIP text tokenizer, built from the slow
 * tokenizer's files (vocab.json + merges.txt).
 *
 * Real Stable Diffusion ONNX exports often ship only the slow files; building the fast
 * description here lets one library (`@huggingface/tokenizers`) run both cases. The
 * pipeline is the one `transformers` writes for CLIPTokenizerFast: NFC, whitespace runs
 * to one space, lowercase; CLIP's regex keeps words, single digits and punctuation runs
 * (whitespace is dropped); byte-level symbols; BPE with the "</w>" end-of-word suffix.
 */

/** CLIP's pre-tokenization pattern (from openai/CLIP `SimpleTokenizer`). */
export const CLIP_SPLIT_PATTERN =
  "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

export interface ClipSpecialTokens {
  bos: string;
  eos: string;
  unk: string;
}

function addedToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** A `tokenizer.json` object equivalent to the given CLIP vocabulary and merges. */
export function buildClipTokenizerJson(
  vocab: Record<string, number>,
  merges: string[],
  special: ClipSpecialTokens,
): Record<string, unknown> {
  const bosId = vocab[special.bos]!;
  const eosId = vocab[special.eos]!;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [addedToken(bosId, special.bos), addedToken(eosId, special.eos)],
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: CLIP_SPLIT_PATTERN }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [special.eos, eosId],
      cls: [special.bos, bosId],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: special.unk,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}
