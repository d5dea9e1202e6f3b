/** CLIP prompt tokenization for Stable Diffusion text encoders. */
export { loadClipTokenizer, CLIP_MAX_LENGTH, type ClipTokenizer } from './clip-tokenizer.js';
export { buildClipTokenizerJson, CLIP_SPLIT_PATTERN } from './clip-tokenizer-json.js';
export type { TokenizerFiles } from './folder-texts.js';
