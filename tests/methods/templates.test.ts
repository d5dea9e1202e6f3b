import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProductRegistry } from '../../nodes/product';
import { validateGraph } from '../../runtime/graph/validate';
import { nodeServices } from '../../runtime/api/node-host';
import { runCli } from '../../cli/run-cli';
import { loadTemplate, overrideType, runGraph, scoreOf } from '../../bench/methods-template';

// Small counts: these check that each template runs headless end to end; bench/methods.bench.ts measures.
const services = nodeServices();
afterAll(async () => services.models.dispose());
const quick = (name: string, overrides: Record<string, Record<string, unknown>>) =>
  overrideType(loadTemplate(name, overrides), 'Generate', { steps: 4 });

describe('method templates', () => {
  for (const name of ['metric-optimization', 'human-feedback', 'seed-invariant']) {
    it(`${name} is a valid document with a description of what to change for Stable Diffusion`, () => {
      const doc = loadTemplate(name);
      const v = validateGraph(doc, createProductRegistry());
      expect(v.ok ? [] : v.problems).toEqual([]);
      expect(String((doc.meta as { description: string }).description)).toMatch(/Stable Diffusion/);
    });
  }

  it('metric optimization runs headless through the CLI: history {goal, values}, before/after PNGs, saved embedding', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-metric-'));
    const file = join(dir, 'graph.json');
    writeFileSync(file, JSON.stringify(quick('metric-optimization', { optimize: { iterations: 2 } })));
    const err: string[] = [];
    const code = await runCli(['run', file, '--out', join(dir, 'out')], {
      registry: createProductRegistry(), services, stdout: () => {}, stderr: (t) => err.push(t),
    });
    expect(code, err.join('')).toBe(0);
    const history = JSON.parse(readFileSync(join(dir, 'out', 'optimize.history.json'), 'utf8'));
    expect(history.goal).toBe('maximize');
    expect(history.values).toHaveLength(3);
    for (const f of ['before_preview-0.png', 'after_preview-0.png', 'sharpness-optimized.safetensors']) expect(existsSync(join(dir, 'out', f))).toBe(true);
  });

  it('human feedback runs headless: the score picks each round', async () => {
    const run = await runGraph(quick('human-feedback', { pick: { rounds: 2 }, candidates: { count: 12, picks: 3 } }), { ...services, outDir: mkdtempSync(join(tmpdir(), 'es-hf-')) });
    expect(run.summary.status).toBe('ok');
    const rounds = run.history.get('pick')!;
    expect(rounds).toHaveLength(2);
    // headless picks the best of the round's candidates
    expect(rounds[1]).toBe(Math.max(...scoreOf(run, 'taste')));
  });

  it('seed-invariant runs its three zones and scores start and result on the held-out seeds', async () => {
    const o = { iterations: 1 };
    const run = await runGraph(quick('seed-invariant', { optimize0: o, optimize1: o, optimize2: o }), { ...services, outDir: mkdtempSync(join(tmpdir(), 'es-si-')) });
    expect(run.summary.status).toBe('ok');
    for (const k of [0, 1, 2]) expect(run.history.get(`optimize${k}`)).toHaveLength(2);
    expect(scoreOf(run, 'cosine_before')).toHaveLength(4);
    expect(scoreOf(run, 'cosine_after')).toHaveLength(4);
  });
});
