// The node emitter the rules write through: fresh names, typed constants, and the inferred
// type/shape of every value it creates (so later rules know ranks and broadcast axes).
import { makeNode, makeTensor, type Attrs, type Dim, type NodeProto } from '../onnx/index';
import type { Info } from './dims';
import { inferNode } from './shapes';

function f16(v: number): number {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = (u >>> 13) & 0x3ff;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | mant;
}

export class Emitter {
  readonly nodes: NodeProto[] = [];
  private readonly cache = new Map<string, string>();
  private counter = 0;
  /** forward graph: the node producing each value, and how many nodes or graph outputs read it */
  producer = new Map<string, NodeProto>();
  readers = new Map<string, number>();

  constructor(
    readonly info: Map<string, Info>,
    readonly opset: number,
    private readonly taken: Set<string>,
  ) {}

  fresh(hint: string): string {
    let n: string;
    do n = `vjp/${hint}_${this.counter++}`; while (this.taken.has(n));
    this.taken.add(n);
    return n;
  }

  op(type: string, inputs: string[], attrs?: Attrs): string {
    return this.opN(type, inputs, 1, attrs)[0];
  }

  opN(type: string, inputs: string[], count: number, attrs?: Attrs): string[] {
    const outs = Array.from({ length: count }, () => this.fresh(type));
    const node = makeNode(type, inputs, outs, attrs, outs[0]);
    this.nodes.push(node);
    inferNode(node, (n) => this.info.get(n), this.opset).forEach((inf, i) => this.info.set(outs[i], inf));
    return outs;
  }

  private once(key: string, make: () => string): string {
    let v = this.cache.get(key);
    if (!v) this.cache.set(key, (v = make()));
    return v;
  }

  /** 1-D int64 constant (axes, shapes, pads). */
  ints(values: number[]): string {
    return this.once(`i64:${values.join(',')}`, () =>
      this.op('Constant', [], { value: makeTensor('', new BigInt64Array(values.map(BigInt)), [values.length]) }));
  }

  /** 0-d constant with the element type of `like`. */
  scalar(value: number, like: string): string {
    return this.floats([value], [], like);
  }

  /** A constant tensor with the element type of `like` (float types and int64). */
  floats(values: number[], dims: number[], like: string): string {
    if (![1, 10, 11, 7].includes(this.dtype(like))) throw new Error(`no constant of element type ${this.dtype(like)} for "${like}"`);
    return this.tensor(values, dims, this.dtype(like));
  }

  /** A constant tensor of element type `dt` (float32/16/64 or int64). */
  tensor(values: number[], dims: number[], dt: number): string {
    if (![1, 10, 11, 7].includes(dt)) throw new Error(`no constant of element type ${dt}`);
    return this.once(`t${dt}:${dims.join('x')}:${values.join(',')}`, () => {
      const t = dt === 11 ? makeTensor('', new Float64Array(values), dims)
        : dt === 10 ? makeTensor('', new Uint16Array(values.map(f16)), dims, 'float16')
          : dt === 1 ? makeTensor('', new Float32Array(values), dims)
            : makeTensor('', new BigInt64Array(values.map((v) => BigInt(v))), dims);
      return this.op('Constant', [], { value: t });
    });
  }

  shape(x: string): string {
    return this.once(`shape:${x}`, () => this.op('Shape', [x]));
  }

  /** Dim `axis` of x as a 1-element int64 vector, computed at run time. */
  dim(x: string, axis: number): string {
    return this.once(`dim:${x}:${axis}`, () => this.op('Gather', [this.shape(x), this.ints([axis])]));
  }

  zerosLike(x: string): string {
    const z = this.scalar(0, x);
    return this.op('Expand', [z, this.shape(x)]);
  }

  sum(x: string, axes: number[], keepdims: boolean): string {
    if (axes.length === 0) return x;
    return this.op('ReduceSum', [x, this.ints(axes)], { keepdims: keepdims ? 1 : 0 });
  }

  mean(x: string, axes: number[]): string {
    return this.opset >= 18
      ? this.op('ReduceMean', [x, this.ints(axes)], { keepdims: 1 })
      : this.op('ReduceMean', [x], { axes, keepdims: 1 });
  }

  unsqueeze(x: string, axes: number[]): string {
    return axes.length ? this.op('Unsqueeze', [x, this.ints(axes)]) : x;
  }

  transpose(x: string, perm: number[]): string {
    return perm.every((p, i) => p === i) ? x : this.op('Transpose', [x], { perm });
  }

  /**
   * x reshaped to like's shape. An empty `like` (a 0 in its dims) gets zeros instead: a shape
   * with a 0 read as a Reshape target would copy that dim from x (allowzero = 0).
   */
  reshapeLike(x: string, like: string): string {
    if (this.dims(like)?.includes(0)) return this.zerosLike(like);
    return this.op('Reshape', [x, this.shape(like)]);
  }

  dtype(x: string): number {
    return this.info.get(x)?.dtype ?? 0;
  }

  dims(x: string): Dim[] | null {
    return this.info.get(x)?.dims ?? null;
  }

  rank(x: string): number {
    const d = this.dims(x);
    if (!d) throw new Error(`cannot infer the rank of "${x}"`);
    return d.length;
  }

  value(x: string | undefined): number[] | undefined {
    return x ? this.info.get(x)?.value : undefined;
  }
}
