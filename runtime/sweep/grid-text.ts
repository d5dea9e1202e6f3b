import type { SweepAxis } from './spec';
import { quote } from '../messages';

/**
 * The `--grid` form of a sweep's axes: `node.param=v1|v2|...` per axis, axes separated by
 * `;`. A value `FROM..TO` or `FROM..TO:STEP` is a range and `@id` the seeds of SeedSet `id`
 * (both for number params; plan.ts reads them). `\;`, `\|` and `\\` stand for the character
 * itself, so a prompt may contain them. Values stay text here: the plan reads each one as the
 * kind of its param (number, boolean, comma-separated number list, string).
 */
export function parseGridText(text: string): { ok: true; axes: SweepAxis[] } | { ok: false, problems: string[] } {
  const axes: SweepAxis[] = [];
  const problems: string[] = [];
  for (const part of splitEscaped(text, ';')) {
    if (part.raw.trim() === '') continue;
    const eq = part.raw.indexOf('=');
    const param = (eq < 0 ? part.raw : part.raw.slice(0, eq)).trim();
    if (eq < 0 || !param) {
      problems.push(`--grid ${quote(unescape(part.raw))}: expected node.param=value|value...`);
      continue;
    }
    // the values keep their escapes until split at `|`
    const values = splitEscaped(part.raw.slice(eq + 1), '|').map((v) => unescape(v.raw));
    axes.push({ param: unescape(param), values, text: true });
  }
  if (problems.length === 0 && axes.length === 0) problems.push('--grid names no axis: expected node.param=value|value...');
  return problems.length ? { ok: false, problems } : { ok: true, axes };
}

/** Splits at `sep` where it is not escaped; the pieces keep their escapes. */
function splitEscaped(text: string, sep: string): { raw: string }[] {
  const parts: { raw: string }[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === sep) {
      parts.push({ raw: text.slice(start, i) });
      start = i + 1;
    }
  }
  parts.push({ raw: text.slice(start) });
  return parts;
}

const unescape = (text: string) => text.replace(/\\([\\;|])/g, '$1');
