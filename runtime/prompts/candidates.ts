import { slerpForward } from '../embeddings/slerp';
import { cosine } from './farthest-point';

export interface CandidateOptions {
  /** Target similarity of a candidate to the current embedding (paper: 0.72). */
  similarity?: number;
  /** How far each candidate is pulled toward the user's prompt (paper: 0.28). */
  promptPull?: number;
}

/** t such that slerp(a, b, t) lands near cosine `1 - amount` of a (first-order, clamped to [0, 1]). */
function tFor(amount: number, a: Float32Array, b: Float32Array): number {
  const gap = 1 - cosine(a, b);
  return gap <= 0 ? 0 : Math.min(1, Math.max(0, amount / gap));
}

function slerp1(a: Float32Array, b: Float32Array, t: number, tokens: number, dim: number): Float32Array {
  return Float32Array.from(slerpForward({ data: a, batch: 1, tokens, dim }, { data: b, batch: 1, tokens, dim }, [t]));
}

/**
 * One round's candidates (docs/methods.md#human-feedback): each random pick r is blended into the
 * current embedding so it stays about `similarity` similar to it, then pulled toward the
 * user's prompt B: c = slerp(cur, r, (1-s)/(1-cos(cur, r))); slerp(c, B, p/(1-cos(c, B))).
 * `cur`, each pick and each B are one embedding [tokens, dim].
 */
export function feedbackCandidate(
  cur: Float32Array, pick: Float32Array, prompt: Float32Array, tokens: number, dim: number, options: CandidateOptions = {},
): Float32Array {
  const s = options.similarity ?? 0.72;
  const p = options.promptPull ?? 0.28;
  const c = slerp1(cur, pick, tFor(1 - s, cur, pick), tokens, dim);
  return slerp1(c, prompt, tFor(p, c, prompt), tokens, dim);
}
