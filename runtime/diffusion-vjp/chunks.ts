import type { HostTensor, Session } from '../ort/session';
import { nonFinite as describeNonFinite } from './non-finite';
import type { Tensor } from '../values/types';
import { concatRows, rowSize, sliceRows } from '../models/pipeline/tensor-util';

/**
 * Runs a session over batch-major feeds in chunks of `fixed` rows (a model with a fixed batch
 * dim), padding the last chunk with zero rows; returns the fetched outputs trimmed back.
 * Per-row gradient models are linear in their grad input, so zero padding adds nothing.
 */
export async function runRows(
  session: Session,
  feeds: Record<string, Tensor>,
  extra: (rows: number) => Record<string, { data: number[] | Float32Array; dims: number[] }>,
  fetches: string[],
  fixed: number | undefined,
  /** called with a chunk's feeds when a fetched output is not finite: the error to throw */
  nonFinite?: (feeds: Record<string, HostTensor>, output: string, what: string) => Promise<Error>,
): Promise<Record<string, Tensor>> {
  const rows = Object.values(feeds)[0].dims[0];
  const chunk = fixed ?? rows;
  const parts: Record<string, Tensor[]> = Object.fromEntries(fetches.map((f) => [f, []]));
  for (let start = 0; start < rows; start += chunk) {
    const end = Math.min(rows, start + chunk);
    const chunkFeeds: Record<string, Tensor | { data: number[] | Float32Array; dims: number[] }> = { ...extra(chunk) };
    for (const [name, t] of Object.entries(feeds)) {
      let x = sliceRows(t, start, end);
      if (end - start < chunk) x = concatRows([x, { dims: [chunk - (end - start), ...t.dims.slice(1)], data: new Float32Array((chunk - (end - start)) * rowSize(t)) }]);
      chunkFeeds[name] = x;
    }
    const out = await session.run(chunkFeeds, fetches);
    for (const f of nonFinite ? fetches : []) {
      const what = describeNonFinite(out[f].data);
      if (what) throw await nonFinite!(chunkFeeds, f, what);
    }
    for (const f of fetches) parts[f].push(sliceRows(out[f], 0, end - start));
  }
  return Object.fromEntries(fetches.map((f) => [f, concatRows(parts[f])]));
}

export function addInto(into: Float32Array, from: ArrayLike<number>, factor = 1, offset = 0): void {
  for (let i = 0; i < into.length; i++) into[i] += factor * from[offset + i];
}
