/**
 * `torch.randn(shape, generator=torch.Generator().manual_seed(seed))` on CPU, float32.
 *
 * torch takes one of two code paths, and both must be matched for a seed to give the
 * same image as a PyTorch pipeline:
 * - fewer than 16 elements: scalar Box-Muller in float64, one pair of 53-bit uniforms
 *   per two outputs (cos first, the sin cached for the next element), cast to float32;
 * - 16 or more: draw every element as a 24-bit float32 uniform first, then transform
 *   in blocks of 16 (element j and j+8 form a pair). If the count is not a multiple of
 *   16, 16 *fresh* uniforms overwrite the last 16 slots and that block is redone, so
 *   the tail overlaps the previous block and the generator advances by n + 16 words.
 * The block transform is float32 math. When torch dispatches to its AVX2 kernels (the
 * usual x86-64 case) it uses cephes polynomials with fused multiply-adds: `kernel:
 * 'avx2'`, the default, bit-identical. Other dispatches (ARM, or x86 machines where
 * torch picks its AVX512 kernels, which have no vectorized normal) use libm's float
 * log/sin/cos: `kernel: 'scalar'`, within 1 ulp, since glibc's sinf/cosf/logf are not
 * correctly rounded in about 1% of cases. The two kernels differ by a few ulps.
 */

import { cephesLogf, cephesSincosf, type SinCos } from './cephes-float.js';
import { Mt19937, seedToUint32 } from './mt19937.js';

const f = Math.fround;
const TWO_POW_24 = 16777216;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
/** `2.0f * c10::pi<double>` narrowed to float32, as the AVX2 kernel broadcasts it. */
const TWO_PI_F32 = f(2 * Math.PI);

/** Which float32 Box-Muller implementation to reproduce for tensors of 16+ elements. */
export type RandnKernel = 'avx2' | 'scalar';

export interface TorchRandnOptions {
  /** Default 'avx2': what torch's x86-64 CPU wheels use on AVX2 machines. */
  kernel?: RandnKernel;
}

/**
 * Standard normal noise, bit-identical to torch's CPU `randn` for float32.
 *
 * `seed` is any safe integer; only its value modulo 2^32 matters (torch keeps the low
 * 32 bits of its 64-bit seed), so negative seeds behave like torch's wrapped ones.
 */
export function torchRandn(seed: number, shape: readonly number[], options: TorchRandnOptions = {}): Float32Array {
  const size = shapeSize(shape);
  const engine = new Mt19937(seedToUint32(seed));
  if (size < 16) return smallRandn(engine, size);
  return options.kernel === 'scalar' ? blockRandn(engine, size, scalarBlock) : blockRandn(engine, size, avx2Block);
}

function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`invalid dimension ${d} in shape [${shape.join(', ')}]`);
    size *= d;
  }
  return size;
}

/** torch's `random64()`: two words, the first one high; the uniform keeps 53 low bits. */
function uniform53(engine: Mt19937): number {
  const hi = engine.nextUint32();
  const lo = engine.nextUint32();
  return ((hi & 0x1fffff) * TWO_POW_32 + lo) / TWO_POW_53;
}

function uniform24(engine: Mt19937): number {
  return (engine.nextUint32() & 0xffffff) / TWO_POW_24;
}

/** The serial path (`at::normal_distribution<double>`), used below 16 elements. */
function smallRandn(engine: Mt19937, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i += 2) {
    const u1 = uniform53(engine);
    const u2 = uniform53(engine);
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    out[i] = r * Math.cos(theta);
    if (i + 1 < size) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

type Block = (data: Float32Array, offset: number) => void;

/** The vectorized path: uniforms for all, 16-wide transforms, redo the ragged tail. */
function blockRandn(engine: Mt19937, size: number, block: Block): Float32Array {
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = uniform24(engine);
  for (let i = 0; i + 16 <= size; i += 16) block(data, i);
  if (size % 16 !== 0) {
    const start = size - 16;
    for (let i = 0; i < 16; i++) data[start + i] = uniform24(engine);
    block(data, start);
  }
  return data;
}

const sincos: SinCos = { sin: 0, cos: 0 };

/** One 16-element block as `normal_fill_16_AVX2` computes it (mean 0, std 1). */
function avx2Block(data: Float32Array, offset: number): void {
  for (let j = offset; j < offset + 8; j++) {
    const u1 = f(1 - data[j]!);
    const radius = f(Math.sqrt(f(-2 * cephesLogf(u1))));
    cephesSincosf(f(TWO_PI_F32 * data[j + 8]!), sincos);
    data[j] = radius * sincos.cos;
    data[j + 8] = radius * sincos.sin;
  }
}

/** One 16-element block as the portable `normal_fill_16` computes it with libm. */
function scalarBlock(data: Float32Array, offset: number): void {
  for (let j = offset; j < offset + 8; j++) {
    const u1 = f(1 - data[j]!);
    const radius = f(Math.sqrt(f(-2 * f(Math.log(u1)))));
    // theta is formed in double (2.0f * pi<double> * u2) and then stored as float.
    const theta = f(2 * Math.PI * data[j + 8]!);
    data[j] = radius * f(Math.cos(theta));
    data[j + 8] = radius * f(Math.sin(theta));
  }
}
