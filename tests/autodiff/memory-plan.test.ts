// The static memory plan: exact on a model whose peak is worked out by hand, and close to what
// onnxruntime really allocates for the built-in UNet's gradient model.
//
// Measured (onnxruntime-node 1.30, CPU, arena off, glibc's mmap threshold pinned at 64 KiB so
// freed buffers leave the process; tests/autodiff/measure-peak.mjs): the plan puts the UNet
// gradient at batch 8 / 32 / 64 at 16.3 / 65.0 / 130.1 MB; one run's peak RSS grows by
// 18.4 / 85.4 / 170.7 MB with graph optimizations off (21.0 / 85.7 / 170.8 MB with them on),
// i.e. measured = 1.13-1.32 x planned. The forward model alone measures 0.88 x its plan. The
// remainder is what the plan leaves out: kernels' scratch buffers, allocator rounding and small
// tensors kept on the heap. The node order the plan assumes is onnxruntime's own: its profile
// of the batch-64 run lists the same 1421 nodes in the same order, with the same output sizes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../runtime/onnx/index';
import { buildVjpModel } from '../../runtime/autodiff/index';
import { planMemory } from '../../runtime/autodiff/memory-plan';

const ROOT = resolve(import.meta.dirname, '../..');
const UNET = join(ROOT, 'models/tiny/unet/model.onnx');
const i64 = (b: GraphBuilder, v: number[]) => b.initializer(`s${v.join('_')}`, new BigInt64Array(v.map(BigInt)), [v.length]);

/** x -> k0 = Sin(x), k1 = Exp(k0), ... k7; then s = k0 + k1 + ... + k7 (left to right). */
function chain(n: number): Uint8Array {
  const b = new GraphBuilder({ opset: 17 });
  let h = b.input('x', 'float32', [n]);
  const ks: string[] = [];
  for (let i = 0; i < 8; i++) ks.push((h = b.op(i % 2 ? 'Exp' : 'Sin', [h])));
  b.output(ks.slice(1).reduce((s, k) => b.op('Add', [s, k]), ks[0]), 'float32', [n]);
  return b.toBytes();
}

function measure(model: Uint8Array, feeds: Record<string, { dtype: string; dims: number[] }>): number {
  const dir = mkdtempSync(join(tmpdir(), 'plan-'));
  writeFileSync(join(dir, 'm.onnx'), model);
  writeFileSync(join(dir, 'feeds.json'), JSON.stringify({ feeds }));
  const out = execFileSync('node', ['--expose-gc', join(ROOT, 'tests/autodiff/measure-peak.mjs'), join(dir, 'm.onnx'), UNET, join(dir, 'feeds.json')], {
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '65536' },
  });
  return (JSON.parse(out.toString().trim().split('\n').pop()!) as { peakBytes: number }).peakBytes;
}

describe('memory plan', () => {
  it('is exact on a hand-worked model: aliases share a buffer, weights are counted apart', () => {
    // x (4000 B) -> a = Sin(x) -> b = Exp(a) -> r = Reshape(b) -> c = a * Reshape(r) -> y = -c
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', 'float32', [1000]);
    const a = b.op('Sin', [x]);
    const r = b.op('Reshape', [b.op('Exp', [a]), i64(b, [10, 100])]);
    const c = b.op('Mul', [a, b.op('Reshape', [r, i64(b, [1000])])]);
    b.output(b.op('Neg', [c]), 'float32', [1000]);
    const p = planMemory(b.toBytes(), {});
    // at the Mul: a, b (r and its Reshape are b's buffer) and c; x died at the Sin
    expect(p.peakBytes).toBe(12000);
    expect(p.peakNode).toMatch(/^Mul/);
    expect(p.weightBytes).toBe(24); // the two int64 shapes
    expect(p.largest.bytes).toBe(4000);
    expect(p.top.map((t) => t.op).sort()).toEqual(['Exp', 'Mul', 'Sin']);
    expect(p.unsized).toEqual([]);
  });

  it("follows onnxruntime's node order, which interleaves the chain's sums", () => {
    // file order: all eight k alive when the sums start (8 + 1 buffers); onnxruntime's order
    // sums as soon as it can: k_i, the running sum and the next k (3 buffers)
    expect(planMemory(chain(1000), {}, { order: 'graph' }).peakBytes).toBe(9 * 4000);
    expect(planMemory(chain(1000), {}).peakBytes).toBe(3 * 4000);
  });

  it.skipIf(process.platform !== 'linux')('the measurement itself is exact where there is no scratch: the chain', () => {
    const n = 1 << 20;
    const measured = measure(chain(n), { x: { dtype: 'float32', dims: [n] } });
    expect(measured / planMemory(chain(n), {}).peakBytes).toBeGreaterThan(0.9);
    expect(measured / planMemory(chain(n), {}).peakBytes).toBeLessThan(1.1);
  }, 60_000);

  it.skipIf(process.platform !== 'linux')('UNet gradient at batch 32: onnxruntime allocates 1.0-1.6 x the plan', () => {
    const forward = new Uint8Array(readFileSync(UNET));
    const vjp = buildVjpModel(forward, { wrt: ['sample', 'encoder_hidden_states'], of: 'out_sample' });
    const shapes = { sample: [32, 4, 8, 8], timestep: [1], encoder_hidden_states: [32, 77, 128], grad_out_sample: [32, 4, 8, 8] };
    const plan = planMemory(vjp.model, shapes);
    expect(plan.unsized).toEqual([]);
    expect(plan.weightBytes).toBeGreaterThan(0.95 * forward.length);
    expect(plan.peakBytes).toBeGreaterThan(4 * planMemory(forward, shapes).peakBytes); // the backward keeps activations alive
    const feeds = Object.fromEntries(Object.entries(shapes).map(([k, dims]) => [k, { dtype: k === 'timestep' ? 'int64' : 'float32', dims }]));
    const ratio = measure(vjp.model, feeds) / plan.peakBytes;
    expect(ratio).toBeGreaterThan(1.0);
    expect(ratio).toBeLessThan(1.6);
  }, 120_000);
});
