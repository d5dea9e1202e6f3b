// GradientStep's memoryBudget param as people write it, and what 'auto' resolves to per backend.
import { describe, expect, it } from 'vitest';
import { GradientStep, parseMemoryBudget } from '../../nodes/GradientStep';
import { resolveBudget } from '../../runtime/diffusion-vjp/budget';
import { defineNode, type RunContext } from '../../runtime/node-api/node';
import type { EmbeddingValue } from '../../runtime/values/types';
import { edge, registry, runDoc } from '../zones/test-nodes';

/** loss = sum(a^2); its vjp shows what the zone handed it and says a status line. */
const seen: RunContext['gradient'][] = [];
const Probe = defineNode({
  type: 'Probe', version: 1, category: 'Measure', doc: 'test',
  inputs: { a: { type: 'Embedding', doc: '' } }, outputs: { score: { type: 'Score', doc: '' } }, params: {},
  async run(_c, i) {
    const a = (i.a as EmbeddingValue).tensor.data;
    return { score: { kind: 'Score', values: Float32Array.of(a.reduce((s, v) => s + v * v, 0)), goal: 'minimize' } };
  },
  async vjp(ctx, i, _p, _o, g) {
    seen.push(ctx.gradient);
    ctx.gradient?.status?.(`planned for ${String(ctx.gradient.memoryBudget)}`);
    const a = (i.a as EmbeddingValue).tensor;
    return { a: { dims: a.dims, data: a.data.map((v) => 2 * v * g.score!.data[0]) } };
  },
});

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

describe('memoryBudget through a zone', () => {
  it("reaches the body's vjp, and its status line comes out as GradientStep's progress message", async () => {
    seen.length = 0;
    const nodes = [{ id: 'p', type: 'Const' }, { id: 'opt', type: 'GradientStep', params: { iterations: 2, memoryBudget: '3GB' } }, { id: 'loss', type: 'Probe' }];
    const edges = [edge('p.embedding', 'opt.init'), edge('opt.current', 'loss.a'), edge('loss.score', 'opt.loss')];
    const { summary, events } = await runDoc(registry(GradientStep, Probe), nodes, edges);
    expect(summary.status).toBe('ok');
    expect(seen.map((g) => g?.memoryBudget)).toEqual([3e9, 3e9]);
    const messages = events.flatMap((e) => (e.type === 'node-progress' && e.message ? [[e.nodeId, e.value, e.message]] : []));
    expect(messages).toEqual([['opt', 1, 'planned for 3000000000'], ['opt', 2, 'planned for 3000000000']]);
  });

  it('a bad memoryBudget fails the run with one line naming the node and param', async () => {
    const nodes = [{ id: 'p', type: 'Const' }, { id: 'opt', type: 'GradientStep', params: { iterations: 1, memoryBudget: 'big' } }, { id: 'loss', type: 'Probe' }];
    const edges = [edge('p.embedding', 'opt.init'), edge('opt.current', 'loss.a'), edge('loss.score', 'opt.loss')];
    const { summary } = await runDoc(registry(GradientStep, Probe), nodes, edges);
    expect(summary.status).toBe('error');
    expect(summary.nodes.opt.error).toMatch(/GradientStep "opt" param memoryBudget: "big" is not a byte count/);
  });
});
