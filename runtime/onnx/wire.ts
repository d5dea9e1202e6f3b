// Locate tensor payload bytes inside a serialized ModelProto without copying them, so another
// model can point at them as external data (offset/length into the same file).

export interface ByteRange { offset: number; length: number }
export interface TensorRanges {
  /** initializer name -> byte range of its little-endian payload */
  initializers: Map<string, ByteRange>;
  /** Constant node output name -> byte range of its `value` tensor payload */
  constants: Map<string, ByteRange>;
}

interface Field { no: number; wire: number; start: number; end: number }

function* fields(buf: Uint8Array, start: number, end: number): Generator<Field> {
  let p = start;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = buf[p++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  while (p < end) {
    const tag = varint();
    const wire = tag % 8;
    const no = Math.floor(tag / 8);
    const s = p;
    if (wire === 0) varint();
    else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else if (wire === 2) {
      const len = varint();
      yield { no, wire, start: p, end: p + len };
      p += len;
      continue;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    yield { no, wire, start: s, end: p };
  }
}

const text = (buf: Uint8Array, f: Field) => new TextDecoder().decode(buf.subarray(f.start, f.end));

/** TensorProto: name = 8, float_data = 4 (packed), raw_data = 9, double_data = 10 (packed). */
function tensorPayload(buf: Uint8Array, start: number, end: number): { name: string; range?: ByteRange } {
  let name = '';
  const payloads: Field[] = [];
  for (const f of fields(buf, start, end)) {
    if (f.no === 8 && f.wire === 2) name = text(buf, f);
    else if ((f.no === 9 || f.no === 4 || f.no === 10) && f.wire === 2) payloads.push(f);
  }
  // Only a single contiguous payload can be referenced as one external range.
  const range = payloads.length === 1 ? { offset: payloads[0].start, length: payloads[0].end - payloads[0].start } : undefined;
  return { name, range };
}

export function scanTensorRanges(bytes: Uint8Array): TensorRanges {
  const initializers = new Map<string, ByteRange>();
  const constants = new Map<string, ByteRange>();
  for (const g of fields(bytes, 0, bytes.length)) {
    if (g.no !== 7 || g.wire !== 2) continue; // ModelProto.graph
    for (const f of fields(bytes, g.start, g.end)) {
      if (f.no === 5 && f.wire === 2) { // GraphProto.initializer
        const t = tensorPayload(bytes, f.start, f.end);
        if (t.range) initializers.set(t.name, t.range);
      } else if (f.no === 1 && f.wire === 2) scanConstantNode(bytes, f, constants);
    }
  }
  return { initializers, constants };
}

/** NodeProto: output = 2, op_type = 4, attribute = 5; AttributeProto: name = 1, t = 5. */
function scanConstantNode(bytes: Uint8Array, node: Field, out: Map<string, ByteRange>): void {
  let op = '';
  let output = '';
  let range: ByteRange | undefined;
  for (const f of fields(bytes, node.start, node.end)) {
    if (f.no === 4 && f.wire === 2) op = text(bytes, f);
    else if (f.no === 2 && f.wire === 2 && !output) output = text(bytes, f);
    else if (f.no === 5 && f.wire === 2) {
      let attrName = '';
      let t: Field | undefined;
      for (const a of fields(bytes, f.start, f.end)) {
        if (a.no === 1 && a.wire === 2) attrName = text(bytes, a);
        else if (a.no === 5 && a.wire === 2) t = a;
      }
      if (attrName === 'value' && t) range = tensorPayload(bytes, t.start, t.end).range;
    }
  }
  if (op === 'Constant' && output && range) out.set(output, range);
}

/**
 * Graph inputs and outputs that declare no shape at all (unknown rank). onnxruntime reports
 * them with the shape `[]` of a scalar, so only the file itself tells the two apart.
 * ValueInfoProto: name = 1, type = 2; TypeProto.tensor_type = 1; TypeProto.Tensor.shape = 2.
 */
export function unrankedValues(bytes: Uint8Array): Set<string> {
  const names = new Set<string>();
  for (const g of fields(bytes, 0, bytes.length)) {
    if (g.no !== 7 || g.wire !== 2) continue; // ModelProto.graph
    for (const f of fields(bytes, g.start, g.end)) {
      if ((f.no !== 11 && f.no !== 12) || f.wire !== 2) continue; // GraphProto.input, output
      let name = '';
      let tensor: Field | undefined;
      for (const v of fields(bytes, f.start, f.end)) {
        if (v.no === 1 && v.wire === 2) name = text(bytes, v);
        else if (v.no === 2 && v.wire === 2) {
          for (const t of fields(bytes, v.start, v.end)) if (t.no === 1 && t.wire === 2) tensor = t;
        }
      }
      if (!tensor) continue;
      let shaped = false;
      for (const t of fields(bytes, tensor.start, tensor.end)) if (t.no === 2 && t.wire === 2) shaped = true;
      if (!shaped) names.add(name);
    }
  }
  return names;
}
