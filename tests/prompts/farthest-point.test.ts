import { describe, expect, it } from 'vitest';
import { farthestPoints, feedbackCandidate, spreadEmbeddings, cosine } from '../../runtime/prompts';

describe('farthest-point selection', () => {
  it('picks the spread-out points on a line: both ends, then the middle', () => {
    const xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const d = (i: number, j: number) => Math.abs(xs[i] - xs[j]);
    expect(farthestPoints(xs.length, 3, d)).toEqual([0, 10, 5]);
    expect(farthestPoints(xs.length, 5, d, 5)).toEqual([5, 0, 10, 2, 7]);
  });

  it('takes one point of each cluster before a second of any', () => {
    // Three tight clusters of 1-D points; indexes interleaved so order cannot help.
    const xs = [0, 100, 200, 0.1, 100.1, 200.1, 0.2, 100.2, 200.2];
    const picks = farthestPoints(xs.length, 3, (i, j) => Math.abs(xs[i] - xs[j]));
    expect(new Set(picks.map((i) => Math.round(xs[i] / 100))).size).toBe(3);
  });

  it('spreads embeddings by 1 - cosine of the chosen row only', () => {
    // 4 embeddings [2 tokens, 2 dims]; row 1 points along x, x, y, -x; row 0 is noise to ignore.
    const data = new Float32Array([9, 1, 1, 0, 0, 5, 2, 0, 3, 3, 0, 1, 7, 7, -1, 0]);
    expect(spreadEmbeddings(data, [4, 2, 2], 2, 1)).toEqual([0, 3]);
    expect(spreadEmbeddings(data, [4, 2, 2], 3, 1)).toEqual([0, 3, 2]);
  });
});

describe('feedback candidates', () => {
  const tokens = 4, dim = 32;
  const rand = (s: number) => Float32Array.from({ length: tokens * dim }, (_, i) => Math.sin(s * 97 + i * 1.7) + (i % dim === 0 ? 3 : 0));
  const cur = rand(1), pick = rand(2), prompt = rand(3);

  it('move from the current embedding toward the pick, further for a lower target similarity', () => {
    const near = feedbackCandidate(cur, pick, prompt, tokens, dim, { promptPull: 0, similarity: 0.9 });
    const far = feedbackCandidate(cur, pick, prompt, tokens, dim, { promptPull: 0 });
    expect(cosine(cur, far)).toBeLessThan(cosine(cur, near));
    expect(cosine(cur, near)).toBeLessThan(1);
    expect(cosine(far, pick)).toBeGreaterThan(cosine(cur, pick));
  });

  it('take the pick itself when it is already closer than the target similarity (t clamps to 1)', () => {
    const close = cur.map((v, i) => v + 0.01 * Math.cos(i));
    const c = feedbackCandidate(cur, close, prompt, tokens, dim, { promptPull: 0 });
    // Row 0 (BOS) always stays the current one.
    c.forEach((v, i) => expect(v).toBeCloseTo(i < dim ? cur[i] : close[i], 5));
  });

  it('are pulled toward the user prompt and never NaN', () => {
    const noPull = feedbackCandidate(cur, pick, prompt, tokens, dim, { promptPull: 0 });
    const pulled = feedbackCandidate(cur, pick, prompt, tokens, dim);
    expect(cosine(pulled, prompt)).toBeGreaterThan(cosine(noPull, prompt));
    expect([...feedbackCandidate(cur, cur, cur, tokens, dim)].every(Number.isFinite)).toBe(true);
  });
});
