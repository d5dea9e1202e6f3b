import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createProductRegistry } from '../nodes/product';
import { nodeServices } from '../runtime/api/node-host';
import { Runtime } from '../runtime/api/runtime';
import { buildVjpModel } from '../runtime/autodiff/index';
import type { Backend } from '../runtime/ort/backend';
import { chooseBackend, configureOrt } from '../runtime/ort/env';
import { useNativeOrt } from '../runtime/ort/native';
import { Session, type HostTensor } from '../runtime/ort/session';
import { FILES, readExternalData } from '../runtime/models/files/layout';
import { nodeFolderFiles } from '../runtime/models/files/node';
import { torchRandn } from '../runtime/rng/torch-randn';
import { compare, compareSessions } from './compare';
import { REFERENCE_DIR, referenceGraph } from './reference-graphs';
import { report } from './report';

/**
 * The reduced SD 1.5 reference model (models/reference/sd15) on onnxruntime-node (`native`)
 * against wasm: text-to-image through the Runtime (20 lms steps, guidance 7.5, 64 px), and
 * the UNet's forward and gradient models (batch 2 as with guidance, 8x8 latents; the gradient
 * model built with buildVjpModel as Generate's backward pass builds it), with their ratio.
 *
 * The full-width SD 1.5 (3.4 GB UNet weights) is not committed: with ES_FULL_SD15 naming a
 * folder made by `npx tsx tools/reference/materialize.ts materialize models/reference/sd15-full-skeleton DIR`
 * (seconds, no Python) or built by `/usr/bin/python3 -m tools.reference.build --model sd15 --full --out DIR`,
 * the build time of its UNet's gradient model and the time and memory of one guided forward
 * step at 512 px (batch 2, 64x64 latents) on native. onnxruntime-node reports no allocation
 * figures, so memory is the process RSS, sampled every 2 ms: its peak during the step less
 * the RSS just before it (weights already loaded), and the RSS with the session loaded.
 */
const STEPS = 20;
const WASM: Backend = { name: 'wasm' };

async function nativeBackend(): Promise<Backend> {
  configureOrt();
  useNativeOrt();
  const native = await chooseBackend('native');
  if (native.name !== 'native') throw new Error(`no native backend here: ${native.notice}`);
  return native;
}

async function textToImage(): Promise<void> {
  const doc = referenceGraph('text-to-image', 'sd15');
  doc.nodes.find((n) => n.id === 'generate')!.params.steps = STEPS;
  const registry = createProductRegistry();
  const folders = { sd15: join(REFERENCE_DIR, 'sd15') };
  const hosts = { wasm: nodeServices({ backend: 'wasm', folders }), native: nodeServices({ backend: 'native', folders }) };
  try {
    // a fresh Runtime per run (its cache would skip every node after the first); models stay loaded
    const run = (backend: keyof typeof hosts) => async () => {
      const summary = await new Runtime({ registry, services: hosts[backend] }).run(doc, {}, () => {});
      if (summary.status !== 'ok') throw new Error(`reduced SD 1.5 text-to-image failed on ${backend}: ${JSON.stringify(summary)}`);
    };
    await compare(`reference.sd15.text_to_image_${STEPS}_steps`, { wasm: run('wasm'), native: run('native') }, 3);
  } finally {
    await Promise.all(Object.values(hosts).map((h) => h.models.dispose()));
  }
}

/** UNet feeds at batch 2 (guidance), with the model's own context width. */
function unetFeeds(latent: number, context: number): Record<string, HostTensor> {
  return {
    sample: { data: torchRandn(0, [2, 4, latent, latent]), dims: [2, 4, latent, latent] },
    timestep: { data: [500], dims: [1] },
    encoder_hidden_states: { data: torchRandn(1, [2, 77, context]), dims: [2, 77, context] },
  };
}

async function reducedUnet(native: Backend): Promise<void> {
  const files = nodeFolderFiles(join(REFERENCE_DIR, 'sd15'));
  const unet = await files.read(FILES.unet);
  const external = await readExternalData(files, FILES.unet);
  const feeds = unetFeeds(8, 64);
  const forward = await compareSessions('reference.sd15.unet_forward_batch2', unet, [WASM, native], feeds, ['out_sample'], external);
  const start = performance.now();
  const vjp = buildVjpModel(unet, { wrt: ['sample', 'encoder_hidden_states'], of: 'out_sample', includeOutput: false });
  report('reference.sd15.unet_gradient.build', performance.now() - start, 'ms');
  const gradFeeds = { ...feeds, grad_out_sample: { data: torchRandn(2, [2, 4, 8, 8]), dims: [2, 4, 8, 8] } };
  const gradient = await compareSessions(
    'reference.sd15.unet_gradient_batch2',
    vjp.model,
    [WASM, native],
    gradFeeds,
    ['grad_sample', 'grad_encoder_hidden_states'],
    [...(vjp.externalData ?? []), ...external],
    { createTimes: true },
  );
  for (const side of ['wasm', 'native'] as const) report(`reference.sd15.unet_gradient_over_forward.${side}`, gradient[side] / forward[side], 'x');
}

const rss = () => process.memoryUsage.rss();

async function fullUnet(dir: string, native: Backend): Promise<void> {
  const files = nodeFolderFiles(dir);
  let start = performance.now();
  const unet = await files.read(FILES.unet);
  const external = await readExternalData(files, FILES.unet);
  report('reference.sd15_full.unet_read', performance.now() - start, 'ms');
  start = performance.now();
  buildVjpModel(unet, { wrt: ['sample', 'encoder_hidden_states'], of: 'out_sample', includeOutput: false });
  report('reference.sd15_full.unet_gradient.build', performance.now() - start, 'ms');

  start = performance.now();
  const session = await Session.create('sd15-full unet', unet, { backend: native, externalData: external });
  report('reference.sd15_full.unet_session_create.native', performance.now() - start, 'ms');
  external.length = 0; // onnxruntime holds its own copy of the weights now
  try {
    const context = Number(session.input('encoder_hidden_states')!.shape[2]);
    const feeds = unetFeeds(64, context);
    report('reference.sd15_full.unet_session_loaded.rss', rss() / 2 ** 20, 'MiB');
    const before = rss();
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, rss())), 2);
    start = performance.now();
    try {
      await session.run(feeds, ['out_sample']);
    } finally {
      clearInterval(timer);
    }
    report('reference.sd15_full.unet_forward_batch2_512px.native', performance.now() - start, 'ms');
    report('reference.sd15_full.unet_forward_batch2_512px.peak_rss_growth', (Math.max(peak, rss()) - before) / 2 ** 20, 'MiB');
  } finally {
    await session.dispose();
  }
}

export default async function referenceBench(): Promise<void> {
  const native = await nativeBackend();
  await textToImage();
  await reducedUnet(native);
  const full = process.env.ES_FULL_SD15;
  if (!full || !existsSync(join(full, FILES.unet))) {
    console.error(
      `reference.sd15_full: skipped (${full ? `${full} has no ${FILES.unet}` : 'ES_FULL_SD15 is not set'}); make the full-width SD 1.5 with ` +
        '`npx tsx tools/reference/materialize.ts materialize models/reference/sd15-full-skeleton /tmp/sd15-full` and run with ES_FULL_SD15=/tmp/sd15-full',
    );
    return;
  }
  await fullUnet(full, native);
}
