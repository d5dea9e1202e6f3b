// An fp16 gradient must never be silently NaN or infinite: a model built to overflow in its
// backward pass (y = sum(x * x); d/dx = g x + g x, each term finite in fp16, their sum not)
// is run the way Generate's reverse pass runs its gradient models (runRows with the check),
// and the error names the ONNX node and tensor where the values first stop being finite.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, loadModel, saveModel } from '../../runtime/onnx/index';
import { buildVjpModel } from '../../runtime/autodiff/index';
import { Session } from '../../runtime/ort/session';
import { runRows } from '../../runtime/diffusion-vjp/chunks';
import { explainNonFinite, type GradientModelSource } from '../../runtime/diffusion-vjp/non-finite';

function overflowing(): Uint8Array {
  const b = new GraphBuilder({ opset: 17 });
  const x = b.input('x', 'float16', [1, 4]);
  const h = b.op('Mul', [x, x], undefined, 'square');
  const y = b.op('ReduceSum', [h], { keepdims: 0 }, 'y');
  b.output(y, 'float16', []);
  return saveModel(b.toModel());
}

describe('non-finite gradients', () => {
  it('name the first node whose fp16 output overflows', async () => {
    const vjp = buildVjpModel(overflowing(), { wrt: ['x'], of: 'y', includeOutput: false });
    const backend = { name: 'wasm' as const };
    const session = await Session.create('overflow.onnx (vjp)', vjp.model, { backend, externalData: vjp.externalData });
    const source: GradientModelSource = { label: 'overflow.onnx (vjp)', backend, model: vjp.model, externalData: async () => vjp.externalData ?? [], fp16: true };
    const explain = (feeds: Parameters<typeof explainNonFinite>[1], output: string, what: string) => explainNonFinite(source, feeds, output, what);
    const x = { dims: [1, 4], data: Float32Array.from([200, 1, -200, 2]) };
    // small values: finite, and the check lets them through (2 x g)
    const fine = await runRows(session, { x, grad_y: { dims: [], data: Float32Array.from([1]) } }, () => ({}), ['grad_x'], undefined, explain);
    expect(Array.from(fine.grad_x.data)).toEqual([400, 2, -400, 4]);
    // g x = 60000 fits float16 (max 65504); g x + g x = 120000 does not
    const error = await runRows(session, { x, grad_y: { dims: [], data: Float32Array.from([300]) } }, () => ({}), ['grad_x'], undefined, explain).then(() => undefined, (e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = error!.message;
    console.info(message);
    expect(message.split('\n')).toHaveLength(1);
    const m = /^overflow\.onnx \(vjp\): gradient output "grad_x" is not finite \(2 infinite of 4 values\): it starts at node "([^"]+)" \((\w+)\), tensor "([^"]+)" \(2 infinite of 4 values\): float16 overflow/.exec(message);
    expect(m).not.toBeNull();
    // the named node is in the gradient model, makes the named tensor, and its inputs are finite
    // products g x (it is where the two terms are summed, not the Mul before it)
    const node = loadModel(vjp.model).graph!.node!.find((n) => (n.name || n.output?.[0]) === m![1])!;
    expect(node.output).toContain(m![3]);
    expect(m![2]).not.toBe('Mul');
    await session.dispose();
  });
});
