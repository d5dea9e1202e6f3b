import { defineNode } from '../runtime/node-api/node';
import { encodePromptsCached } from '../runtime/models/pipeline/encode-cache';
import { modelOf } from '../runtime/models/values';
import type { EmbeddingValue } from '../runtime/values/types';
import { SeededRandom, feedbackCandidate, randomPrompts, spreadEmbeddings, styleSuffix } from '../runtime/prompts';

/** Different random prompts each round of a Pick zone, the same ones for the same seed and round. */
const roundSeed = (seed: number, step: number | undefined) => (seed + 1_000_003 * (step ?? 0)) >>> 0;

export const RandomPrompts = defineNode({
  type: 'RandomPrompts',
  version: 1,
  category: 'Embedding',
  doc:
    'The human-feedback candidates (docs/methods.md#human-feedback): encodes many random prompts, keeps the most spread-out few ' +
    '(farthest points by the last token row) and, with "current" connected, blends each into it (similarity ' +
    'about 0.72) and pulls it toward your prompt plus random style keywords.',
  inputs: {
    model: { type: 'Model', doc: 'The text encoder to use.' },
    current: { type: 'Embedding', optional: true, doc: 'The current embedding (a Pick zone\'s "current"); unconnected: the raw random picks.' },
  },
  outputs: {
    candidates: { type: 'Embedding', doc: 'One embedding per pick, labelled with its random prompt.' },
  },
  params: {
    prompt: { kind: 'string', default: 'a red circle on a blue background', doc: 'Your prompt: every candidate is pulled toward it.' },
    count: { kind: 'number', default: 500, min: 2, max: 5000, integer: true, doc: 'Random prompts to draw from (paper: 500).' },
    picks: { kind: 'number', default: 5, min: 1, max: 64, integer: true, doc: 'Candidates per round (paper: 5).' },
    seed: { kind: 'number', default: 1332, min: 0, max: 2 ** 32 - 1, integer: true, doc: 'Seed of the random prompts (the round is added to it).' },
    similarity: { kind: 'number', default: 0.72, min: 0, max: 1, doc: 'Target similarity of a candidate to "current".' },
    promptPull: { kind: 'number', default: 0.28, min: 0, max: 1, doc: 'How far candidates move toward your prompt.' },
  },
  async run(ctx, inputs, p) {
    const model = modelOf(inputs.model);
    if (p.picks > p.count) throw new Error(`cannot pick ${p.picks} of ${p.count} prompts`);
    const seed = roundSeed(p.seed, ctx.step);
    // one pool per seed, encoded once and cached: each round starts the farthest-point walk
    // elsewhere in it, so rounds differ without encoding hundreds of new prompts each time
    const texts = randomPrompts(p.seed, p.count);
    const pool = await encodePromptsCached(model, texts);
    const [, tokens, dim] = pool.dims;
    const first = ctx.step === undefined ? 0 : seed % p.count;
    const chosen = spreadEmbeddings(pool.data, pool.dims, p.picks, tokens - 1, first);
    const size = tokens * dim;
    const data = new Float32Array(p.picks * size);
    const current = inputs.current as EmbeddingValue | undefined;
    if (current) {
      if (current.model !== model.id) throw new Error(`"current" was made by ${current.model}, not ${model.id}`);
      const rng = new SeededRandom(seed ^ 0x5bd1e995);
      const targets = await encodePromptsCached(model, chosen.map(() => `${p.prompt}, ${styleSuffix(rng)}`));
      const cur = current.tensor.data.subarray(0, size);
      chosen.forEach((idx, k) => {
        const pick = pool.data.subarray(idx * size, (idx + 1) * size);
        const target = targets.data.subarray(k * size, (k + 1) * size);
        data.set(feedbackCandidate(cur, pick, target, tokens, dim, { similarity: p.similarity, promptPull: p.promptPull }), k * size);
      });
    } else {
      chosen.forEach((idx, k) => data.set(pool.data.subarray(idx * size, (idx + 1) * size), k * size));
    }
    const candidates: EmbeddingValue = { kind: 'Embedding', tensor: { dims: [p.picks, tokens, dim], data }, model: model.id, labels: chosen.map((i) => texts[i]) };
    return { candidates };
  },
});
