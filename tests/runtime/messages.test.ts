import { describe, expect, it } from 'vitest';
import { MAX_ECHO, MAX_LINE, cut, echo, oneLine, quote } from '../../runtime/messages';
import { UNSAFE_CHAR, lineFault } from './safe-line';

describe('messages', () => {
  it('escapes control, bidi and invisible characters and keeps one line', () => {
    const line = oneLine('red\u001b[31m\nnext\r\tline \u202eevil\u2066 \u200b\u2028end');
    expect(line).toBe('red\\u001b[31m\\nnext\\r\\tline \\u202eevil\\u2066 \\u200b\\u2028end');
    expect(line).not.toMatch(UNSAFE_CHAR);
  });

  it('escapes lone surrogates but keeps pairs (emoji) whole', () => {
    expect(oneLine('a\ud800b\udc00c 😀')).toBe('a\\ud800b\\udc00c 😀');
    expect(cut('ab😀cd', 4)).toBe('ab…');
    expect(lineFault(oneLine(`${'x'.repeat(10_000)}\ud83d\ude00`))).toBeUndefined();
    expect(lineFault(oneLine(`${'x'.repeat(398)}\ud83d\ude00`))).toBeUndefined();
  });

  it('is idempotent and bounded', () => {
    const once = oneLine(`${'\u001b'.repeat(5_000)}tail`);
    expect(oneLine(once)).toBe(once);
    expect(once.length).toBe(MAX_LINE);
    expect(once.endsWith('…')).toBe(true);
  });

  it('echoes values as short JSON, a million-item list included', () => {
    expect(echo('ten')).toBe('"ten"');
    expect(echo([1, 2, 3])).toBe('[1,2,3]');
    expect(echo({ a: 1 })).toBe('{"a":1}');
    const long = echo(Array.from({ length: 1_000_000 }, (_, i) => i));
    expect(long.length).toBeLessThanOrEqual(MAX_ECHO);
    expect(long.startsWith('[0,1,2,')).toBe(true);
    expect(echo('a\u001b[2Jb')).toBe('"a\\u001b[2Jb"');
  });

  it('quotes names: escaped, cut, inner quotes escaped', () => {
    expect(quote('gen')).toBe('"gen"');
    expect(quote('a"b')).toBe('"a\\"b"');
    expect(quote('\u202egen')).toBe('"\\u202egen"');
    expect(quote('n'.repeat(500)).length).toBeLessThanOrEqual(MAX_ECHO + 2);
  });
});
