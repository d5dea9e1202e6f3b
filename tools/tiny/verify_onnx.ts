// Verify models/tiny against tests/fixtures/tiny_golden.json the way the product runs it:
// onnxruntime-web (wasm, 1 thread) for the four ONNX graphs, @huggingface/tokenizers for
// tokenizer.json. Run from the repo root:  npx tsx tools/tiny/verify_onnx.ts
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-web';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('@huggingface/tokenizers');

ort.env.wasm.numThreads = 1;

type Entry = { dims: number[]; dtype: string; data: number[] };
const root = 'models/tiny/';
const golden = JSON.parse(readFileSync('tests/fixtures/tiny_golden.json', 'utf8'));
let failed = false;

function f32(e: Entry) { return new ort.Tensor('float32', Float32Array.from(e.data), e.dims); }

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>) {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0, s = 0;
  for (let i = 0; i < a.length; i++) { m = Math.max(m, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(b[i])); }
  return [m, s];
}

function check(name: string, got: ort.Tensor, want: Entry, tol: number) {
  const dimsOk = JSON.stringify(got.dims) === JSON.stringify(want.dims);
  const [d, scale] = maxAbsDiff(got.data as Float32Array, want.data);
  const ok = dimsOk && d <= tol;
  if (!ok) failed = true;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: dims ${JSON.stringify(got.dims)} max|diff| ${d.toExponential(2)} (max|ref| ${scale.toFixed(3)}, tol ${tol})`);
}

async function session(name: string) {
  const s = await ort.InferenceSession.create(readFileSync(root + name + '/model.onnx'));
  const meta = (names: readonly string[], m: readonly any[]) =>
    names.map((n, i) => `${n}:${m[i]?.type ?? ''}[${m[i]?.shape?.join(',') ?? ''}]`).join(' ');
  console.log(`${name}: in ${meta(s.inputNames, s.inputMetadata as any)} -> out ${meta(s.outputNames, s.outputMetadata as any)}`);
  return s;
}

// tokenizer.json through the JS library must give the Python ids
const tok = new Tokenizer(JSON.parse(readFileSync(root + 'tokenizer/tokenizer.json', 'utf8')),
  JSON.parse(readFileSync(root + 'tokenizer/tokenizer_config.json', 'utf8')));
for (const c of golden.tokenizer_cases) {
  const ids: number[] = tok.encode(c.text).ids;
  const eos = c.input_ids[c.input_ids.length - 1];
  const padded = [...ids, ...Array(77 - ids.length).fill(eos)];
  const ok = JSON.stringify(padded) === JSON.stringify(c.input_ids);
  if (!ok) failed = true;
  console.log(`${ok ? 'ok  ' : 'FAIL'} tokenizer ${JSON.stringify(c.text)} -> ${ids.join(' ')}`);
}

const te = await session('text_encoder');
const ids = golden.text_encoder.input_ids as Entry;
const teOut = await te.run({ input_ids: new ort.Tensor('int32', Int32Array.from(ids.data), ids.dims) });
check('text_encoder last_hidden_state', teOut.last_hidden_state, golden.text_encoder.last_hidden_state_f32, 1e-4);

const unet = await session('unet');
const g = golden.unet;
const uOut = await unet.run({
  sample: f32(g.sample),
  timestep: new ort.Tensor('int64', BigInt64Array.from(g.timestep.data.map(BigInt)), g.timestep.dims),
  encoder_hidden_states: f32(g.encoder_hidden_states),
});
check('unet out_sample', uOut.out_sample, g.out_sample_f32, 1e-4);

const dec = await session('vae_decoder');
const dOut = await dec.run({ latent_sample: f32(golden.vae_decoder.latent_sample) });
check('vae_decoder sample', dOut.sample, golden.vae_decoder.sample_f32, 1e-4);

if (golden.vae_encoder) {
  const enc = await session('vae_encoder');
  const eOut = await enc.run({ sample: f32(golden.vae_encoder.sample) });
  check('vae_encoder latent_sample', eOut.latent_sample, golden.vae_encoder.latent_sample_f32, 1e-4);
}

// batch axis is dynamic: a batch of 2 must give the same rows
const two = (e: Entry) => new ort.Tensor('float32', Float32Array.from([...e.data, ...e.data]), [2, ...e.dims.slice(1)]);
const u2 = await unet.run({
  sample: two(g.sample),
  timestep: new ort.Tensor('int64', BigInt64Array.from([500n]), [1]),
  encoder_hidden_states: two(g.encoder_hidden_states),
});
const half = (u2.out_sample.data as Float32Array).slice(256);
const [d2] = maxAbsDiff(half, g.out_sample_f32.data);
console.log(`${d2 < 1e-4 ? 'ok  ' : 'FAIL'} unet batch 2 second row max|diff| ${d2.toExponential(2)}`);
if (d2 >= 1e-4) failed = true;

console.log(failed ? 'VERIFY FAILED' : 'VERIFY OK');
process.exit(failed ? 1 : 0);
