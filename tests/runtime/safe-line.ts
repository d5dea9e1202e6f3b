import { MAX_LINE } from '../../runtime/messages';

/** What a safe line may not hold: controls, bidi controls and marks, invisible separators. */
export const UNSAFE_CHAR = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `line` is not one safe, bounded, well-formed line, or undefined when it is. */
export function lineFault(line: string): string | undefined {
  if (UNSAFE_CHAR.test(line)) return 'holds a control, bidi or invisible character';
  if (LONE_SURROGATE.test(line)) return 'holds a lone surrogate';
  if (line.length > MAX_LINE + 200) return `is ${line.length} characters long`;
  if (line.trim() === '') return 'is empty';
  return undefined;
}
