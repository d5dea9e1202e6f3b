import { defineNode } from '../runtime/node-api/node';
import type { EmbeddingValue, ImageValue, ScoreValue, Value } from '../runtime/values/types';
import { slerpForward } from '../runtime/embeddings/slerp';
import { cancelled, stopRequested, zoneOf } from '../runtime/zones/zone-context';
import type { PickChoice } from '../runtime/node-api/pick';

function expect<K extends Value['kind']>(value: Value | undefined, kind: K, port: string): Extract<Value, { kind: K }> {
  if (!value) throw new Error(`zone input "${port}" got no value`);
  if (value.kind !== kind) throw new Error(`zone input "${port}" must be ${kind}, got ${value.kind}`);
  return value as Extract<Value, { kind: K }>;
}

/** Headless choice: the candidate with the best score (its own goal, else higher is better). */
export function bestCandidate(score: ScoreValue): number {
  const sign = score.goal === 'minimize' ? -1 : 1;
  let best = 0;
  score.values.forEach((v, i) => {
    if (sign * v > sign * score.values[best]) best = i;
  });
  return best;
}

/** slerp(cur, candidates[index], t), the paper's step toward the chosen image (docs/methods.md#human-feedback). */
function moveToward(cur: EmbeddingValue, candidates: EmbeddingValue, index: number, t: number, round: number): EmbeddingValue {
  const [, tokens, dim] = cur.tensor.dims;
  const size = tokens * dim;
  const cand = candidates.tensor.data.subarray(index * size, (index + 1) * size);
  const data = slerpForward({ data: cur.tensor.data, batch: 1, tokens, dim }, { data: cand, batch: 1, tokens, dim }, [t]);
  return { ...cur, tensor: { dims: [1, tokens, dim], data: Float32Array.from(data) }, labels: [`round ${round + 1}: #${index + 1}, t=${t}`] };
}

export const Pick = defineNode({
  type: 'Pick',
  version: 1,
  category: 'Zone',
  doc:
    'Human-feedback zone: each round the body makes candidates around "current" and their images; a person ' +
    'picks one and a slider t (in the editor), or the best "score" is picked (headless). The new current is ' +
    'slerp(current, chosen, t).',
  zone: 'pick',
  // A person's choices are not a function of the inputs: never reuse a cached result.
  deterministic: false,
  inputs: {
    init: { type: 'Embedding', doc: 'Starting embedding (one).' },
    candidates: { type: 'Embedding', doc: 'This round\'s candidate embeddings, made by the body from "current".' },
    images: { type: 'Image', doc: 'One image per candidate, shown for the choice.' },
    score: { type: 'Score', optional: true, doc: 'One score per candidate: picks when nobody is there (CLI, tests).' },
  },
  outputs: {
    current: { type: 'Embedding', doc: 'The embedding of this round (feeds the body).' },
    result: { type: 'Embedding', doc: 'After the last round or "Done": the final embedding.' },
    step: { type: 'Number', doc: 'The round number (new random candidates each round).' },
  },
  params: {
    rounds: { kind: 'number', default: 5, min: 1, max: 1000, integer: true, doc: 'Rounds before the zone finishes (a person may press Done earlier).' },
    t: { kind: 'number', default: 0.5, min: 0, max: 1, slider: true, doc: 'How far to move toward the chosen candidate (the slider\'s start; used as is headless).' },
  },
  async run(ctx, inputs, p) {
    const zone = zoneOf(ctx);
    const service = ctx.services.pick;
    let cur = inputs.init as EmbeddingValue;
    if (cur.tensor.dims[0] !== 1) throw new Error(`"init" must be one embedding, got a batch of ${cur.tensor.dims[0]}`);
    for (let round = 0; round < p.rounds; round++) {
      // a stop works like Done: the current embedding flows on
      if (stopRequested(ctx)) break;
      let choice: PickChoice;
      let score: ScoreValue | undefined;
      let candidates: EmbeddingValue;
      try {
        const run = await zone.runBody({ current: cur, step: round });
        candidates = expect(run.loopInputs.candidates, 'Embedding', 'candidates');
        const images: ImageValue = expect(run.loopInputs.images, 'Image', 'images');
        score = run.loopInputs.score ? expect(run.loopInputs.score, 'Score', 'score') : undefined;
        const n = candidates.tensor.dims[0];
        if (images.tensor.dims[0] !== n) throw new Error(`${n} candidates but ${images.tensor.dims[0]} images`);
        if (score && score.values.length !== n) throw new Error(`${n} candidates but ${score.values.length} scores`);
        if (service) {
          const labels = candidates.labels;
          const request = { nodeId: ctx.nodeId, round, images, t: p.t, ...(labels ? { labels } : {}), ...(score ? { scores: [...score.values] } : {}) };
          choice = await service.choose(request, AbortSignal.any([ctx.signal, zone.stop]));
        } else if (score) {
          choice = { index: bestCandidate(score), t: p.t };
        } else {
          throw new Error('nobody to pick and no "score" input: connect a score (e.g. a Metric) to run it headless');
        }
      } catch (error) {
        if (stopRequested(ctx, error)) break;
        if (cancelled(ctx, error) && round > 0) break;
        throw error;
      }
      if ('done' in choice) break;
      if (choice.index >= candidates.tensor.dims[0]) throw new Error(`choice ${choice.index} is not one of the ${candidates.tensor.dims[0]} candidates`);
      // The objective is the chosen candidate's score; a person's pick without scores has none to plot.
      if (score) zone.iteration(round, score.values[choice.index], score.goal ?? 'maximize');
      ctx.progress(round + 1, p.rounds);
      cur = moveToward(cur, candidates, choice.index, choice.t, round);
    }
    return { current: cur, result: cur, step: { kind: 'Number', values: [p.rounds] } };
  },
});
