// Weight sharing: the gradient model's initializers are external-data references into the
// forward model's own bytes (offset/length of each raw_data payload inside the .onnx file),
// so no weight byte is duplicated. Initializers that are already external keep their
// references. Copied inline: payloads that are not one contiguous range (int64_data and
// the like), and small constants that onnxruntime must read while it infers shapes
// (it cannot read external data then): integer tensors (shapes, axes, pads) and Resize scales.
import { onnx, scanTensorRanges, type NodeProto, type TensorProto } from '../onnx/index';

export interface SharedWeights {
  initializers: TensorProto[];
  /** nodes left after large Constant nodes became shared initializers */
  nodes: NodeProto[];
  /** whether any tensor points into the forward bytes (under `location`) */
  usesForwardBytes: boolean;
  /** external files of the forward model itself that the gradient model also reads */
  forwardExternalFiles: string[];
  copiedBytes: number;
}

/** Constant payloads at least this big are turned into shared initializers. */
const CONSTANT_SHARE_BYTES = 256;

function externalRef(t: TensorProto, name: string, location: string, offset: number, length: number): TensorProto {
  return onnx.TensorProto.create({
    name,
    dims: t.dims,
    dataType: t.dataType,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ],
  });
}

const SMALL_BYTES = 4096;

/** Tensors shape inference reads: small non-float ones, and Resize's roi/scales. */
function readByShapeInference(nodes: NodeProto[], inits: TensorProto[]): Set<string> {
  const names = new Set(nodes.filter((n) => n.opType === 'Resize').flatMap((n) => (n.input ?? []).slice(1)));
  for (const t of inits) {
    const floating = [1, 10, 11, 16].includes(t.dataType ?? 0);
    const n = (t.dims ?? []).reduce<number>((a, d) => a * Number(d), 1);
    if (!floating && n * 8 <= SMALL_BYTES) names.add(t.name ?? '');
  }
  return names;
}

export function shareWeights(
  forwardBytes: Uint8Array,
  inits: TensorProto[],
  nodes: NodeProto[],
  used: Set<string>,
  location: string,
  rebase: (location: string) => string = (l) => l,
): SharedWeights {
  const ranges = scanTensorRanges(forwardBytes);
  const inline = readByShapeInference(nodes, inits);
  const out: TensorProto[] = [];
  const files = new Set<string>();
  let usesForwardBytes = false;
  let copiedBytes = 0;
  for (const t of inits) {
    const name = t.name ?? '';
    if (!used.has(name)) continue;
    const r = ranges.initializers.get(name);
    if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
      // keep the reference; its location is relative to the forward model's folder
      const ext = (t.externalData ?? []).map((kv) => (kv.key === 'location' ? { key: kv.key, value: rebase(kv.value ?? '') } : kv));
      out.push(onnx.TensorProto.create({ ...t, externalData: ext }));
      ext.forEach((kv) => kv.key === 'location' && files.add(kv.value ?? ''));
    } else if (r && r.length > 0 && !inline.has(name)) {
      out.push(externalRef(t, name, location, r.offset, r.length));
      usesForwardBytes = true;
    } else {
      out.push(t);
      copiedBytes += onnx.TensorProto.encode(t).len;
    }
  }
  const kept: NodeProto[] = [];
  for (const n of nodes) {
    const r = n.opType === 'Constant' ? ranges.constants.get(n.output?.[0] ?? '') : undefined;
    const t = n.attribute?.find((a) => a.name === 'value')?.t;
    if (r && t && r.length >= CONSTANT_SHARE_BYTES && [1, 10, 11, 16].includes(t.dataType ?? 0)) {
      out.push(externalRef(t, n.output![0], location, r.offset, r.length));
      usesForwardBytes = true;
    } else kept.push(n);
  }
  return { initializers: out, nodes: kept, usesForwardBytes, forwardExternalFiles: [...files], copiedBytes };
}
