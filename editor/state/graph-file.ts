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

export function parseGraphText(text: string): ParsedFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [{ message: `not a JSON file: ${(e as Error).message}` }] };
  }
  return parseDocument(data);
}

export function graphFromPng(bytes: Uint8Array): ParsedFile {
  let text: string | undefined;
  try {
    text = decode(bytes).text?.[PNG_KEYWORD];
  } catch (e) {
    return { ok: false, problems: [{ message: `unreadable PNG: ${(e as Error).message}` }] };
  }
  if (text === undefined) return { ok: false, problems: [{ message: `this PNG carries no graph (no "${PNG_KEYWORD}" text chunk)` }] };
  return parseGraphText(text);
}

export function parseGraphFile(bytes: Uint8Array): ParsedFile {
  if (hasPngSignature(bytes)) return graphFromPng(bytes);
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
