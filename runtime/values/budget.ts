/**
 * How much one node may produce. Sizes come from documents and inputs that someone else
 * chose (a million seeds, ten thousand t values), so a node that would allocate past these
 * refuses before it starts, with the numbers, instead of a raw RangeError long after.
 */

/** The most items in one batch a node produces (embeddings, images, seeds, prompts). */
export const MAX_BATCH = 4096;
/** The most memory one node's values may take. */
export const MEMORY_LIMIT_BYTES = 4 * 1024 ** 3;

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** 10_630_000_000 -> "9.9 GB" (binary units, two significant digits at most). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 || value >= 10 ? Math.round(value).toString() : (Math.round(value * 10) / 10).toString();
  return `${shown} ${UNITS[unit]}`;
}

/** 1000000 -> "1,000,000". */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

/**
 * Refuses a batch of `count` `items` (e.g. "images") that is larger than MAX_BATCH or needs
 * more than the memory limit. `why` explains the count ("1,000 embeddings x 1,000 seeds").
 */
export function checkBatch(count: number, items: string, bytes: number, why?: string): void {
  const detail = why ? ` (${why})` : '';
  if (count > MAX_BATCH) {
    throw new Error(`a batch of ${formatCount(count)} ${items}${detail} is more than the limit of ${formatCount(MAX_BATCH)}`);
  }
  if (bytes > MEMORY_LIMIT_BYTES) {
    throw new Error(`a batch of ${formatCount(count)} ${items}${detail} needs ${formatBytes(bytes)}, more than the limit of ${formatBytes(MEMORY_LIMIT_BYTES)}`);
  }
}
