import { defineNode } from '../runtime/node-api/node';
import { parseBytes } from '../runtime/autodiff/bytes';
import { cancelled, stopRequested, zoneOf } from '../runtime/zones/zone-context';
import type { EmbeddingValue, Tensor } from '../runtime/values/types';
import { OPTIMIZER_NAMES, createOptimizer, restoreStatistics, statistics, type OptimizerName } from '../runtime/optim';
import { makeLayout, packGradient, packValues, unpack } from '../runtime/zones/embedding-params';
import { backpropagate } from '../runtime/zones/backprop';
import { BestSoFar, reduceScores, resolveGoal, scoreGradient, scoreInput, type Goal, type Reduce } from '../runtime/zones/objective';

function checkFinite(t: Tensor, step: number): void {
  for (const v of t.data) if (!Number.isFinite(v)) throw new Error(`the gradient at iteration ${step} is not finite (NaN or infinity)`);
}

/** The memoryBudget param: undefined for none, 'auto', or bytes; a one-line error naming the node otherwise. */
export function parseMemoryBudget(spec: string, nodeId: string): number | 'auto' | undefined {
  const s = spec.trim().toLowerCase();
  if (s === '' || s === 'none') return undefined;
  if (s === 'auto') return 'auto';
  const bytes = parseBytes(spec, `GradientStep "${nodeId}" param memoryBudget`);
  return bytes > 0 ? bytes : undefined;
}

export const GradientStep = defineNode({
  type: 'GradientStep',
  version: 1,
  category: 'Zone',
  doc:
    'Optimization zone: runs its body (everything between "current" and "loss") once per iteration, ' +
    'backpropagates the loss to "current" and updates the embedding. "result" is the best (or the last) embedding seen.',
  zone: 'gradient',
  inputs: {
    init: { type: 'Embedding', doc: 'Starting embedding (batch items are optimized as separate groups, e.g. prompt and negative).' },
    loss: { type: 'Score', doc: 'What to minimize or maximize, computed by the body from "current".' },
  },
  outputs: {
    current: { type: 'Embedding', doc: 'The embedding of this iteration (feeds the body).' },
    result: { type: 'Embedding', doc: 'After the last iteration: the best (or last) embedding seen.' },
    step: { type: 'Number', doc: 'The iteration number, for schedules inside the body.' },
  },
  params: {
    iterations: { kind: 'number', default: 30, min: 0, max: 10000, integer: true, doc: 'Optimizer steps; the body runs one more time to score the last one.' },
    optimizer: { kind: 'enum', options: OPTIMIZER_NAMES, default: 'adam-on-lion', doc: 'AdamOnLion (the paper), Adam or SGD.' },
    lr: { kind: 'number', default: 0.01, min: 0, max: 10, doc: 'Learning rate.' },
    goal: { kind: 'enum', options: ['auto', 'minimize', 'maximize'], default: 'auto', doc: '"auto" follows the loss score (Metric and Compare say which way is better).' },
    lossScale: { kind: 'number', default: 1, min: 0, max: 1e6, doc: 'Multiplies the loss before backpropagation (paper: 10 for sharpness, 10000 for latent cosine).' },
    reduce: { kind: 'enum', options: ['mean', 'sum'], default: 'mean', doc: 'How a batch of scores becomes one objective.' },
    fixedRows: { kind: 'numberList', default: [0], integer: true, min: 0, max: 4095, maxLength: 4096, doc: 'Token rows that never change (BOS by default).' },
    tieRows: { kind: 'boolean', default: false, doc: 'Optimize one vector shared by all free rows, starting from the last one (seed-invariant method).' },
    keepStatistics: { kind: 'boolean', default: false, doc: 'After each step restore the initial mean and std and reset the optimizer (the paper\'s aesthetic runs).' },
    memoryBudget: {
      kind: 'string',
      default: 'none',
      doc: 'Memory the gradient models (Generate\'s UNet and VAE decoder) may plan for their activations: "none" keeps them all, "auto" fits what the backend holds (WebGPU: the GPU\'s buffer limit; wasm: its 4 GiB heap), or bytes such as 3GB or 512MiB; over budget, activations are recomputed in the backward pass (same gradients, more time).',
    },
    result: {
      kind: 'enum',
      options: ['best', 'last'],
      default: 'best',
      doc: '"best": the embedding with the best objective seen; "last": the final one (for objectives that change with the step, such as a seed curriculum).',
    },
  },
  async run(ctx, inputs, p) {
    const zone = zoneOf(ctx);
    const init = inputs.init as EmbeddingValue;
    const layout = makeLayout(init.tensor.dims, p.fixedRows, p.tieRows);
    const groups = packValues(layout, init.tensor.data);
    const stats = p.keepStatistics ? groups.map(statistics) : undefined;
    const optimizer = createOptimizer(p.optimizer as OptimizerName, p.lr);
    let best: BestSoFar<Tensor> | undefined;
    let last = init.tensor;
    const asValue = (tensor: Tensor): EmbeddingValue => ({ ...init, tensor });
    const memoryBudget = parseMemoryBudget(p.memoryBudget, ctx.nodeId);
    let stepNow = 0;
    const gradient = { memoryBudget, status: (message: string) => ctx.progress(stepNow + 1, p.iterations + 1, message) };
    for (let step = 0; step <= p.iterations; step++) {
      // "Stop and use best": the loop ends here and the best so far flows on (init if none yet).
      if (stopRequested(ctx)) break;
      const current = unpack(layout, init.tensor.data, groups);
      stepNow = step;
      try {
        const run = await zone.runBody({ current: asValue(current), step });
        const score = scoreInput(run.loopInputs.loss, 'loss');
        const goal: Goal = resolveGoal(p.goal, score);
        best ??= new BestSoFar<Tensor>(goal);
        const objective = reduceScores(score.values, p.reduce as Reduce);
        best.offer(objective, current, step);
        last = current;
        zone.iteration(step, objective, goal);
        ctx.progress(step + 1, p.iterations + 1);
        if (step === p.iterations) break;
        const seed = { dims: [score.values.length], data: scoreGradient(score.values.length, goal, p.reduce as Reduce, p.lossScale) };
        const grad = await backpropagate(run, ctx.nodeId, zone.gradientPath, { loopInput: 'loss', grad: seed }, 'current', gradient);
        if (!grad) throw new Error('"loss" does not depend on "current" through differentiable nodes');
        checkFinite(grad, step);
        optimizer.step(groups, packGradient(layout, grad.data));
        if (stats) {
          groups.forEach((g, i) => restoreStatistics(g, stats[i]));
          optimizer.reset();
        }
      } catch (error) {
        if (stopRequested(ctx, error)) break;
        if (cancelled(ctx, error) && best?.item) break;
        throw error;
      }
    }
    return {
      current: asValue(last),
      result: asValue(p.result === 'last' ? last : (best?.item ?? last)),
      step: { kind: 'Number', values: [p.iterations] },
    };
  },
});
