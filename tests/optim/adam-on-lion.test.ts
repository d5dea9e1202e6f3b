import { describe, expect, it } from 'vitest';
import { AdamOnLion } from '../../runtime/optim';

// Hand-computed from the docs/methods.md#optimizer formula (betas 0.9/0.999, eps 1e-3, lr 0.01):
// step 1: m_hat = g, v_hat = g^2, so ||m_hat/(sqrt(v_hat)+eps)|| = ||(0.5/0.501, 1/1.001, 0)||,
//         d = sign(0.1 g) = (1, -1, 0), ||d|| = sqrt(2).
// step 2: m_lion = 0.01 g1; d = sign(0.9 m_lion + 0.1 g2) = (-1, -1, 1), ||d|| = sqrt(3).
const STEP1 = [0.9900149738005231, 2.0099850261994767, 3.0];
const STEP2 = [0.997465652243677, 2.017435704642631, 2.992549321556846];

describe('AdamOnLion', () => {
  it('matches the first two steps computed by hand', () => {
    const p = new Float32Array([1, 2, 3]);
    const opt = new AdamOnLion({ lr: 0.01 });
    opt.step([p], [new Float32Array([0.5, -1, 0])]);
    STEP1.forEach((v, i) => expect(p[i]).toBeCloseTo(v, 6));
    opt.step([p], [new Float32Array([-0.2, -1, 0.3])]);
    STEP2.forEach((v, i) => expect(p[i]).toBeCloseTo(v, 6));
  });

  it('moves every coordinate by the same amount: the direction is a sign', () => {
    const p = new Float32Array(4);
    new AdamOnLion().step([p], [new Float32Array([1e-6, 5, -3, 100])]);
    const size = Math.abs(p[0]);
    expect(size).toBeGreaterThan(0);
    for (const v of p) expect(Math.abs(v)).toBeCloseTo(size, 7);
    expect(Math.sign(p[3])).toBe(-1);
  });

  it('keeps norms per group: a second group does not change the first one\'s step', () => {
    const alone = new Float32Array([1, 2]);
    new AdamOnLion().step([alone], [new Float32Array([0.3, -0.1])]);
    const a = new Float32Array([1, 2]);
    const b = new Float32Array(100).fill(1);
    new AdamOnLion().step([a, b], [new Float32Array([0.3, -0.1]), new Float32Array(100).fill(7)]);
    expect([...a]).toEqual([...alone]);
  });

  it('does nothing (and makes no NaN) for a zero gradient', () => {
    const p = new Float32Array([1, -1]);
    new AdamOnLion().step([p], [new Float32Array(2)]);
    expect([...p]).toEqual([1, -1]);
  });

  it('reset forgets the moments: the next step is a first step again', () => {
    const fresh = new Float32Array([1, 2, 3]);
    new AdamOnLion().step([fresh], [new Float32Array([0.5, -1, 0])]);
    const p = new Float32Array([1, 2, 3]);
    const opt = new AdamOnLion();
    opt.step([new Float32Array(3)], [new Float32Array([9, 9, 9])]);
    opt.reset();
    opt.step([p], [new Float32Array([0.5, -1, 0])]);
    expect([...p]).toEqual([...fresh]);
  });

  it('rejects a gradient of the wrong length', () => {
    expect(() => new AdamOnLion().step([new Float32Array(2)], [new Float32Array(3)])).toThrow(/group 0/);
  });
});
