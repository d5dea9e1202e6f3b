// A small typed builder for ONNX models written in code (metric graphs, test models).
import { onnx, saveModel, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from './proto';
import { dtypeCode, type DType } from './dtypes';
import { makeAttrs, type Attrs } from './attrs';
import { makeTensor, type TypedData } from './tensor';
import type { Dim } from './inspect';

export function makeValueInfo(name: string, dtype: DType, dims?: readonly Dim[] | null): ValueInfoProto {
  const shape = dims
    ? { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : d ? { dimParam: d } : {})) }
    : undefined;
  return { name, type: { tensorType: { elemType: dtypeCode(dtype), shape } } };
}

export function makeNode(opType: string, inputs: string[], outputs: string[], attrs?: Attrs, name?: string): NodeProto {
  return { opType, input: inputs, output: outputs, name: name ?? outputs[0], attribute: makeAttrs(attrs) };
}

export interface BuilderOptions { opset?: number; name?: string; irVersion?: number }

export class GraphBuilder {
  readonly opset: number;
  private readonly nodes: NodeProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly inits: TensorProto[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  constructor(private readonly opts: BuilderOptions = {}) {
    this.opset = opts.opset ?? 17;
  }

  input(name: string, dtype: DType, dims: readonly Dim[]): string {
    this.inputs.push(makeValueInfo(this.claim(name), dtype, dims));
    return name;
  }

  initializer(name: string, data: TypedData, dims: readonly number[], dtype?: DType): string {
    this.inits.push(makeTensor(this.claim(name), data, dims, dtype));
    return name;
  }

  /** A Constant node; handy for small int64 shape/axes vectors. */
  constant(data: TypedData, dims: readonly number[], dtype?: DType): string {
    return this.op('Constant', [], { value: makeTensor('', data, dims, dtype) });
  }

  /** One node with a single output; its name is returned. */
  op(opType: string, inputs: string[], attrs?: Attrs, outName?: string): string {
    return this.opN(opType, inputs, 1, attrs, outName ? [outName] : undefined)[0];
  }

  /** One node with `count` outputs. */
  opN(opType: string, inputs: string[], count: number, attrs?: Attrs, outNames?: string[]): string[] {
    const outs = outNames ?? Array.from({ length: count }, () => this.fresh(opType));
    outs.forEach((o) => this.claim(o));
    this.nodes.push(makeNode(opType, inputs, outs, attrs, `${opType}_${this.nodes.length}`));
    return outs;
  }

  /** Mark a value as a graph output (renaming it through Identity when `as` differs). */
  output(value: string, dtype: DType, dims?: readonly Dim[] | null, as?: string): string {
    const name = as && as !== value ? this.op('Identity', [value], undefined, as) : value;
    this.outputs.push(makeValueInfo(name, dtype, dims ?? null));
    return name;
  }

  toModel(): ModelProto {
    return onnx.ModelProto.create({
      irVersion: this.opts.irVersion ?? 8,
      producerName: 'embedding-studio',
      opsetImport: [{ domain: '', version: this.opset }],
      graph: {
        name: this.opts.name ?? 'graph',
        node: this.nodes,
        input: this.inputs,
        output: this.outputs,
        initializer: this.inits,
      },
    });
  }

  toBytes(): Uint8Array {
    return saveModel(this.toModel());
  }

  private fresh(prefix: string): string {
    let n: string;
    do n = `${prefix.toLowerCase()}_${this.counter++}`; while (this.used.has(n));
    return n;
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`duplicate tensor name "${name}"`);
    this.used.add(name);
    return name;
  }
}
