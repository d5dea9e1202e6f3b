// Peak memory one onnxruntime-node run really allocates, for tests/autodiff/memory-plan.test.ts:
// node measure-peak.mjs MODEL.onnx FEEDS.json [LOCATION=FILE ...] (the model's external data files)
// The CPU arena and memory patterns are off, so each tensor is its own allocation: the growth
// of the process' peak RSS (reset just before) over one run is what the run held at once,
// kernels' scratch buffers included. Prints {"peakBytes": ...}.
import { readFileSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const [model, feedsPath, ...files] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(feedsPath, 'utf8'));
const session = await ort.InferenceSession.create(readFileSync(model), {
  externalData: files.map((f) => ({ path: f.slice(0, f.indexOf('=')), data: readFileSync(f.slice(f.indexOf('=') + 1)) })),
  enableCpuMemArena: false,
  enableMemPattern: false,
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: spec.optimization ?? 'disabled',
});
const feeds = Object.fromEntries(Object.entries(spec.feeds).map(([name, { dtype, dims }]) => {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = dtype === 'int64' ? new BigInt64Array(n).fill(500n) : Float32Array.from({ length: n }, (_, i) => Math.sin(i));
  return [name, new ort.Tensor(dtype, data, dims)];
}));
await session.run(feeds); // first run: lazy one-time allocations are not the plan's business
globalThis.gc?.();
// Linux: writing 5 to clear_refs resets the peak RSS (VmHWM) to the current RSS
const kib = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
writeFileSync('/proc/self/clear_refs', '5');
const before = kib('VmRSS');
await session.run(feeds); // synchronous in onnxruntime-node: nothing else runs meanwhile
const peak = kib('VmHWM');
console.log(JSON.stringify({ peakBytes: peak - before, before, peak }));
