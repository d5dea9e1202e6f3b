/**
 * A tiny tokenizer folder in real CLIP format, built by hand so the expected ids can be
 * worked out on paper: ids 0-255 are the byte symbols in GPT-2 `bytes_to_unicode`
 * order, 256-511 the same with "</w>", then one id per merge, then BOS and EOS.
 */

/** CLIP's byte -> printable-character table (GPT-2 bytes_to_unicode), in id order. */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  return cs.map((c) => String.fromCodePoint(c));
}

export const MERGES = ['r e', 're d</w>', 'c a', 'ca t</w>', 'ca t', "' s</w>"];

export function tinyVocab(): Record<string, number> {
  const base = bytesToUnicode();
  const tokens = [...base, ...base.map((s) => `${s}</w>`), ...MERGES.map((m) => m.replace(' ', '')), '<|startoftext|>', '<|endoftext|>'];
  return Object.fromEntries(tokens.map((t, i) => [t, i]));
}

/** Ids worked out from the layout above. */
export const IDS = {
  bang: 0, // "!"
  aW: 64 + 256, // "a</w>"
  redW: 513,
  catW: 515,
  cat: 516,
  sW: 82 + 256,
  apostropheSW: 517,
  bos: 518,
  eos: 519,
};

export function tinyFiles(extra: { pad?: string } = {}) {
  const special = { bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>', pad_token: extra.pad ?? '<|endoftext|>' };
  return {
    vocabJson: JSON.stringify(tinyVocab()),
    mergesTxt: `#version: 0.2\n${MERGES.join('\n')}\n`,
    tokenizerConfigJson: JSON.stringify({ tokenizer_class: 'CLIPTokenizer', model_max_length: 77, ...special }),
    specialTokensMapJson: JSON.stringify(special),
  };
}
