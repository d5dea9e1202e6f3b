// The GPU check's stages (bench/gpu-check/main.ts loads this once the backend's module is set).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { materialize } from '../../tools/reference/materialize';
import { createProductRegistry } from '../../nodes/product';
import { nodeServices } from '../../runtime/api/node-host';
import { Runtime } from '../../runtime/api/runtime';
import type { RuntimeEvent } from '../../runtime/events';
import { vjpSessions } from '../../runtime/diffusion-vjp/sessions';
import { nodeFolderFiles } from '../../runtime/models/files/node';
import { loadModel } from '../../runtime/models/loader';
import type { DiffusionModel } from '../../runtime/models/model';
import { decodeLatents, encodePrompts, generate } from '../../runtime/models/pipeline/generate';
import type { ModelService } from '../../runtime/models/service/model-service';
import { backendLabel, type Backend, type NativeDevice } from '../../runtime/ort/backend';
import { chooseBackend, configureOrt } from '../../runtime/ort/env';
import { useNativeOrt } from '../../runtime/ort/native';
import { ortFor } from '../../runtime/ort/registry';
import { GraphBuilder } from '../../runtime/onnx/index';
import { buildVjpModel } from '../../runtime/autodiff/index';
import { planMemory } from '../../runtime/autodiff/memory-plan';
import { torchRandn } from '../../runtime/rng/torch-randn';
import type { Tensor } from '../../runtime/values/types';
import { report } from '../report';
import { firstLine, type BackendId, type CheckOptions, type DawnProbe } from './options';

const FOLDER = 'sd15full';
const say = (line: string) => console.log(`# ${line}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The backend to run on, and the line that says why. */
interface Choice {
  id: BackendId;
  backend: Backend;
  why: string;
}

/**
 * WebGPU through Dawn (onnxruntime-web's WebGPU EP, as in Chromium) when its adapter was
 * found; else onnxruntime-node's own WebGPU EP (Dawn built into its Linux library); else
 * CUDA (onnxruntime-node's provider, where installed); else every CPU core natively; else
 * onnxruntime-web's wasm. `--backend` pins one and fails when it cannot start. `failed`: the
 * backends that could not load the model, with why (the next one is tried, unless pinned).
 */
async function chooseRun(want: CheckOptions['backend'], dawn: DawnProbe, failed: Map<BackendId, string>): Promise<Choice> {
  const reasons = [...failed].map(([id, why]) => `${id} could not load the model (${why})`);
  const pinned = (id: BackendId) => want === id;
  if (want !== 'auto' && failed.has(want)) throw new Error(`--backend ${want}: ${failed.get(want)}`);
  if (dawn.adapter && !failed.has('webgpu')) return { id: 'webgpu', backend: { name: 'webgpu' }, why: `${dawn.why}: onnxruntime-web's WebGPU EP` };
  if (want === 'auto') reasons.unshift(dawn.why);

  if ((want === 'auto' && !failed.has('native-webgpu')) || pinned('native-webgpu')) {
    const error = await probeNative('webgpu');
    // onnxruntime-node takes the EP name from the device (runtime/ort/backend.ts): 'webgpu' passes through
    if (!error) return { id: 'native-webgpu', backend: { name: 'native', device: 'webgpu' as NativeDevice }, why: [...reasons, "onnxruntime-node's WebGPU EP started"].join('; ') };
    if (pinned('native-webgpu')) throw new Error(`--backend native-webgpu: ${error}`);
    reasons.push(`onnxruntime-node's WebGPU EP did not start (${error})`);
  }
  if (want === 'auto' || pinned('cuda') || pinned('cpu')) {
    const native = await chooseBackend('native');
    if (native.name === 'native' && native.device === 'cuda' && !pinned('cpu') && !failed.has('cuda')) {
      return { id: 'cuda', backend: native, why: [...reasons, 'the CUDA EP of onnxruntime-node started'].join('; ') };
    }
    if (pinned('cuda')) throw new Error(`--backend cuda: ${native.notice ?? 'not available'}`);
    if (native.name === 'native' && !failed.has('cpu')) {
      if (native.notice) reasons.push(native.notice.replace(/: running natively on the CPU\.$/, ''));
      return { id: 'cpu', backend: { name: 'native', device: 'cpu' }, why: [...reasons, `native CPU, ${cpus().length} cores`].join('; ') };
    }
    if (pinned('cpu')) throw new Error(`--backend cpu: ${native.notice}`);
    reasons.push(native.notice ?? 'onnxruntime-node did not load');
  }
  return { id: 'wasm', backend: { name: 'wasm' }, why: [...reasons, "onnxruntime-web's wasm (one thread)"].join('; ') };
}

