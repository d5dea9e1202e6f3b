// Weightless model folders ("skeletons") and their materialization with seeded random weights,
// in TypeScript, so that a machine without Python (the GPU check's) can make the full-width
// SD 1.5 folder from the ~2 MB of graphs committed in models/reference/sd15-full-skeleton/.
//
//   npx tsx tools/reference/materialize.ts skeleton SRC DST       strip SRC's weights into DST
//   npx tsx tools/reference/materialize.ts materialize SKEL OUT [--seed N] [--force]
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadModel, onnx, toNumber, type NodeProto, type TensorProto } from '../../runtime/onnx/proto';
import { toHalfBits } from '../../runtime/ort/float16';

/** Weight files a model folder may hold; a skeleton has none of them. */
const WEIGHT_FILE = /(^|\/)(model\.onnx_data|model\.onnx\.data|weights\.pb)$/;
/** Written into a materialized folder: what it was made from, so a second run can skip the work. */
const STAMP = '.materialized.json';
const FORMAT = 1;

/** How one external initializer is filled: random with this std (uniform of that variance), or a constant. */
export type Fill = { kind: 'random'; std: number } | { kind: 'constant'; value: number };

export interface PlannedTensor {
  name: string;
  dims: number[];
  dtype: 'float32' | 'float16';
  offset: number;
  length: number;
  fill: Fill;
  /** Which rule chose the fill (the consumer op and input), for the report. */
  rule: string;
}

export interface DataFilePlan {
  /** Folder-relative path of the weights file, e.g. unet/model.onnx_data. */
  path: string;
  size: number;
  tensors: PlannedTensor[];
}

export interface MaterializeReport {
  files: { path: string; bytes: number }[];
  bytes: number;
  ms: number;
  /** True when OUT already held this skeleton's weights for this seed (nothing written). */
  reused: boolean;
  /** Tensors filled by the fallback rule (no known consumer); listed so a new graph pattern is noticed. */
  fallbacks: string[];
}

/** Every file of a folder, relative, sorted. */
function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, base));
    else if (entry.isFile()) out.push(relative(base, full).split('\\').join('/'));
  }
  return out.sort();
}

/**
 * Copies a model folder without its weight files: the graphs keep their initializers'
 * external_data entries (location, offset, length), so `materialize` can write weights of
 * exactly that layout later.
 */
export function makeSkeleton(src: string, dst: string): { files: string[]; bytes: number } {
  const files = listFiles(src).filter((f) => !WEIGHT_FILE.test(f) && f !== STAMP);
  let bytes = 0;
  for (const f of files) {
    mkdirSync(dirname(join(dst, f)), { recursive: true });
    copyFileSync(join(src, f), join(dst, f));
    bytes += statSync(join(src, f)).size;
  }
  return { files, bytes };
}

