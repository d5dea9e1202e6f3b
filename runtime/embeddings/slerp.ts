/** SLERP between embedding rows, forward and backward: shared by the Slerp and Pick nodes and candidate prompts. */
/** Below this sin(w) the two rows are (anti)parallel and SLERP falls back to lerp (docs/methods.md#slerp). */
export const SIN_EPSILON = 1e-4;

/** A batch of token rows [batch, tokens, dim] read as plain numbers (float32 or float64). */
export interface Rows {
  data: ArrayLike<number>;
  batch: number;
  tokens: number;
  dim: number;
}

/** Batch rule: a, b and t each have size 1 or N; the output has N items (docs/design.md#socket-types). */
export function pairedBatch(aBatch: number, bBatch: number, tCount: number): number {
  const n = Math.max(aBatch, bBatch, tCount);
  if ([aBatch, bBatch, tCount].some((size) => size !== 1 && size !== n)) {
    throw new Error(`batch sizes do not pair up: a has ${aBatch}, b has ${bBatch}, t has ${tCount} values (each must be 1 or the same N)`);
  }
  return n;
}

/** Per-row coefficients: out = wa*a + wb*b; `w`/`s` are absent on the lerp fallback. */
interface RowWeights {
  wa: number;
  wb: number;
  c: number;
  w?: number;
  s?: number;
  na: number;
  nb: number;
}

function rowWeights(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, dim: number, t: number): RowWeights {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < dim; i++) {
    const x = a[ao + i];
    const y = b[bo + i];
    dot += x * y;
    aa += x * x;
    bb += y * y;
  }
  const na = Math.sqrt(aa);
  const nb = Math.sqrt(bb);
  const lerp = { wa: 1 - t, wb: t, c: 1, na, nb };
  // A zero row has no direction: lerp is the only meaningful blend.
  if (na === 0 || nb === 0) return lerp;
  const c = Math.min(1, Math.max(-1, dot / (na * nb)));
  const w = Math.acos(c);
  const s = Math.sin(w);
  if (s < SIN_EPSILON) return { ...lerp, c };
  return { wa: Math.sin((1 - t) * w) / s, wb: Math.sin(t * w) / s, c, w, s, na, nb };
}

/** Visits every output row with the offsets of its a row, b row and t; row 0 (BOS) is reported separately. */
function forEachRow(a: Rows, b: Rows, ts: readonly number[], visit: (ao: number, bo: number, oo: number, t: number, bos: boolean) => void): number {
  if (a.tokens !== b.tokens || a.dim !== b.dim) {
    throw new Error(`a is ${a.tokens}x${a.dim} but b is ${b.tokens}x${b.dim}: embeddings must have the same shape`);
  }
  const n = pairedBatch(a.batch, b.batch, ts.length);
  const { tokens, dim } = a;
  for (let item = 0; item < n; item++) {
    const t = ts[ts.length === 1 ? 0 : item];
    const aItem = (a.batch === 1 ? 0 : item) * tokens * dim;
    const bItem = (b.batch === 1 ? 0 : item) * tokens * dim;
    for (let row = 0; row < tokens; row++) visit(aItem + row * dim, bItem + row * dim, (item * tokens + row) * dim, t, row === 0);
  }
  return n;
}

/** SLERP per token row of unnormalized vectors (docs/methods.md#slerp); returns [N, tokens, dim]. */
export function slerpForward(a: Rows, b: Rows, ts: readonly number[]): Float64Array {
  const out = new Float64Array(pairedBatch(a.batch, b.batch, ts.length) * a.tokens * a.dim);
  forEachRow(a, b, ts, (ao, bo, oo, t, bos) => {
    const { wa, wb } = bos ? { wa: 1, wb: 0 } : rowWeights(a.data, ao, b.data, bo, a.dim, t);
    for (let i = 0; i < a.dim; i++) out[oo + i] = wa * a.data[ao + i] + wb * b.data[bo + i];
  });
  return out;
}

/** d(loss)/d(a) and d(loss)/d(b) given d(loss)/d(out); broadcast inputs sum their gradients. */
export function slerpBackward(a: Rows, b: Rows, ts: readonly number[], g: ArrayLike<number>): { ga: Float64Array; gb: Float64Array } {
  const ga = new Float64Array(a.batch * a.tokens * a.dim);
  const gb = new Float64Array(b.batch * b.tokens * b.dim);
  const dim = a.dim;
  forEachRow(a, b, ts, (ao, bo, oo, t, bos) => {
    if (bos) {
      for (let i = 0; i < dim; i++) ga[ao + i] += g[oo + i];
      return;
    }
    const r = rowWeights(a.data, ao, b.data, bo, dim, t);
    let gDotA = 0;
    let gDotB = 0;
    for (let i = 0; i < dim; i++) {
      ga[ao + i] += r.wa * g[oo + i];
      gb[bo + i] += r.wb * g[oo + i];
      gDotA += g[oo + i] * a.data[ao + i];
      gDotB += g[oo + i] * b.data[bo + i];
    }
    if (r.w === undefined || r.s === undefined) return; // lerp: weights do not depend on a or b
    const { w, s, c, na, nb } = r;
    const dwa = ((1 - t) * Math.cos((1 - t) * w) * s - Math.sin((1 - t) * w) * c) / (s * s);
    const dwb = (t * Math.cos(t * w) * s - Math.sin(t * w) * c) / (s * s);
    // dw/dc = -1/sin(w); c = a.b / (|a| |b|).
    const dLdc = -(gDotA * dwa + gDotB * dwb) / s;
    for (let i = 0; i < dim; i++) {
      const x = a.data[ao + i];
      const y = b.data[bo + i];
      ga[ao + i] += dLdc * (y / (na * nb) - (c * x) / (na * na));
      gb[bo + i] += dLdc * (x / (na * nb) - (c * y) / (nb * nb));
    }
  });
  return { ga, gb };
}

