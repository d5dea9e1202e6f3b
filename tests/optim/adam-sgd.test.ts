import { describe, expect, it } from 'vitest';
import { Adam, Sgd, createOptimizer } from '../../runtime/optim';

describe('Adam', () => {
  it('takes a first step of size lr in the direction of -sign(g) (bias correction)', () => {
    const p = new Float32Array([0, 0]);
    new Adam({ lr: 0.1 }).step([p], [new Float32Array([3, -0.5])]);
    expect(p[0]).toBeCloseTo(-0.1, 6);
    expect(p[1]).toBeCloseTo(0.1, 6);
  });

  it('second step matches the formula computed by hand', () => {
    // g1 = 1, g2 = -1: m = 0.09 - 0.1 = -0.01, m_hat = -0.01/0.19; v = 0.000999 + 0.001, v_hat = 1.
    const p = new Float32Array([0]);
    const opt = new Adam({ lr: 0.1, eps: 0 });
    opt.step([p], [new Float32Array([1])]);
    opt.step([p], [new Float32Array([-1])]);
    expect(p[0]).toBeCloseTo(-0.1 + (0.1 * 0.01) / 0.19, 6);
  });
});

describe('SGD', () => {
  it('steps by -lr*g, with PyTorch-style momentum', () => {
    const p = new Float32Array([1]);
    const opt = new Sgd({ lr: 0.5, momentum: 0.9 });
    opt.step([p], [new Float32Array([2])]); // buf = 2
    expect(p[0]).toBeCloseTo(0, 6);
    opt.step([p], [new Float32Array([2])]); // buf = 0.9*2 + 2 = 3.8
    expect(p[0]).toBeCloseTo(-1.9, 6);
  });
});

describe('createOptimizer', () => {
  it('makes each named optimizer, all of which descend a quadratic', () => {
    for (const name of ['adam-on-lion', 'adam', 'sgd'] as const) {
      const opt = createOptimizer(name, 0.05);
      expect(opt.name).toBe(name);
      const p = new Float32Array([2, -3]);
      for (let i = 0; i < 200; i++) opt.step([p], [new Float32Array([2 * p[0], 2 * p[1]])]);
      expect(Math.hypot(p[0], p[1])).toBeLessThan(0.5);
    }
  });
});
