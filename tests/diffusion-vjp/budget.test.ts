// GradientStep's memoryBudget param as people write it, and what 'auto' resolves to per backend.
import { describe, expect, it } from 'vitest';
import { parseMemoryBudget } from '../../nodes/GradientStep';
import { resolveBudget } from '../../runtime/diffusion-vjp/budget';

describe('memoryBudget', () => {
  it('reads none, auto and byte counts, and names the node and param for anything else', () => {
    expect(parseMemoryBudget('none', 'opt')).toBeUndefined();
    expect(parseMemoryBudget('', 'opt')).toBeUndefined();
    expect(parseMemoryBudget(' Auto ', 'opt')).toBe('auto');
    expect(parseMemoryBudget('3GB', 'opt')).toBe(3e9);
    expect(parseMemoryBudget('512MiB', 'opt')).toBe(512 * 2 ** 20);
    expect(() => parseMemoryBudget('lots', 'opt')).toThrow(/^GradientStep "opt" param memoryBudget: "lots" is not a byte count/);
  });

  it("'auto' is the wasm heap less the weights on wasm, none on native; bytes stay bytes", async () => {
    const wasm = await resolveBudget('auto', { name: 'wasm' }, 2 ** 30);
    expect(wasm?.bytes).toBe(4 * 2 ** 30 - 2 ** 30 - 512 * 2 ** 20);
    expect(wasm?.why).toMatch(/wasm heap/);
    expect(await resolveBudget('auto', { name: 'native' }, 2 ** 30)).toBeUndefined();
    expect((await resolveBudget(3e9, { name: 'native' }, 0))?.bytes).toBe(3e9);
    expect(await resolveBudget(undefined, { name: 'wasm' }, 0)).toBeUndefined();
  });
});
