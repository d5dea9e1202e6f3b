import { describe, expect, it } from 'vitest';
import { SeedSet } from '../../nodes/SeedSet';
import { withDefaults } from '../../runtime/node-api/params';
import type { RunContext } from '../../runtime/node-api/node';
import type { SeedsValue } from '../../runtime/values/types';

const ctx = (step?: number) =>
  ({ nodeId: 's', signal: new AbortController().signal, progress() {}, preview() {}, services: {}, ...(step !== undefined ? { step } : {}) }) as RunContext;
const seedsOf = async (params: Record<string, unknown>, stepInput?: number, ctxStep?: number) => {
  const inputs = stepInput === undefined ? {} : { step: { kind: 'Number' as const, values: [stepInput] } };
  const out = await SeedSet.run(ctx(ctxStep), inputs, withDefaults(SeedSet.params, params));
  return (out.seeds as SeedsValue).seeds;
};

describe('SeedSet', () => {
  it('gives a fixed list', async () => {
    expect(await seedsOf({ seeds: [1332, 7] })).toEqual([1332, 7]);
    expect(await seedsOf({})).toEqual([0]);
  });

  it('gives a range', async () => {
    expect(await seedsOf({ mode: 'range', start: 10, count: 3 })).toEqual([10, 11, 12]);
    await expect(seedsOf({ mode: 'range', start: 2 ** 32 - 2, count: 3 })).rejects.toThrow(/past the largest seed/);
  });

  it('draws N random seeds reproducibly from randomSeed', async () => {
    const a = await seedsOf({ mode: 'random', count: 5, randomSeed: 42 });
    expect(a).toHaveLength(5);
    expect(new Set(a).size).toBe(5);
    expect(a.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32)).toBe(true);
    expect(await seedsOf({ mode: 'random', count: 5, randomSeed: 42 })).toEqual(a);
    expect(await seedsOf({ mode: 'random', count: 5, randomSeed: 43 })).not.toEqual(a);
  });

  it('schedules new seeds per step, from the input or the enclosing zone step', async () => {
    const p = { mode: 'schedule', count: 3, randomSeed: 1 };
    const s0 = await seedsOf(p, 0);
    const s1 = await seedsOf(p, 1);
    expect(s0).not.toEqual(s1);
    expect(await seedsOf(p, 1)).toEqual(s1);
    expect(await seedsOf(p, undefined, 1)).toEqual(s1);
    expect(await seedsOf(p)).toEqual(s0);
    expect(s0).not.toEqual(await seedsOf({ ...p, mode: 'random' }));
    await expect(seedsOf(p, 1.5)).rejects.toThrow(/whole number/);
  });
});
