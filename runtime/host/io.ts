import type { RuntimeServices } from '../node-api/node';
import type { RuntimeEvent } from '../api/protocol';

/**
 * What every host gives nodes. Model-backed nodes add their own services (model loader,
 * session pool) through the `extra` argument of nodeServices()/browserServices().
 */
export interface HostServices extends RuntimeServices {
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
  saveBytes?(name: string, bytes: Uint8Array, mime?: string, nodeId?: string): Promise<string>;
  /** Host events for the run in progress (the browser's `file` events); the Runtime subscribes per run. */
  onEvent?(listener: (event: RuntimeEvent) => void): () => void;
}

export const BUILTIN_PREFIX = 'builtin:';

/** The host services from a node's context, or a clear error when a host forgot them. */
export function hostServices(services: RuntimeServices): HostServices {
  if (typeof services.readBytes !== 'function') throw new Error('this runtime has no host services (readBytes)');
  return services as HostServices;
}

/** Fetches bytes with a clear error on HTTP failures. */
export async function fetchBytes(url: string | URL, signal?: AbortSignal): Promise<Uint8Array> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
