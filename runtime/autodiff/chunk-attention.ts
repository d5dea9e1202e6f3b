// Attention in query-row chunks, so no tensor outgrows a binding limit (WebGPU binds at most
// maxStorageBufferBindingSize, 128 MiB by default, per buffer). Full-width SD 1.5 self-attention
// at 512 px, batch 2, makes 2 x 8 x 4096 x 4096 float32 probabilities: 1 GiB in one tensor.
//
// The pattern O = MatMul(Softmax(MatMul(Q, Kt) [* or / scalar], axis=-1), V) becomes, for
// query-row parts Q_i = Split(Q, axis=-2): O = Concat_i(MatMul(Softmax(MatMul(Q_i, Kt)), V)).
// Softmax runs along the key axis, so each row is the same computation: the outputs are equal.
// It is an ordinary ONNX rewrite of the forward model (at concrete shapes) before its gradient
// is built; the gradient of each part then only ever holds its own rows of S and P.
import { makeNode, makeTensor, type ModelProto, type NodeProto } from '../onnx/index';
import { concreteInfo, infoBytes } from './memory-plan';

export interface ChunkReport { patterns: number; chunks: number }

const SCALE = new Set(['Mul', 'Div']);

/** Rewrites `model` in place; `limit`: bytes one score or probability tensor may hold. */
export function chunkAttention(model: ModelProto, shapes: Record<string, number[]>, limit: number): ChunkReport {
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const info = concreteInfo(model, shapes);
  const readers = new Map<string, NodeProto[]>();
  for (const n of nodes) for (const i of n.input ?? []) readers.set(i, [...(readers.get(i) ?? []), n]);
  const producer = new Map(nodes.flatMap((n) => (n.output ?? []).map((o) => [o, n] as const)));
  const only = (v: string) => (readers.get(v)?.length === 1 && !graph.output?.some((o) => o.name === v) ? readers.get(v)![0] : undefined);
  const scalar = (v: string) => (info.get(v)?.dims ?? [1]).reduce<number>((a, d) => a * (typeof d === 'number' ? d : 2), 1) === 1;
  const replaced = new Map<NodeProto, NodeProto[]>();
  const drop = new Set<NodeProto>();
  let chunks = 0;
  for (const softmax of nodes) {
    if (softmax.opType !== 'Softmax') continue;
    const axis = softmax.attribute?.find((a) => a.name === 'axis')?.i;
    const s = info.get(softmax.input![0]);
    const rank = s?.dims?.length ?? 0;
    if (rank < 2 || (axis !== undefined && Number(axis) !== -1 && Number(axis) !== rank - 1)) continue;
    const bytes = infoBytes(s);
    if (bytes === null || bytes <= limit) continue;
    // back from the Softmax: an optional scale by a scalar, then the score MatMul
    let scale = producer.get(softmax.input![0]);
    let scores = scale;
    if (scale && SCALE.has(scale.opType ?? '') && only(scale.output![0]) === softmax && scalar(scale.input![1])) scores = producer.get(scale.input![0]);
    else scale = undefined;
    if (scores?.opType !== 'MatMul' || only(scores.output![0]) !== (scale ?? softmax)) continue;
    const out = only(softmax.output![0]);
    if (out?.opType !== 'MatMul' || out.input![0] !== softmax.output![0]) continue;
    const [q, kt] = scores.input!;
    const qDims = info.get(q)?.dims;
    if (!qDims || qDims.length !== rank || typeof qDims[rank - 2] !== 'number') continue;
    const rows = qDims[rank - 2] as number;
    const parts = Math.min(rows, Math.ceil(bytes / limit));
    if (parts < 2) continue;
    const sizes = Array.from({ length: parts }, (_, i) => Math.floor((rows * (i + 1)) / parts) - Math.floor((rows * i) / parts));
    const tag = `chunk/${softmax.name || softmax.output![0]}`;
    const sizesName = `${tag}/sizes`;
    graph.initializer!.push(makeTensor(sizesName, BigInt64Array.from(sizes.map(BigInt)), [parts]));
    const qs = sizes.map((_, i) => `${tag}/q${i}`);
    const made: NodeProto[] = [makeNode('Split', [q, sizesName], qs, { axis: rank - 2 }, `${tag}/Split`)];
    const os = qs.map((qi, i) => {
      let v = `${tag}/s${i}`;
      made.push({ ...scores, name: `${tag}/${scores.name}_${i}`, input: [qi, kt], output: [v] });
      if (scale) made.push({ ...scale, name: `${tag}/${scale.name}_${i}`, input: [v, scale.input![1]], output: [(v = `${tag}/scaled${i}`)] });
      made.push({ ...softmax, name: `${tag}/${softmax.name}_${i}`, input: [v], output: [`${tag}/p${i}`] });
      made.push({ ...out, name: `${tag}/${out.name}_${i}`, input: [`${tag}/p${i}`, out.input![1]], output: [`${tag}/o${i}`] });
      return `${tag}/o${i}`;
    });
    made.push(makeNode('Concat', os, [out.output![0]], { axis: rank - 2 }, `${tag}/Concat`));
    [scores, scale, softmax].forEach((n) => n && drop.add(n));
    replaced.set(out, made);
    chunks += parts;
  }
  graph.node = nodes.flatMap((n) => (drop.has(n) ? [] : replaced.get(n) ?? [n]));
  return { patterns: replaced.size, chunks };
}