/** Undefined when onnxruntime-node runs a one-op model on `ep`, else why not. */
async function probeNative(ep: string): Promise<string | undefined> {
  try {
    const ort = await ortFor({ name: 'native' });
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [4]);
    g.output(g.op('Mul', [x, x]), 'float32', [4], 'y');
    const session = await ort.InferenceSession.create(g.toBytes(), { executionProviders: [ep], logSeverityLevel: 3 });
    try {
      const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 2, 3, 4]), [4]) });
      const y = out.y.data as Float32Array;
      if (y[3] !== 16) return `a probe multiplication gave ${y[3]}`;
    } finally {
      await session.release();
    }
    return undefined;
  } catch (error) {
    return firstLine(error).replace(/^.*webgpu_context\.cc:\d+ /, '');
  }
}

/**
 * `services.models` with the backend fixed by the check (ModelService picks its own), for the
 * Runtime's Model node: `folder:<FOLDER>` is the materialized model, loaded once.
 */
function pinnedModels(current: () => DiffusionModel): ModelService {
  const service = {
    load: async (source: string) => {
      if (source !== `folder:${FOLDER}`) throw new Error(`the GPU check loads only folder:${FOLDER}, not ${source}`);
      return current();
    },
    onEvent: () => () => undefined,
    folderNames: () => [FOLDER],
    registerFolder: async () => {
      throw new Error('the GPU check has one model folder');
    },
    // the check disposes the model itself, after the last stage
    dispose: async () => undefined,
  };
  return service as unknown as ModelService;
}

/** Seconds of the budget left. */
function left(options: CheckOptions): number {
  return options.budgetS - (performance.now() - options.startedAt) / 1000;
}

