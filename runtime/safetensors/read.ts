import { quote } from '../messages';
import { DTYPE_BYTES, MAX_HEADER_BYTES, METADATA_KEY, elementCount, type SafeDType, type SafeTensor, type SafeTensorsFile } from './format';

function fail(why: string): never {
  throw new Error(`not a valid .safetensors file: ${why}`);
}

/** Parses a whole file, checking what the format promises (sizes, bounds, no overlaps). */
export function readSafetensors(bytes: Uint8Array): SafeTensorsFile {
  if (bytes.length < 8) fail('shorter than its 8-byte header size');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > MAX_HEADER_BYTES || 8 + n > bytes.length) fail(`header size ${n} exceeds the file (${bytes.length} bytes)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    fail(`header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const data = bytes.subarray(8 + n);
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, SafeTensor>();
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail(`"${METADATA_KEY}" is not an object of strings`);
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`metadata ${quote(k)} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail(`tensor ${quote(name)} is not an object {dtype, shape, data_offsets}`);
    const t = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    // own keys only: a dtype named "constructor" is not a dtype
    if (typeof t.dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, t.dtype)) fail(`tensor ${quote(name)} has unsupported dtype ${quote(String(t.dtype))}`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor ${quote(name)} has a bad shape`);
    const off = t.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o))) fail(`tensor ${quote(name)} has bad data_offsets`);
    const [begin, end] = off as [number, number];
    const dtype = t.dtype as SafeDType;
    const shape = t.shape as number[];
    if (begin > end || end > data.length) fail(`tensor ${quote(name)} lies outside the data (${begin}..${end} of ${data.length})`);
    if (end - begin !== elementCount(shape) * DTYPE_BYTES[dtype]) fail(`tensor ${quote(name)} has ${end - begin} bytes for shape [${shape}] ${dtype}`);
    spans.push([begin, end, name]);
    tensors.set(name, { dtype, shape, data: data.slice(begin, end) });
  }
  // The format forbids holes and overlaps: the spans must tile the data exactly.
  spans.sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== at) fail(`tensor ${quote(name)} starts at ${begin}, expected ${at} (hole or overlap)`);
    at = end;
  }
  if (at !== data.length) fail(`${data.length - at} trailing bytes after the last tensor`);
  return { tensors, metadata };
}
