import type { RuntimeEvent } from '../events';

/** Host IO: what every host (Node, the browser's worker) gives nodes for bytes in and out. */
export interface HostIO {
  host: 'node' | 'browser';
  /**
   * Bytes of an asset: `builtin:<path>` (the shipped models/ folder, e.g.
   * `builtin:tiny/unet/model.onnx`), an http(s) URL, or (Node only) a local path.
   */
  readBytes(location: string, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * Writes a file a graph produces (SaveEmbedding); returns where it went. `nodeId` is the
   * node saving it (the browser host hands the file to the editor as a `file` event for it).
   * Hosts without files omit it.
   */
  saveBytes?(this: { outDir?: string }, name: string, bytes: Uint8Array, mime?: string, nodeId?: string): Promise<string>;
  /** Host events for the run in progress (the browser's `file` events); the Runtime subscribes per run. */
  onEvent?(listener: (event: RuntimeEvent) => void): () => void;
}

export const BUILTIN_PREFIX = 'builtin:';

/** Fetches bytes with a clear error on HTTP failures. */
export async function fetchBytes(url: string | URL, signal?: AbortSignal): Promise<Uint8Array> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
