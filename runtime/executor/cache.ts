import type { Outputs } from '../node-api/node';
import type { Value } from '../values/types';

export interface CacheLimits {
  /** Most results kept (one result = one node's outputs). */
  maxEntries: number;
  /** Most tensor bytes kept; models count as zero (their memory is owned by their loader). */
  maxBytes: number;
}

export const DEFAULT_CACHE_LIMITS: CacheLimits = { maxEntries: 4096, maxBytes: 512 * 1024 * 1024 };

function valueBytes(value: Value): number {
  switch (value.kind) {
    case 'Embedding':
    case 'Latent':
    case 'Image':
      return value.tensor.data.byteLength;
    case 'Seeds':
      return value.seeds.length * 8 + (value.noise?.data.byteLength ?? 0);
    case 'Score':
      return value.values.byteLength;
    case 'Number':
      return value.values.length * 8;
    case 'Model':
      return 0;
  }
}

export function outputsBytes(outputs: Outputs): number {
  let total = 0;
  for (const value of Object.values(outputs)) total += valueBytes(value);
  return total;
}

/** Node results by cache key, least recently used evicted first (Map keeps insertion order). */
export class ResultCache {
  private readonly entries = new Map<string, { outputs: Outputs; bytes: number }>();
  private totalBytes = 0;
  readonly limits: CacheLimits;

  constructor(limits: Partial<CacheLimits> = {}) {
    this.limits = { ...DEFAULT_CACHE_LIMITS, ...limits };
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): Outputs | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.outputs;
  }

  set(key: string, outputs: Outputs): void {
    const bytes = outputsBytes(outputs);
    if (bytes > this.limits.maxBytes) return; // would evict everything and still not fit
    this.delete(key);
    this.entries.set(key, { outputs, bytes });
    this.totalBytes += bytes;
    while (this.entries.size > this.limits.maxEntries || this.totalBytes > this.limits.maxBytes) {
      this.delete(this.entries.keys().next().value!);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }
}
