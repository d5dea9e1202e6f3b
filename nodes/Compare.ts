import { defineNode } from '../runtime/node-api/node';
import type { ImageValue, LatentValue, ScoreValue, Value } from '../runtime/values/types';
import { MEASURES } from '../runtime/metrics';
import { requireService } from '../runtime/node-api/services';

type Comparable = ImageValue | LatentValue;

function side(value: Value | undefined, port: string): Comparable {
  if (!value || (value.kind !== 'Image' && value.kind !== 'Latent')) throw new Error(`"${port}" must be an Image or a Latent`);
  return value;
}

/** a [1 or N, ...item], b [1 or N, ...item] with the same item shape. */
function pair(inputs: Record<string, Value | undefined>) {
  const a = side(inputs.a, 'a');
  const b = side(inputs.b, 'b');
  const [ia, ib] = [a.tensor.dims.slice(1), b.tensor.dims.slice(1)];
  if (ia.join() !== ib.join()) throw new Error(`"a" items are [${ia}] but "b" items are [${ib}]: compare like with like`);
  const [na, nb] = [a.tensor.dims[0], b.tensor.dims[0]];
  if (na !== nb && na !== 1 && nb !== 1) throw new Error(`"a" has ${na} items and "b" ${nb}: give 1 on one side or the same count`);
  return { a, b, item: ia };
}

const keyOf = (name: string, item: number[]) => `compare-${name}:${item.join('x')}`;

export const Compare = defineNode({
  type: 'Compare',
  version: 1,
  category: 'Measure',
  doc: 'Compares two batches item by item (a single item on one side is compared with every item of the other): latent cosine (the seed-invariant method) or MSE. Differentiable.',
  inputs: {
    a: { type: ['Latent', 'Image'], doc: 'First batch (e.g. the target latent).' },
    b: { type: ['Latent', 'Image'], doc: 'Second batch (e.g. latents under other seeds).' },
  },
  outputs: {
    score: { type: 'Score', doc: 'One value per compared pair.' },
  },
  params: {
    measure: { kind: 'enum', options: Object.keys(MEASURES), default: 'cosine', doc: 'cosine: similarity of the flattened items (higher is closer); mse: mean squared difference (lower is closer).' },
  },
  async run(ctx, inputs, p) {
    const { a, b, item } = pair(inputs);
    const spec = MEASURES[p.measure];
    const values = await requireService(ctx.services, 'metrics').measure(keyOf(p.measure, item), () => spec.build(item), { a: a.tensor, b: b.tensor });
    // Shown side by side: both batches of images in one preview.
    if (a.kind === 'Image' && b.kind === 'Image') {
      const data = new Float32Array(a.tensor.data.length + b.tensor.data.length);
      data.set(a.tensor.data);
      data.set(b.tensor.data, a.tensor.data.length);
      ctx.preview({ kind: 'Image', tensor: { dims: [a.tensor.dims[0] + b.tensor.dims[0], ...item], data } });
    }
    const score: ScoreValue = { kind: 'Score', values, name: p.measure, goal: spec.goal };
    return { score };
  },
  async vjp(ctx, inputs, p, _outputs, grads) {
    if (!grads.score) return {};
    const { a, b, item } = pair(inputs);
    const spec = MEASURES[p.measure];
    return requireService(ctx.services, 'metrics').measureVjp(keyOf(p.measure, item), () => spec.build(item), { a: a.tensor, b: b.tensor }, grads.score);
  },
});
