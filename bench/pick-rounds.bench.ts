import { RandomPrompts } from '../nodes/RandomPrompts';
import { nodeServices } from '../runtime/api/node-host';
import type { RunContext } from '../runtime/node-api/node';
import { encodePrompts } from '../runtime/models/pipeline/encode';
import { clearEncodeCache } from '../runtime/models/pipeline/encode-cache';
import { configureOrt } from '../runtime/ort/env';
import { randomPrompts } from '../runtime/prompts';
import type { EmbeddingValue } from '../runtime/values/types';
import { report } from './report';

/**
 * The human-feedback template's candidates (RandomPrompts, 500 prompts, 5 picks) on the
 * built-in model, wasm, as a Pick zone asks for them each round:
 * - `pick_rounds.tiny.encode500`: encoding the 500 prompts once, what every round cost before
 *   the encodings were cached;
 * - `.round1`: the first round in a fresh process (the pool encoded, then cached);
 * - `.round2`: a later round (another start in the same cached pool: only the 5 prompt+style
 *   targets reach the encoder).
 */
const PARAMS = { prompt: 'a red circle on a blue background', count: 500, picks: 5, seed: 1332, similarity: 0.85, promptPull: 0.05 };

export default async function pickRoundsBench(): Promise<void> {
  configureOrt();
  const services = nodeServices();
  const model = await services.models.load('builtin:tiny');
  const modelValue = { kind: 'Model' as const, id: model.id, handle: model };
  const current: EmbeddingValue = { kind: 'Embedding', tensor: await encodePrompts(model, [PARAMS.prompt]), model: model.id };
  const ctx = (step: number) => ({ nodeId: 'candidates', signal: new AbortController().signal, services, progress() {}, preview() {}, step }) as RunContext;
  const time = async (fn: () => Promise<unknown>) => {
    const start = performance.now();
    await fn();
    return performance.now() - start;
  };
  await encodePrompts(model, randomPrompts(1, 64)); // warm the session
  report('pick_rounds.tiny.encode500', await time(() => encodePrompts(model, randomPrompts(PARAMS.seed, PARAMS.count))), 'ms');
  clearEncodeCache();
  report('pick_rounds.tiny.round1', await time(() => RandomPrompts.run(ctx(0), { model: modelValue, current }, PARAMS)), 'ms');
  report('pick_rounds.tiny.round2', await time(() => RandomPrompts.run(ctx(1), { model: modelValue, current }, PARAMS)), 'ms');
  await services.models.dispose();
}
