import type { SocketType } from '../../runtime/values/types';

/** Colors shared by sockets, wires, node headers and the minimap: one hue per socket type. */
export const SOCKET_COLORS: Record<SocketType, string> = {
  Model: '#b48ead',
  Embedding: '#e6b450',
  Seeds: '#7fd962',
  Latent: '#f07178',
  Image: '#59c2ff',
  Score: '#d2a6ff',
  Number: '#95e6cb',
};

export function socketColor(types: readonly string[]): string {
  return SOCKET_COLORS[types[0] as SocketType] ?? '#8a919b';
}

export const CATEGORY_COLORS: Record<string, string> = {
  Model: '#7a5c8f',
  Embedding: '#9a7a2e',
  Image: '#2f6f99',
  Seeds: '#4c8a3a',
  Measure: '#7a5aa8',
  Zone: '#a34d58',
  Output: '#2f7f77',
  Utility: '#4a5160',
};

export function categoryColor(category: string): string {
  return CATEGORY_COLORS[category] ?? '#4a5160';
}
