/**
 * Reading the files of a diffusers `tokenizer/` folder, with errors that name the
 * folder and file, since a broken model folder is a user-facing problem.
 */

/** The texts of a tokenizer folder's files; absent files are undefined. */
export interface TokenizerFiles {
  tokenizerJson?: string;
  vocabJson?: string;
  mergesTxt?: string;
  tokenizerConfigJson?: string;
  specialTokensMapJson?: string;
}

/** The slow CLIP tokenizer reads at most this many merges (49152 - 256 - 2). */
export const CLIP_MAX_MERGES = 48894;

export function parseJsonObject(text: string, file: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}/${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${source}/${file} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** vocab.json: token -> id, every id a non-negative integer. */
export function parseVocab(text: string, source: string): Record<string, number> {
  const vocab = parseJsonObject(text, 'vocab.json', source);
  for (const [token, id] of Object.entries(vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0) {
      throw new Error(`${source}/vocab.json: token ${JSON.stringify(token)} has id ${JSON.stringify(id)}, not a non-negative integer`);
    }
  }
  return vocab as Record<string, number>;
}

/** merges.txt: an optional "#version" header, then one "left right" pair per line. */
export function parseMerges(text: string, source: string): string[] {
  const lines = text.split(/\r?\n/);
  const start = lines[0]?.startsWith('#version') ? 1 : 0;
  const merges: string[] = [];
  for (let i = start; i < lines.length && merges.length < CLIP_MAX_MERGES; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new Error(`${source}/merges.txt line ${i + 1}: expected two symbols separated by one space, got ${JSON.stringify(line)}`);
    }
    merges.push(line);
  }
  if (merges.length === 0) throw new Error(`${source}/merges.txt holds no merges`);
  return merges;
}

/** A special-token entry is a string or an AddedToken-like `{ content }` object. */
export function tokenContent(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (typeof entry === 'object' && entry !== null && typeof (entry as { content?: unknown }).content === 'string') {
    return (entry as { content: string }).content;
  }
  return undefined;
}
