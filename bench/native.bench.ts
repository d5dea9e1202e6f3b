import { readFileSync } from 'node:fs';
import { createProductRegistry } from '../nodes/product';
import { nodeServices } from '../runtime/api/node-host';
import { Runtime } from '../runtime/api/runtime';
import { buildVjpModel } from '../runtime/autodiff/index';
import type { Backend } from '../runtime/ort/backend';
import { chooseBackend, configureOrt } from '../runtime/ort/env';
import { useNativeOrt } from '../runtime/ort/native';
import type { HostTensor } from '../runtime/ort/session';
import { torchRandn } from '../runtime/rng/torch-randn';
import { compare, compareSessions } from './compare';
import { report } from './report';

/**
 * onnxruntime-node (`native`, every CPU core, or CUDA where installed) against onnxruntime-web's
 * wasm (one thread) on the built-in model, through the same Session layer and Runtime: the
 * UNet step with guidance (batch 2), its gradient model, and text-to-image end to end.
 * Figures as bench/compare.ts names them.
 */
export default async function nativeBench(): Promise<void> {
  configureOrt();
  useNativeOrt();
  const native = await chooseBackend('native');
  if (native.name !== 'native') throw new Error(`no native backend here: ${native.notice}`);
  report(`native.device_${native.device}`, 1, 'flag');
  const backends: Backend[] = [{ name: 'wasm' }, native];

  const unet = new Uint8Array(readFileSync(new URL('../models/tiny/unet/model.onnx', import.meta.url)));
  const feeds: Record<string, HostTensor> = {
    sample: { data: torchRandn(0, [2, 4, 8, 8]), dims: [2, 4, 8, 8] },
    timestep: { data: [500], dims: [1] },
    encoder_hidden_states: { data: torchRandn(1, [2, 77, 128]), dims: [2, 77, 128] },
  };
  await compareSessions('native.tiny.unet_step_batch2', unet, backends, feeds, ['out_sample']);

  // as Generate's backward pass builds it (runtime/diffusion-vjp/sessions.ts)
  const vjp = buildVjpModel(unet, { wrt: ['sample', 'encoder_hidden_states'], of: 'out_sample', includeOutput: false });
  const gradFeeds = { ...feeds, grad_out_sample: { data: torchRandn(2, [2, 4, 8, 8]), dims: [2, 4, 8, 8] } };
  await compareSessions('native.tiny.unet_gradient_batch2', vjp.model, backends, gradFeeds, ['grad_sample', 'grad_encoder_hidden_states'], vjp.externalData);

  const doc = JSON.parse(readFileSync(new URL('../graphs/text-to-image.json', import.meta.url), 'utf8'));
  const steps = doc.nodes.find((n: { id: string }) => n.id === 'generate').params.steps as number;
  const registry = createProductRegistry();
  const hosts = { wasm: nodeServices({ backend: 'wasm' }), native: nodeServices({ backend: 'native' }) };
  try {
    // a fresh Runtime per run (its result cache would skip every node after the first); models stay loaded
    const graphRun = (backend: keyof typeof hosts) => async () => {
      const summary = await new Runtime({ registry, services: hosts[backend] }).run(doc, {}, () => {});
      if (summary.status !== 'ok') throw new Error(`graph run failed on ${backend}: ${JSON.stringify(summary)}`);
    };
    await compare(`native.tiny.text_to_image_${steps}_steps`, { wasm: graphRun('wasm'), native: graphRun('native') }, 3);
  } finally {
    await Promise.all(Object.values(hosts).map((h) => h.models.dispose()));
  }
}
