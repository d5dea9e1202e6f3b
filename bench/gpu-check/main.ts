/**
 * The GPU check's entry (bench/gpu-check.sh runs it): makes the full-width SD 1.5 folder from
 * its committed skeleton, picks the fastest backend this machine has, and times the UNet
 * step with guidance, the VAE decode and one GradientStep iteration, as JSON lines
 * {"name","value","unit"}; lines starting with "# " say what ran where and what was skipped.
 *
 * Nothing of onnxruntime-web is imported before the backend is known: when Dawn's `webgpu`
 * package finds an adapter, a module hook (ort-web-webgpu.mjs) first points `onnxruntime-web`
 * at its WebGPU build, which the product's session layer then uses.
 */
import { register } from 'node:module';
import { firstLine, parse, type DawnProbe } from './options';

/**
 * Dawn through the npm `webgpu` package, if it can be imported (it is no dependency of the
 * project: carried to a GPU machine, or GPU_CHECK_WEBGPU_MODULE names where it is), with an
 * adapter. GPU_CHECK_DAWN_FLAGS passes Dawn toggles, e.g. `backend=vulkan`.
 */
async function probeDawn(): Promise<DawnProbe> {
  const specifier = process.env.GPU_CHECK_WEBGPU_MODULE ?? 'webgpu';
  let dawn: { create(flags: string[]): GpuLike; globals: Record<string, unknown> };
  try {
    dawn = (await import(specifier)) as typeof dawn;
  } catch (error) {
    return { why: `the webgpu package (Dawn for Node) cannot be imported (${firstLine(error)})` };
  }
  try {
    const flags = (process.env.GPU_CHECK_DAWN_FLAGS ?? '').split(',').filter(Boolean);
    const gpu = dawn.create(flags);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { why: 'Dawn (the webgpu package) found no GPU adapter' };
    Object.assign(globalThis, dawn.globals);
    // onnxruntime-web asks navigator.gpu for its adapter; Node 21+ has a navigator without gpu
    const nav = (globalThis as { navigator?: object }).navigator;
    if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unnamed adapter';
    return { adapter: name, why: `Dawn found a GPU adapter (${name})` };
  } catch (error) {
    return { why: `Dawn failed to start (${firstLine(error)})` };
  }
}

interface GpuLike {
  requestAdapter(options?: object): Promise<{ info?: Record<string, string | undefined> } | null>;
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  let dawn: DawnProbe = { why: 'not tried' };
  if (options.backend === 'auto' || options.backend === 'webgpu') {
    dawn = await probeDawn();
    if (dawn.adapter) register('./ort-web-webgpu.mjs', import.meta.url);
    else if (options.backend === 'webgpu') throw new Error(`--backend webgpu: ${dawn.why}`);
  }
  const { runCheck } = await import('./check.ts');
  process.exitCode = await runCheck(options, dawn);
}

main().then(
  // Dawn and onnxruntime keep handles open: leave once the figures are out
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    console.log(`# gpu-check failed: ${firstLine(error)}`);
    console.error(error);
    process.exit(1);
  },
);