function stats(t: Tensor): { std: number; finite: boolean; min: number; max: number } {
  let sum = 0;
  let sq = 0;
  let min = Infinity;
  let max = -Infinity;
  let finite = true;
  for (const v of t.data) {
    if (!Number.isFinite(v)) finite = false;
    sum += v;
    sq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / t.data.length;
  return { std: Math.sqrt(Math.max(0, sq / t.data.length - mean * mean)), finite, min, max };
}

/**
 * A warm-up run (reported as `<name>_first`), then up to `reps` timed runs: the first always
 * (unless less than `reserve` s would be left), more while the stage stays within `share` of
 * the budget, so that slow machines keep time for the later stages.
 */
async function timed(name: string, options: CheckOptions, share: number, reserve: number, run: () => Promise<Tensor>): Promise<{ ms: number; out: Tensor }> {
  const stage = performance.now();
  let start = stage;
  let out = await run();
  const first = performance.now() - start;
  report(`${name}_first`, first, 'ms');
  const times: number[] = [];
  for (let i = 0; i < options.reps; i++) {
    const each = (times.length ? median(times) : first) / 1000;
    const spent = (performance.now() - stage) / 1000;
    if (left(options) - each < reserve || (i > 0 && spent + each > share * options.budgetS)) {
      say(`${name}: ${i} timed run(s) of ${options.reps}, to keep time for the later stages`);
      break;
    }
    start = performance.now();
    out = await run();
    times.push(performance.now() - start);
  }
  const ms = times.length ? median(times) : first;
  if (times.length) report(name, ms, 'ms');
  return { ms, out };
}

/** The small graph of graphs/metric-optimization.json's optimizing part: GradientStep over Generate -> sharpness. */
function gradientDocument(size: number, steps: number) {
  return {
    format: 'embedding-studio/graph',
    version: 1,
    meta: { title: 'GPU check: one GradientStep iteration (sharpness)' },
    nodes: [
      { id: 'model', type: 'Model', params: { source: `folder:${FOLDER}` }, position: [0, 0] },
      { id: 'prompt', type: 'TextEncode', params: { text: 'a photograph of an astronaut riding a horse' }, position: [260, 0] },
      { id: 'optimize', type: 'GradientStep', params: { iterations: 1, optimizer: 'adam-on-lion', lr: 0.01, lossScale: 10, goal: 'auto' }, position: [540, 0] },
      // SD settings of the template's description: the last UNet call and the VAE decoder are differentiated
      { id: 'generate', type: 'Generate', params: { seed: 7, steps, guidance: 7.5, scheduler: 'auto', width: size, height: size, gradientSteps: 1 }, position: [820, 80] },
      { id: 'sharpness', type: 'Metric', params: { metric: 'sharpness' }, position: [1100, 80] },
    ],
    edges: [
      { from: ['model', 'model'], to: ['prompt', 'model'] },
      { from: ['prompt', 'embedding'], to: ['optimize', 'init'] },
      { from: ['model', 'model'], to: ['generate', 'model'] },
      { from: ['optimize', 'current'], to: ['generate', 'embedding'] },
      { from: ['generate', 'image'], to: ['sharpness', 'image'] },
      { from: ['sharpness', 'score'], to: ['optimize', 'loss'] },
    ],
  };
}

/** Planned peak bytes of the two gradient models at an image size (runtime/autodiff/memory-plan.ts). */
interface GradientMemory {
  /** UNet vjp + VAE decoder vjp activations: each session keeps its own peak (onnxruntime's arenas stay grown). */
  peak: number;
  /** The largest single tensor (WebGPU binds each as one buffer). */
  largest: number;
}

function gradientMemoryPlanner(folder: string): (size: number) => GradientMemory {
  const unet = buildVjpModel(new Uint8Array(readFileSync(`${folder}/unet/model.onnx`)), { wrt: ['sample', 'encoder_hidden_states'], of: 'out_sample', includeOutput: false }).model;
  const vae = buildVjpModel(new Uint8Array(readFileSync(`${folder}/vae_decoder/model.onnx`)), { wrt: ['latent_sample'], of: 'sample', includeOutput: false }).model;
  const memo = new Map<number, GradientMemory>();
  return (size) => {
    const known = memo.get(size);
    if (known) return known;
    const h = size / 8;
    const u = planMemory(unet, { sample: [2, 4, h, h], timestep: [1], encoder_hidden_states: [2, 77, 768], grad_out_sample: [2, 4, h, h] });
    const v = planMemory(vae, { latent_sample: [1, 4, h, h], grad_sample: [1, 3, size, size] });
    const plan = { peak: u.peakBytes + v.peakBytes, largest: Math.max(u.largest.bytes, v.largest.bytes) };
    memo.set(size, plan);
    return plan;
  };
}

/** Memory the gradient stage may use: the host's available memory on the CPU, the GPU's free memory (nvidia-smi) on a GPU; undefined when unknown. */
function memoryForGradients(choice: Choice): { bytes: number; where: string } | undefined {
  if (choice.id === 'cpu' || choice.id === 'wasm') {
    const line = readFileSync('/proc/meminfo', 'utf8').match(/^MemAvailable:\s+(\d+) kB/m);
    return line ? { bytes: Number(line[1]) * 1024, where: 'available host memory' } : undefined;
  }
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=memory.free', '--format=csv,noheader,nounits'], { encoding: 'utf8', timeout: 10_000 });
    const mib = Number(out.trim().split('\n')[0]);
    return Number.isFinite(mib) ? { bytes: mib * 2 ** 20, where: 'free GPU memory (nvidia-smi)' } : undefined;
  } catch {
    return undefined;
  }
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/**
 * Seconds the gradient stage should take at `size`, from the UNet and VAE figures at `measured`
 * px: the GradientStep iteration (two forwards, as the zone scores the step it took, and one
 * backward, about 3x a forward) and one more forward timed alone. Time grows with the pixel
 * count to the power 1.15 (attention grows faster than the pixels).
 */
function predictGradientS(size: number, measured: number, unetMs: number, vaeMs: number, steps: number): number {
  const f = (size / measured) ** 2.3;
  const evals = steps + 1; // PNDM's warm-up evaluation
  return (f * ((3 * evals + 3) * unetMs + 6 * vaeMs)) / 1000;
}

/** Runs every stage; returns the exit code (0 also when stages were skipped for the budget). */
export async function runCheck(options: CheckOptions, dawn: DawnProbe): Promise<number> {
  configureOrt();
  useNativeOrt();
  say(`GPU check: full-width SD 1.5 (fp32), ${options.size} px, budget ${options.budgetS} s; node ${process.version}, ${cpus().length} cores, ${gib(totalmem())}`);

  // 1. the model, made from the skeleton (reused when it is already there)
  const folder = `${options.work}/sd15-full`;
  let shown = 0;
  const made = materialize(options.skeleton, folder, {
    seed: options.seed,
    onProgress: (w, t) => {
      if (w - shown < 1024 * 2 ** 20 && w < t) return;
      say(`materializing: ${(w / 2 ** 30).toFixed(1)} / ${(t / 2 ** 30).toFixed(1)} GiB`);
      shown = w;
    },
  });
  say(`${made.reused ? 'reused' : 'materialized'} ${folder}: ${gib(made.bytes)} of weights`);
  if (!made.reused) report('gpu_check.materialize', made.ms / 1000, 's');
  if (made.fallbacks.length) say(`weights filled by the fallback rule: ${made.fallbacks.join(', ')}`);

  // 2. the backend, and 3. the model loaded on it (text encoder, UNet and VAE decoder
  // sessions): a backend that cannot load it (onnxruntime-web's wasm32 heap and a 3.4 GB
  // fp32 UNet, say) hands over to the next one
  const files = nodeFolderFiles(folder, `folder:${FOLDER}`);
  let loadS = 0;
  const failed = new Map<BackendId, string>();
  let choice: Choice;
  let model: DiffusionModel;
  let p: string;
  const load = async (name: string) => {
    const start = performance.now();
    const loaded = await loadModel(files, { id: `folder:${FOLDER}`, backend: choice.backend });
    loadS = (performance.now() - start) / 1000;
    report(`${p}.${name}`, loadS, 's');
    return loaded;
  };
  for (;;) {
    choice = await chooseRun(options.backend, dawn, failed);
    say(`backend: ${backendLabel(choice.backend)} (${choice.id}): ${choice.why}`);
    p = `gpu_check.${choice.id}`;
    try {
      model = await load('model_load');
      break;
    } catch (error) {
      say(`${choice.id}: the model did not load: ${firstLine(error)}`);
      if (choice.id === 'wasm') throw error;
      failed.set(choice.id, firstLine(error).slice(0, 200));
    }
  }
  report(`gpu_check.backend_${choice.id}`, 1, 'flag');
  const runtime = new Runtime({ registry: createProductRegistry(), services: nodeServices({ backend: 'wasm', services: { models: pinnedModels(() => model) } }) });
  let skipped = 0;
  const finish = () => {
    report('gpu_check.total', (performance.now() - options.startedAt) / 1000, 's');
    say(skipped ? `done: ${skipped} stage(s) skipped for the budget` : 'done: every stage ran');
    return 0;
  };
  try {
    const px = options.size;
    const h = px / 8;
    const prompt = 'a photograph of an astronaut riding a horse';
    const cond = await encodePrompts(model, [prompt, '']);

    // 4. the UNet step with classifier-free guidance: batch 2 (prompt and empty prompt)
    const unetFeeds = {
      sample: { data: torchRandn(0, [2, 4, h, h]), dims: [2, 4, h, h] },
      timestep: { data: [981], dims: [1] },
      encoder_hidden_states: { data: cond.data, dims: cond.dims },
    };
    const unet = await timed(`${p}.unet_step_cfg_${px}px`, options, 0.15, 60, async () => (await model.unet.run(unetFeeds, ['out_sample'])).out_sample);
    const u = stats(unet.out);
    say(`UNet out_sample [${unet.out.dims}]: std ${u.std.toFixed(3)}, ${u.finite ? 'all finite' : 'NOT FINITE'}`);
    if (!u.finite) throw new Error('the UNet gave non-finite values');

    // 5. the VAE decode of one latent
    if (left(options) < (unet.ms / 1000) * 2 + 30) {
      say(`VAE decode and gradient stage skipped: ${left(options).toFixed(0)} s of the budget left`);
      skipped += 2;
      return finish();
    }
    const latent: Tensor = { dims: [1, 4, h, h], data: torchRandn(1, [1, 4, h, h]) };
    const vae = await timed(`${p}.vae_decode_${px}px`, options, 0.15, 30, () => decodeLatents(model, latent));
    const v = stats(vae.out);
    say(`VAE sample [${vae.out.dims}]: range ${v.min.toFixed(2)}..${v.max.toFixed(2)}, ${v.finite ? 'all finite' : 'NOT FINITE'}`);
    if (!v.finite) throw new Error('the VAE decoder gave non-finite values');

    const gradientStage = async (): Promise<void> => {
      // 6. one GradientStep iteration: Generate forward, sharpness, backward to the embedding.
      // The size: --grad-size, else the largest multiple of 64 up to --size whose predicted time
      // fits the budget and whose planned activations fit the memory there is.
      if (left(options) < 60) {
        say(`gradient stage skipped: ${left(options).toFixed(0)} s of the budget left`);
        skipped++;
        return;
      }
      const planned = gradientMemoryPlanner(folder);
      const need = (size: number) => planned(size).peak * 1.25;
      const seconds = (size: number) => predictGradientS(size, px, unet.ms, vae.ms, options.steps);
      const wanted = options.gradSize ?? px;
      const gradientWeights = made.files.filter((f) => /^(unet|vae_decoder)\//.test(f.path)).reduce((a, f) => a + f.bytes, 0);
      let memory = memoryForGradients(choice);
      // on the CPU, onnxruntime's arenas keep what the forward stages at --size used: a fresh
      // load gives the gradient stage that memory back
      if (memory && (choice.id === 'cpu' || choice.id === 'wasm') && need(wanted) > memory.bytes - gradientWeights && left(options) > loadS + seconds(Math.min(wanted, 256)) + 60) {
        say(`reloading the model: ${gib(memory.bytes)} ${memory.where} after the forward stages, the gradient models at ${wanted} px plan ${gib(planned(wanted).peak)} plus ${gib(gradientWeights)} of weights`);
        await model.dispose();
        model = await load('model_reload');
      }
      let start = performance.now();
      await vjpSessions(model);
      report(`${p}.gradient_models_build`, (performance.now() - start) / 1000, 's');
      memory = memoryForGradients(choice);
      const problem = (size: number) => {
        if (seconds(size) > left(options) - 15) return `predicted ${seconds(size).toFixed(0)} s, ${left(options).toFixed(0)} s of the budget left`;
        if (memory && need(size) > memory.bytes) return `planned gradient activations ${gib(planned(size).peak)} (+25%), ${gib(memory.bytes)} ${memory.where}`;
        return undefined;
      };
      const sizes = options.gradSize !== undefined ? [options.gradSize] : Array.from({ length: px / 64 }, (_, i) => px - 64 * i);
      const gs = sizes.find((size) => !problem(size));
      if (gs === undefined) {
        say(`gradient stage skipped: at ${sizes[sizes.length - 1]} px ${problem(sizes[sizes.length - 1])}`);
        skipped++;
        return;
      }
      if (gs !== px) say(`gradient stage at ${gs} px: ${options.gradSize !== undefined ? '--grad-size' : `at ${px} px ${problem(px)}`}`);
      const plan = planned(gs);
      say(`gradient models at ${gs} px: planned activations ${gib(plan.peak)}, largest tensor ${gib(plan.largest)}${memory ? `; ${gib(memory.bytes)} ${memory.where}` : '; memory there unknown'}`);
      say(`gradient stage: GradientStep (1 iteration) over Generate (${options.steps} steps, PNDM, guidance 7.5, gradients through the last UNet call and the VAE decoder) -> Metric sharpness, in the Runtime`);
      const marks: Record<string, number> = {};
      const events: RuntimeEvent[] = [];
      const watchdog = setTimeout(() => {
        say(`gradient stage cancelled: the budget of ${options.budgetS} s ran out`);
        void runtime.cancel();
      }, Math.max(1, left(options) - 5) * 1000);
      let summary;
      try {
        summary = await runtime.run(gradientDocument(gs, options.steps), {}, (e) => {
          events.push(e);
          if (e.type === 'node-start' && e.nodeId === 'optimize') marks.start = performance.now();
          if (e.type === 'zone-iteration') marks[`iteration${e.step}`] = performance.now();
        });
      } finally {
        clearTimeout(watchdog);
      }
      if (summary.status !== 'ok') {
        const error = events.find((e) => e.type === 'node-error');
        if (summary.status === 'cancelled') {
          skipped++;
          return;
        }
        throw new Error(`the gradient graph failed: ${error?.type === 'node-error' ? `${error.nodeId}: ${error.message}` : JSON.stringify(summary)}`);
      }
      const g = `${p}.gradient_step`;
      // the zone's first forward, cold: the measure graph and the scheduler-step session are made here
      report(`${g}.forward_first_${options.steps}_steps_${gs}px`, marks.iteration0 - marks.start, 'ms');
      // iteration 0's backward (sharpness, VAE decoder, last UNet call), the optimizer step, and
      // iteration 1's forward and score: one whole GradientStep iteration
      const iteration = marks.iteration1 - marks.iteration0;
      report(`${g}.iteration_${gs}px`, iteration, 'ms');
      const scores = events.filter((e): e is Extract<RuntimeEvent, { type: 'zone-iteration' }> => e.type === 'zone-iteration').map((e) => e.objective);
      say(`sharpness before / after one step: ${scores.map((x) => x.toPrecision(7)).join(' / ')}`);

      // 7. the same forward alone (warm, recording its steps as in the zone): the backward is the rest
      const forwardS = ((gs / px) ** 2.3 * ((options.steps + 1) * unet.ms + vae.ms)) / 1000;
      if (left(options) < forwardS + 10) {
        say(`the forward alone was not timed (backward not split out): ${left(options).toFixed(0)} s of the budget left`);
        return;
      }
      const embedding = await encodePrompts(model, [prompt]);
      start = performance.now();
      await generate(model, { embedding, seeds: { kind: 'Seeds', seeds: [7] }, steps: options.steps, guidance: 7.5, scheduler: model.defaultScheduler, width: gs, height: gs, record: true });
      const forward = performance.now() - start;
      report(`${g}.forward_${options.steps}_steps_${gs}px`, forward, 'ms');
      report(`${g}.backward_${gs}px`, iteration - forward, 'ms');
    };
    try {
      await gradientStage();
    } catch (error) {
      // the forward figures stand; the line says what broke
      say(`gradient stage failed on ${backendLabel(choice.backend)}: ${firstLine(error)}`);
      finish();
      return 1;
    }
    return finish();
  } finally {
    await runtime.dispose();
    await model.dispose();
  }
}
