/**
 * Messages reach terminals, logs and the editor, and they echo names and values from documents
 * and files that someone else wrote. Every problem and error message passes through `oneLine`
 * before it is shown: one line, no control or bidi characters (an ANSI escape or a U+202E in a
 * node type would otherwise act on the reader's terminal or reorder the text), bounded length.
 * Echoed input goes through `echo` or `quote`, which cut it to about 80 characters first.
 */

/** The longest message line, escapes included; longer ones end in "…". */
export const MAX_LINE = 400;
/** The longest echo of document input inside a message. */
export const MAX_ECHO = 80;

// C0 and C1 controls and DEL; bidi embeddings, overrides, isolates and marks; zero-width
// characters and line/paragraph separators (they break or hide text too); lone surrogates.
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const escapeChar = (c: string) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Cuts `text` to at most `max` characters, ending in "…", never splitting a surrogate pair. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/**
 * A message as one safe line: control, bidi and invisible characters escaped (`\n`, `\u001b`),
 * cut to `max`. Idempotent: a line that went through it once comes back unchanged.
 */
export function oneLine(text: string, max = MAX_LINE): string {
  // Cutting first bounds the work on huge inputs; escapes can only lengthen what is left.
  return cut(cut(String(text), max * 8).replace(UNSAFE, escapeChar), max);
}

/** JSON-like rendering of a value from a document, stopping once `budget` characters are out. */
function render(value: unknown, budget: number, depth = 0): string {
  if (typeof value === 'string') return JSON.stringify(cut(value, budget));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (value === undefined) return 'undefined';
  if (typeof value !== 'object') return typeof value;
  if (depth >= 4) return Array.isArray(value) ? '[…]' : '{…}';
  const isList = Array.isArray(value);
  const keys = isList ? undefined : Object.keys(value);
  const count = isList ? value.length : keys!.length;
  const parts: string[] = [];
  let used = 2;
  // Index by index, so a list of a million numbers costs only the few that are shown.
  for (let i = 0; i < count; i++) {
    if (used >= budget) {
      parts.push('…');
      break;
    }
    const key = keys?.[i];
    const item = isList ? value[i] : (value as Record<string, unknown>)[key!];
    const part = (key === undefined ? '' : `${JSON.stringify(cut(key, budget))}:`) + render(item, budget - used, depth + 1);
    parts.push(part);
    used += part.length + 1;
  }
  return Array.isArray(value) ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}

/** A value from a document or file, as it appears in a message: JSON-like, one line, about 80 characters. */
export function echo(value: unknown, max = MAX_ECHO): string {
  return oneLine(render(value, max), max);
}

/** A name from a document (node id, type, port, param, file), quoted for a message. */
export function quote(name: string, max = MAX_ECHO): string {
  return `"${oneLine(cut(String(name), max * 2).replace(/"/g, '\\"'), max)}"`;
}
