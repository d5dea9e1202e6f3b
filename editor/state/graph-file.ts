import { decode, encode, hasPngSignature } from 'fast-png';
import { GraphDocument } from '../../runtime/graph/document';
import type { Problem } from '../../runtime/events';
import { serialize } from './document-ops';

/** Reading graphs from JSON files and from PNGs that carry one; writing PNGs with the graph inside. */

export const PNG_KEYWORD = 'embedding-studio/graph';

export type ParsedFile = { ok: true; doc: GraphDocument } | { ok: false; problems: Problem[] };

/** tEXt is latin-1: escape everything past ASCII so any prompt survives (the result is still JSON). */
function asciiJson(text: string): string {
  return text.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** The structural check done in the editor; the runtime's validate() adds types, ports and params. */
export function parseDocument(data: unknown): ParsedFile {
  const parsed = GraphDocument.safeParse(data);
  if (parsed.success) return { ok: true, doc: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => ({
      message: `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`,
    })),
  };
}

const failed = (message: string): ParsedFile => ({ ok: false, problems: [{ message }] });

/** `notJson` words the failure for where the text came from (a file, a PNG's chunk). */
export function parseGraphText(text: string, notJson = 'not a JSON file'): ParsedFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return failed(`${notJson}: ${(e as Error).message}`);
  }
  return parseDocument(data);
}

export function graphFromPng(bytes: Uint8Array): ParsedFile {
  let text: string | undefined;
  try {
    text = decode(bytes).text?.[PNG_KEYWORD];
  } catch (e) {
    return failed(`this PNG is damaged and cannot be read (${(e as Error).message})`);
  }
  if (text === undefined) return failed(`this PNG carries no graph (no "${PNG_KEYWORD}" text chunk)`);
  return parseGraphText(text, 'the graph stored in this PNG is damaged');
}

/** "PNG" after the first byte: a PNG whose signature got damaged (a bad download or copy). */
const damagedPng = (bytes: Uint8Array) => bytes.length >= 8 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;

/** Text files hold no NUL bytes and decode as UTF-8 (a graph is JSON text). */
function isText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** A dropped or opened file: a graph's JSON, or a PNG exported with one. Failures speak of the file, not of its parsing. */
export function parseGraphFile(bytes: Uint8Array): ParsedFile {
  if (hasPngSignature(bytes)) return graphFromPng(bytes);
  if (damagedPng(bytes)) return failed('this PNG is damaged (its signature is wrong), so the graph in it cannot be read');
  if (!isText(bytes)) return failed('this file is not a graph: open a graph .json file, or a PNG exported from Embedding Studio');
  return parseGraphText(new TextDecoder().decode(bytes));
}

/** Re-encodes a preview PNG with the graph document embedded in a tEXt chunk. */
export function pngWithGraph(png: Uint8Array, doc: GraphDocument): Uint8Array {
  const image = decode(png);
  return encode({
    width: image.width,
    height: image.height,
    data: image.data,
    depth: image.depth,
    channels: image.channels,
    palette: image.palette,
    transparency: image.transparency,
    text: { ...image.text, [PNG_KEYWORD]: asciiJson(serialize(doc)) },
  });
}
