import { loadClipTokenizer, type TokenizerFiles } from '../../tokenizer';
import { readText, type ModelFiles } from './model-files';
import { FILES } from './layout';
import type { PromptTokenizer } from '../model';

const TOKENIZER_FILES: Record<keyof TokenizerFiles, string> = {
  tokenizerJson: 'tokenizer.json',
  vocabJson: 'vocab.json',
  mergesTxt: 'merges.txt',
  tokenizerConfigJson: 'tokenizer_config.json',
  specialTokensMapJson: 'special_tokens_map.json',
};

/** Reads whichever CLIP tokenizer files the folder's tokenizer/ has; the tokenizer says what is missing. */
export async function loadPromptTokenizer(files: ModelFiles): Promise<PromptTokenizer> {
  const texts: TokenizerFiles = {};
  for (const [key, name] of Object.entries(TOKENIZER_FILES) as [keyof TokenizerFiles, string][]) {
    const path = `${FILES.tokenizerDir}/${name}`;
    if (await files.has(path)) texts[key] = await readText(files, path);
  }
  return loadClipTokenizer(texts, `${files.label}/${FILES.tokenizerDir}`);
}
