import { describe, expect, it } from 'vitest';
import { fromFloat32, readSafetensors, toFloat32, writeSafetensors } from '../../runtime/safetensors';

/** Builds a file by hand from the format's README, independent of our writer. */
function handMade(headerJson: string, data: number[]): Uint8Array {
  const json = new TextEncoder().encode(headerJson);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors reader', () => {
  it('reads a file built by hand from the spec (F32 + F16, metadata)', () => {
    const f32 = new Uint8Array(new Float32Array([1.5, -2]).buffer);
    const f16 = [0x00, 0x3c, 0x00, 0xc0]; // 1.0, -2.0 in IEEE half, little-endian
    const file = handMade(
      '{"__metadata__":{"who":"me"},"b":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},"a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]}}',
      [...f32, ...f16],
    );
    const { tensors, metadata } = readSafetensors(file);
    expect(metadata).toEqual({ who: 'me' });
    expect(tensors.get('a')!.shape).toEqual([1, 2]);
    expect([...toFloat32(tensors.get('a')!)]).toEqual([1.5, -2]);
    expect([...toFloat32(tensors.get('b')!)]).toEqual([1, -2]);
  });

  it('rejects holes, wrong sizes and truncated headers with a reason', () => {
    const hole = handMade('{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', [0, 0]);
    expect(() => readSafetensors(hole)).toThrow(/hole or overlap/);
    const size = handMade('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', [0, 0, 0, 0]);
    expect(() => readSafetensors(size)).toThrow(/4 bytes for shape \[2\] F32/);
    expect(() => readSafetensors(new Uint8Array([255, 0, 0, 0, 0, 0, 0, 0, 1]))).toThrow(/header size/);
  });
});

describe('safetensors writer', () => {
  const values = new Float32Array([0.1, -0, 3e-39, Number.MAX_VALUE, -Infinity, NaN]);
  const bytes = writeSafetensors([['x', fromFloat32(values, [2, 3])]], { prompt: 'a "quoted" prompt ✓' });

  it('writes what the spec says: u64 size, JSON header padded with spaces to 8, packed data', () => {
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.__metadata__.prompt).toBe('a "quoted" prompt ✓');
    expect(header.x).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(bytes.length).toBe(8 + n + 24);
  });

  it('round-trips byte for byte, including -0, denormals and NaN', () => {
    const back = readSafetensors(bytes);
    const again = writeSafetensors(back.tensors, back.metadata);
    expect(again).toEqual(bytes);
    const got = toFloat32(back.tensors.get('x')!);
    expect(new Uint8Array(got.buffer)).toEqual(new Uint8Array(values.buffer));
  });

  it('refuses a tensor named like the metadata key', () => {
    expect(() => writeSafetensors([['__metadata__', fromFloat32(new Float32Array(1), [1])]])).toThrow(/not a tensor name/);
  });
});
