import { defineNode, type NodeDef } from '../../runtime/node-api/node';
import { NodeRegistry } from '../../runtime/node-api/registry';
import { SeedSet } from '../../nodes/SeedSet';
import { Slerp } from '../../nodes/Slerp';
import { Preview } from '../../nodes/Preview';
import { Note } from '../../nodes/Note';
import type { EmbeddingValue, ImageValue, NumberValue } from '../../runtime/values/types';

/** The model-free product nodes: tests (and the e2e test worker) stay clear of ONNX. */
export const MODEL_FREE_NODES = [SeedSet, Slerp, Preview, Note];

/** Test-only node types, registered in a registry of the test's own, never the product's. */
export function makeTestNodes() {
  const calls = new Map<string, number>();
  const count = (id: string) => calls.set(id, (calls.get(id) ?? 0) + 1);
  const num = (v: number): NumberValue => ({ kind: 'Number', values: [v] });
  const first = (v: unknown) => (v as NumberValue).values[0];

  const Const = defineNode({
    type: 'Const', version: 1, category: 'Utility', doc: 'A number.',
    inputs: {}, outputs: { out: { type: 'Number', doc: '' } },
    params: { value: { kind: 'number', default: 1, min: -1000, max: 1000, doc: '' } },
    async run(ctx, _in, p) { count(ctx.nodeId); return { out: num(p.value) }; },
  });
  const Add = defineNode({
    type: 'Add', version: 1, category: 'Utility', doc: 'a + b.',
    inputs: { a: { type: 'Number', doc: '' }, b: { type: 'Number', optional: true, doc: '' } },
    outputs: { out: { type: 'Number', doc: '' } }, params: {},
    async run(ctx, i) { count(ctx.nodeId); return { out: num(first(i.a) + (i.b ? first(i.b) : 0)) }; },
    async vjp() { return {}; },
  });
  const Opaque = defineNode({
    type: 'Opaque', version: 1, category: 'Utility', doc: 'Not differentiable.',
    inputs: { a: { type: 'Number', doc: '' } }, outputs: { out: { type: 'Number', doc: '' } }, params: {},
    async run(ctx, i) { count(ctx.nodeId); return { out: num(first(i.a)) }; },
  });
  const Fail = defineNode({
    type: 'Fail', version: 1, category: 'Utility', doc: 'Always throws.',
    inputs: { a: { type: 'Number', optional: true, doc: '' } }, outputs: { out: { type: 'Number', doc: '' } }, params: {},
    async run(ctx) { count(ctx.nodeId); throw new Error('it broke\n    at somewhere (file.ts:1:1)'); },
  });
  const Noisy = defineNode({
    type: 'Noisy', version: 1, category: 'Utility', doc: 'A new number each run.', deterministic: false,
    inputs: {}, outputs: { out: { type: 'Number', doc: '' } }, params: {},
    async run(ctx) { count(ctx.nodeId); return { out: num(Math.random()) }; },
  });
  /** Waits `ms` (aborting early when asked) and counts as one unit of work. */
  const Slow = defineNode({
    type: 'Slow', version: 1, category: 'Utility', doc: 'Waits.',
    inputs: { a: { type: 'Number', optional: true, doc: '' } }, outputs: { out: { type: 'Number', doc: '' } },
    params: { ms: { kind: 'number', default: 20, min: 0, max: 10000, doc: '' } },
    async run(ctx, i, p) {
      count(ctx.nodeId);
      await new Promise((resolve) => setTimeout(resolve, p.ms));
      ctx.progress(1, 1);
      return { out: num(i.a ? first(i.a) : 0) };
    },
  });
  const ConstEmbedding = defineNode({
    type: 'ConstEmbedding', version: 1, category: 'Embedding', doc: 'An embedding [1, rows, dim] from a list.',
    inputs: {}, outputs: { embedding: { type: 'Embedding', doc: '' } },
    params: {
      values: { kind: 'numberList', default: [1, 0, 0, 1], doc: '' },
      rows: { kind: 'number', default: 2, integer: true, min: 1, max: 77, doc: '' },
    },
    async run(ctx, _i, p) {
      count(ctx.nodeId);
      const dim = p.values.length / p.rows;
      const embedding: EmbeddingValue = { kind: 'Embedding', model: 'test', tensor: { dims: [1, p.rows, dim], data: Float32Array.from(p.values) } };
      return { embedding };
    },
  });
  /** Paints each batch item of an embedding as a 4x4 image whose gray level follows its first value. */
  const EmbeddingImage = defineNode({
    type: 'EmbeddingImage', version: 1, category: 'Image', doc: 'Test images from embeddings.',
    inputs: { embedding: { type: 'Embedding', doc: '' } }, outputs: { image: { type: 'Image', doc: '' } }, params: {},
    async run(ctx, i) {
      count(ctx.nodeId);
      const e = (i.embedding as EmbeddingValue).tensor;
      const batch = e.dims[0];
      const per = e.data.length / batch;
      const data = new Float32Array(batch * 3 * 16);
      for (let b = 0; b < batch; b++) data.fill(Math.tanh(e.data[b * per + per - 1]), b * 48, (b + 1) * 48);
      const image: ImageValue = { kind: 'Image', tensor: { dims: [batch, 3, 4, 4], data } };
      return { image };
    },
  });
  /**
   * A test zone: `iterations` times, runs its body with current = x and moves x by -rate*loss.
   * Stands in for GradientStep (issue 5) so the scheduler's zone seam is exercised now.
   */
  const Loop = defineNode({
    type: 'Loop', version: 1, category: 'Zone', doc: 'Test zone.', zone: 'gradient',
    inputs: { init: { type: 'Number', doc: '' }, loss: { type: 'Number', doc: '' } },
    outputs: { current: { type: 'Number', doc: '' }, result: { type: 'Number', doc: '' }, step: { type: 'Number', doc: '' } },
    params: { iterations: { kind: 'number', default: 3, integer: true, min: 0, max: 100, doc: '' } },
    async run(ctx, i, p) {
      count(ctx.nodeId);
      let x = first(i.init);
      for (let step = 0; step < p.iterations; step++) {
        const body = await ctx.zone!.runBody({ current: num(x), step });
        const loss = first(body.loopInputs.loss);
        ctx.zone!.iteration(step, loss);
        x -= 0.5 * loss;
      }
      return { result: num(x) };
    },
  });
  const PickLoop = defineNode({ ...Loop, type: 'PickLoop', zone: 'pick' });
  const defs: NodeDef<any>[] = [Const, Add, Opaque, Fail, Noisy, Slow, ConstEmbedding, EmbeddingImage, Loop, PickLoop];
  return { registry: new NodeRegistry([...MODEL_FREE_NODES, ...defs]), calls, count: (id: string) => calls.get(id) ?? 0 };
}

type Edge = [string, string, string, string];
/** A document from short node and edge lists: node(id, type, params), edges [from, port, to, port]. */
export function doc(nodes: [string, string, Record<string, unknown>?][], edges: Edge[] = []) {
  return {
    format: 'embedding-studio/graph',
    version: 1,
    nodes: nodes.map(([id, type, params]) => ({ id, type, params: params ?? {} })),
    edges: edges.map(([a, ap, b, bp]) => ({ from: [a, ap], to: [b, bp] })),
  };
}
