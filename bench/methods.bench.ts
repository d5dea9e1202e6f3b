import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeServices } from '../runtime/api/node-host';
import { report } from './report';
import { loadTemplate, mean, runGraph, scoreOf } from './methods-template';

/**
 * The issue-5 figures on the built-in model, with the templates' full settings:
 * - sharpness: gain within 30 iterations for 5 prompts (target: >= 25% for at least 4);
 * - seed-invariant: mean latent cosine to the target on the 4 held-out seeds, before and after;
 * - human feedback (headless, sharpness as the "person"): mean change of the picked score per round.
 * `METHODS_QUICK=1` cuts iterations for a smoke run.
 */
const PROMPTS = [
  'a red circle on a blue background',
  'a yellow square on a green background',
  'a white triangle on a black background',
  'a blue circle on a yellow background',
  'a green square on a red background',
];
const quick = process.env.METHODS_QUICK === '1';

export default async function methodsBench(): Promise<void> {
  const services = { ...nodeServices(), outDir: mkdtempSync(join(tmpdir(), 'es-methods-')) };
  try {
    let raised = 0;
    for (const [i, text] of PROMPTS.entries()) {
      const doc = loadTemplate('metric-optimization', { prompt: { text }, optimize: { iterations: quick ? 3 : 30 } });
      const started = performance.now();
      const run = await runGraph(doc, services);
      const values = run.history.get('optimize')!;
      const gain = Math.max(...values) / values[0] - 1;
      if (gain >= 0.25) raised++;
      report(`methods.sharpness.gain.prompt${i}`, 100 * gain, '%');
      report(`methods.sharpness.seconds_per_iteration.prompt${i}`, (performance.now() - started) / 1000 / values.length, 's');
    }
    report('methods.sharpness.prompts_raised_25pct', raised, `of ${PROMPTS.length}`);

    const k = quick ? { iterations: 2 } : {};
    const si = await runGraph(loadTemplate('seed-invariant', { optimize0: k, optimize1: k, optimize2: k }), services);
    const before = mean(scoreOf(si, 'cosine_before'));
    const after = mean(scoreOf(si, 'cosine_after'));
    report('methods.seed_invariant.heldout_cosine_before', before, 'cosine');
    report('methods.seed_invariant.heldout_cosine_after', after, 'cosine');
    report('methods.seed_invariant.heldout_cosine_gain', after - before, 'cosine');

    const hf = await runGraph(loadTemplate('human-feedback', quick ? { pick: { rounds: 2 }, candidates: { count: 50 } } : {}), services);
    const rounds = hf.history.get('pick')!;
    const steps = rounds.slice(1).map((v, i) => v - rounds[i]);
    // relative to the first round's pick: the built-in model's sharpness values are around 0.004
    report('methods.human_feedback.first_round_score', 1000 * rounds[0], 'sharpness x 1000');
    report('methods.human_feedback.last_round_score', 1000 * rounds.at(-1)!, 'sharpness x 1000');
    report('methods.human_feedback.mean_change_per_round', (100 * mean(steps)) / rounds[0], '% of round 1');
    report('methods.human_feedback.rounds_up', steps.filter((d) => d > 0).length, `of ${steps.length}`);
  } finally {
    await services.models.dispose();
  }
}