const kv = (t: TensorProto) => Object.fromEntries((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

/**
 * The fill of one weight, from the op that reads it: conv and linear weights N(0, 1/fan_in)
 * (fan_in from the layout each op uses), embedding tables std 1 (positions 0.1), norm scales
 * ones, biases and shifts zeros. Activations then stay O(1) through the real depth, as in
 * tools/reference/weights.py (less its 0.4 gain on residual branches, which MatMul-exported
 * layers no longer name).
 */
function fillFor(t: TensorProto, dims: number[], users: { node: NodeProto; index: number }[]): { fill: Fill; rule: string } {
  const use = users[0];
  const op = use?.node.opType ?? '';
  const random = (fanIn: number, rule: string) => ({ fill: { kind: 'random', std: 1 / Math.sqrt(Math.max(1, fanIn)) } as Fill, rule });
  const constant = (value: number, rule: string) => ({ fill: { kind: 'constant', value } as Fill, rule });
  const at = `${op}#${use?.index}`;
  switch (op) {
    case 'Conv':
    case 'ConvTranspose':
      if (use.index === 1) return random(op === 'Conv' ? prod(dims.slice(1)) : dims[0] * prod(dims.slice(2)), at);
      return constant(0, at);
    case 'Gemm': {
      if (use.index === 2) return constant(0, at);
      const attr = (name: string) => toNumber(use.node.attribute?.find((a) => a.name === name)?.i);
      // A x B: A's fan-in is its rows' length; B is [K, N], or [N, K] with transB
      if (use.index === 1) return random(attr('transB') ? dims[1] : dims[0], at);
      return random(attr('transA') ? dims[0] : dims[1], at);
    }
    case 'MatMul':
      if (dims.length < 2) return constant(0, at);
      return random(use.index === 1 ? dims[dims.length - 2] : dims[dims.length - 1], at);
    case 'Gather':
      if (use.index === 0) return { fill: { kind: 'random', std: /position/i.test(t.name ?? '') ? 0.1 : 1 }, rule: at };
      return constant(0, at);
    case 'Mul':
      return constant(1, at);
    case 'Add':
    case 'Sub':
      return constant(0, at);
    case 'InstanceNormalization':
    case 'LayerNormalization':
    case 'BatchNormalization':
      // scale (and BatchNorm's variance) ones; bias (and mean) zeros
      return constant(use.index === 1 || (op === 'BatchNormalization' && use.index === 4) ? 1 : 0, at);
    default:
      return dims.length >= 2 ? random(prod(dims.slice(1)), 'fallback') : constant(0, 'fallback');
  }
}

/** Where each external initializer of one model.onnx lives and how it is filled. */
export function planModel(modelBytes: Uint8Array, modelPath: string): DataFilePlan[] {
  const graph = loadModel(modelBytes).graph!;
  const users = new Map<string, { node: NodeProto; index: number }[]>();
  for (const node of graph.node ?? []) {
    (node.input ?? []).forEach((name, index) => {
      if (!users.has(name)) users.set(name, []);
      users.get(name)!.push({ node, index });
    });
  }
  const dir = modelPath.includes('/') ? modelPath.slice(0, modelPath.lastIndexOf('/') + 1) : '';
  const byFile = new Map<string, PlannedTensor[]>();
  for (const t of graph.initializer ?? []) {
    if (t.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) continue;
    const entry = kv(t);
    const name = t.name ?? '';
    const dtype = t.dataType === onnx.TensorProto.DataType.FLOAT ? 'float32' : t.dataType === onnx.TensorProto.DataType.FLOAT16 ? 'float16' : undefined;
    if (!dtype) throw new Error(`${modelPath}: initializer ${name} is external data of type ${t.dataType}: only float32 and float16 are materialized`);
    if (!entry.location || entry.location.includes('..') || entry.location.startsWith('/')) {
      throw new Error(`${modelPath}: initializer ${name} has external data location ${JSON.stringify(entry.location)}`);
    }
    const dims = (t.dims ?? []).map(toNumber);
    const offset = Number(entry.offset ?? 0);
    const length = entry.length !== undefined ? Number(entry.length) : prod(dims) * (dtype === 'float32' ? 4 : 2);
    if (length !== prod(dims) * (dtype === 'float32' ? 4 : 2)) throw new Error(`${modelPath}: initializer ${name} has length ${length} for dims [${dims}]`);
    const { fill, rule } = fillFor(t, dims, users.get(name) ?? []);
    const path = dir + entry.location;
    if (!byFile.has(path)) byFile.set(path, []);
    byFile.get(path)!.push({ name, dims, dtype, offset, length, fill, rule });
  }
  return [...byFile].map(([path, tensors]) => {
    tensors.sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < tensors.length; i++) {
      if (tensors[i].offset < tensors[i - 1].offset + tensors[i - 1].length) {
        throw new Error(`${path}: ${tensors[i - 1].name} and ${tensors[i].name} overlap`);
      }
    }
    const last = tensors[tensors.length - 1];
    return { path, size: last.offset + last.length, tensors };
  });
}

/** Every weights file a skeleton's graphs point at. */
export function planSkeleton(skeleton: string): DataFilePlan[] {
  return listFiles(skeleton)
    .filter((f) => f.endsWith('.onnx'))
    .flatMap((f) => planModel(readFileSync(join(skeleton, f)), f));
}

/** A 32-bit seed per tensor from the run's seed and the tensor's name (FNV-1a, then mixed). */
function tensorSeed(seed: number, file: string, name: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (const ch of `${file}\u0000${name}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0 || 1;
}

/**
 * xoshiro128+ filling `out` with uniform values of standard deviation `std` (range
 * ±sqrt(3)·std): a random weight need not be Gaussian for the activations to keep their
 * scale, and this runs at a few ns per value. `s` is the generator state, advanced in place.
 */
function fillUniform(out: Float32Array, start: number, end: number, s: Uint32Array, std: number): void {
  const scale = std * Math.sqrt(3) * 2 ** -31;
  let s0 = s[0] | 0;
  let s1 = s[1] | 0;
  let s2 = s[2] | 0;
  let s3 = s[3] | 0;
  for (let i = start; i < end; i++) {
    out[i] = ((s0 + s3) | 0) * scale;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
  }
  s[0] = s0;
  s[1] = s1;
  s[2] = s2;
  s[3] = s3;
}

function seededState(seed: number): Uint32Array {
  // splitmix32 spreads one seed over the four state words (never all zero)
  const s = new Uint32Array(4);
  let x = seed >>> 0;
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    s[i] = (z ^ (z >>> 16)) >>> 0;
  }
  if (!(s[0] | s[1] | s[2] | s[3])) s[0] = 1;
  return s;
}

/** Bytes per write: weights are made and written this much at a time, never held whole. */
const CHUNK = 32 * 1024 * 1024;

/** Writes one weights file as the plan lays it out; gaps between tensors are zeros. */
function writeDataFile(file: string, plan: DataFilePlan, seed: number, onBytes: (n: number) => void): void {
  const bytes = new Uint8Array(CHUNK);
  const floats = new Float32Array(bytes.buffer);
  const halves = new Uint16Array(bytes.buffer);
  const fd = openSync(file, 'w');
  let used = 0; // bytes filled in `bytes`
  let position = 0; // file position of bytes[0]
  const flush = () => {
    let done = 0;
    while (done < used) done += writeSync(fd, bytes, done, used - done, position + done);
    position += used;
    onBytes(used);
    used = 0;
  };
  try {
    for (const t of plan.tensors) {
      // zeros up to this tensor (tensors start 4-byte aligned in practice; pad byte-wise anyway)
      while (position + used < t.offset) {
        if (used === CHUNK) flush();
        const n = Math.min(t.offset - position - used, CHUNK - used);
        bytes.fill(0, used, used + n);
        used += n;
      }
      const size = t.dtype === 'float32' ? 4 : 2;
      // a tensor whose offset is not a multiple of its element size cannot use the typed views
      if (used % size !== 0) flush();
      const state = t.fill.kind === 'random' ? seededState(tensorSeed(seed, plan.path, t.name)) : undefined;
      let left = t.length / size;
      while (left > 0) {
        if (used === CHUNK) flush();
        const n = Math.min(left, (CHUNK - used) / size);
        const at = used / size;
        if (t.dtype === 'float32') {
          if (state) fillUniform(floats, at, at + n, state, (t.fill as { std: number }).std);
          else floats.fill((t.fill as { value: number }).value, at, at + n);
        } else {
          // float16: make float32 values in a scratch view past what is used, then convert
          const scratch = new Float32Array(n);
          if (state) fillUniform(scratch, 0, n, state, (t.fill as { std: number }).std);
          else scratch.fill((t.fill as { value: number }).value);
          for (let i = 0; i < n; i++) halves[at + i] = toHalfBits(scratch[i]);
        }
        used += n * size;
        left -= n;
      }
    }
    flush();
  } finally {
    closeSync(fd);
  }
}

function stampOf(skeleton: string, seed: number, plans: DataFilePlan[]) {
  const graphs = listFiles(skeleton)
    .filter((f) => f.endsWith('.onnx'))
    .map((f) => ({ path: f, sha256: createHash('sha256').update(readFileSync(join(skeleton, f))).digest('hex') }));
  return { format: FORMAT, seed, graphs, data: plans.map((p) => ({ path: p.path, bytes: p.size })) };
}

/**
 * Makes a loadable model folder in `out` from a skeleton: its files copied, and each weights
 * file its graphs point at written with seeded random weights (see `fillFor`), streamed in
 * 32 MiB chunks. Deterministic in (skeleton, seed). When `out` already holds this skeleton
 * materialized with this seed (its stamp and file sizes match), nothing is written.
 */
export function materialize(
  skeleton: string,
  out: string,
  options: { seed?: number; force?: boolean; onProgress?: (written: number, total: number) => void } = {},
): MaterializeReport {
  const start = performance.now();
  const seed = options.seed ?? 0;
  const plans = planSkeleton(skeleton);
  if (plans.length === 0) throw new Error(`${skeleton}: no model.onnx with external weights found`);
  const stamp = JSON.stringify(stampOf(skeleton, seed, plans));
  const files = plans.map((p) => ({ path: p.path, bytes: p.size }));
  const total = files.reduce((a, f) => a + f.bytes, 0);
  const fallbacks = plans.flatMap((p) => p.tensors.filter((t) => t.rule === 'fallback').map((t) => `${p.path}: ${t.name}`));
  const stampFile = join(out, STAMP);
  const current =
    !options.force &&
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === stamp &&
    plans.every((p) => existsSync(join(out, p.path)) && statSync(join(out, p.path)).size === p.size);
  if (current) return { files, bytes: total, ms: performance.now() - start, reused: true, fallbacks };

  rmSync(stampFile, { force: true });
  makeSkeleton(skeleton, out);
  let written = 0;
  for (const plan of plans) {
    const file = join(out, plan.path);
    mkdirSync(dirname(file), { recursive: true });
    writeDataFile(file, plan, seed, (n) => options.onProgress?.((written += n), total));
  }
  writeFileSync(stampFile, stamp);
  return { files, bytes: total, ms: performance.now() - start, reused: false, fallbacks };
}

function main(argv: string[]): void {
  const [command, a, b, ...rest] = argv;
  const flag = (name: string) => rest.includes(name);
  const value = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  if (command === 'skeleton' && a && b) {
    const { files, bytes } = makeSkeleton(a, b);
    console.log(`${b}: ${files.length} files, ${(bytes / 2 ** 20).toFixed(2)} MiB (weights left out)`);
    return;
  }
  if (command === 'materialize' && a && b) {
    const seed = Number(value('--seed') ?? 0);
    if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed ${value('--seed')}: expected a non-negative integer`);
    let shown = 0;
    const report = materialize(a, b, {
      seed,
      force: flag('--force'),
      onProgress: (w, t) => {
        if (w - shown < 256 * 2 ** 20 && w < t) return;
        process.stderr.write(`\r${(w / 2 ** 30).toFixed(2)} / ${(t / 2 ** 30).toFixed(2)} GiB`);
        shown = w;
      },
    });
    if (!report.reused) process.stderr.write('\n');
    for (const f of report.files) console.log(`${f.path}: ${f.bytes} bytes`);
    const rate = report.reused ? '' : `, ${(report.bytes / 2 ** 20 / (report.ms / 1000)).toFixed(0)} MiB/s`;
    console.log(`${report.reused ? 'already materialized' : 'written'}: ${(report.bytes / 2 ** 30).toFixed(2)} GiB in ${(report.ms / 1000).toFixed(1)} s${rate}`);
    if (report.fallbacks.length) console.log(`fallback fill (no known consumer op): ${report.fallbacks.join(', ')}`);
    return;
  }
  console.error('usage: npx tsx tools/reference/materialize.ts skeleton SRC DST\n       npx tsx tools/reference/materialize.ts materialize SKELETON OUT [--seed N] [--force]');
  process.exitCode = 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
