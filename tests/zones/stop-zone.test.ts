import { describe, expect, it } from 'vitest';
import { GradientStep } from '../../nodes/GradientStep';
import { defineNode } from '../../runtime/node-api/node';
import type { EmbeddingValue } from '../../runtime/values/types';
import { Runtime } from '../../runtime/api/runtime';
import type { RunSummary, RuntimeEvent } from '../../runtime/events';
import { edge, registry } from './test-nodes';

/**
 * "Stop and use best" (RuntimeApi.stopZone): a running zone ends its loop, hands on its best
 * result, and the run goes on downstream; nothing made from the cut-short result is cached.
 */
let passRuns = 0;
let seen: EmbeddingValue | undefined;
/** Deterministic, so it is cached like an after-image Generate would be. */
const Pass = defineNode({
  type: 'Pass', version: 1, category: 'Embedding', doc: 'test: counts its runs',
  inputs: { embedding: { type: 'Embedding', doc: '' } }, outputs: { embedding: { type: 'Embedding', doc: '' } }, params: {},
  async run(_c, i) {
    passRuns++;
    seen = i.embedding as EmbeddingValue;
    return { embedding: i.embedding! };
  },
});
/** A body node (identity with a vjp) that calls `onStep` and then honours its signal, as Generate does between steps. */
let onStep: (step: number) => void = () => {};
const Probe = defineNode({
  type: 'Probe', version: 1, category: 'Embedding', doc: 'test: body hook',
  inputs: { embedding: { type: 'Embedding', doc: '' } }, outputs: { embedding: { type: 'Embedding', doc: '' } }, params: {},
  async run(ctx, i) {
    onStep(ctx.step ?? -1);
    ctx.signal.throwIfAborted();
    return { embedding: i.embedding! };
  },
  async vjp(_c, _i, _p, _o, g) {
    return { embedding: g.embedding };
  },
});
const reg = registry(GradientStep, Pass, Probe);

const doc = {
  format: 'embedding-studio/graph',
  version: 1,
  nodes: [
    { id: 'init', type: 'Const' },
    { id: 'opt', type: 'GradientStep', params: { iterations: 1000, optimizer: 'adam', lr: 0.1 } },
    { id: 'probe', type: 'Probe' },
    { id: 'd', type: 'Distance' },
    { id: 'after', type: 'Pass' },
  ],
  edges: [
    edge('init.embedding', 'opt.init'), edge('opt.current', 'probe.embedding'), edge('probe.embedding', 'd.embedding'),
    edge('d.score', 'opt.loss'), edge('opt.result', 'after.embedding'),
  ],
};

async function run(runtime: Runtime, onEvent: (e: RuntimeEvent) => void = () => {}): Promise<{ summary: RunSummary; objective: number[]; events: RuntimeEvent[] }> {
  const objective: number[] = [];
  const events: RuntimeEvent[] = [];
  const summary = await runtime.run(doc, {}, (e) => {
    events.push(e);
    if (e.type === 'zone-iteration') objective.push(e.objective);
    onEvent(e);
  });
  return { summary, objective, events };
}

describe('stopZone ("Stop and use best")', () => {
  it('ends the loop between iterations and the best result flows downstream; the run is ok', async () => {
    onStep = () => {};
    const runtime = new Runtime({ registry: reg, services: {} });
    passRuns = 0;
    const { summary, objective, events } = await run(runtime, (e) => {
      if (e.type === 'zone-iteration' && e.step === 3) void runtime.stopZone('opt');
    });
    expect(summary.status).toBe('ok');
    expect(objective).toHaveLength(4);
    expect(summary.nodes.opt).toMatchObject({ status: 'ok', stopped: true });
    expect(summary.nodes.after.status).toBe('ok');
    expect(events.find((e) => e.type === 'node-done' && e.nodeId === 'opt')).toMatchObject({ stopped: true });
    // the best of the 4 iterations it ran (the objective falls, so the last), not the start
    expect(Math.min(...objective)).toBe(objective[3]);
    expect(passRuns).toBe(1);
    expect(seen!.tensor.data[2]).toBeGreaterThan(2);
    expect([...seen!.tensor.data.subarray(0, 2)]).toEqual([1, 1]);
  });

  it('caches neither the stopped zone nor what was made from its result', async () => {
    onStep = () => {};
    const runtime = new Runtime({ registry: reg, services: {} });
    await run(runtime, (e) => {
      if (e.type === 'zone-iteration' && e.step === 1) void runtime.stopZone('opt');
    });
    const stoppedResult = seen!.tensor.data[2];
    passRuns = 0;
    const full = await run(runtime);
    expect(full.summary.nodes.opt.cached).toBe(false);
    expect(full.summary.nodes.after.cached).toBe(false);
    expect(full.objective).toHaveLength(1001);
    expect(passRuns).toBe(1);
    expect(seen!.tensor.data[2]).not.toBe(stoppedResult);
    // the complete run is what the keys promise: the next run reuses it all
    const again = await run(runtime);
    expect(again.summary.nodes.opt.cached).toBe(true);
    expect(again.summary.nodes.after.cached).toBe(true);
  });

  it('reaches body nodes through their signal: an iteration in progress ends mid-way', async () => {
    const runtime = new Runtime({ registry: reg, services: {} });
    const steps: number[] = [];
    onStep = (step) => {
      steps.push(step);
      if (step === 2) void runtime.stopZone('opt');
    };
    const { summary, objective } = await run(runtime);
    expect(summary.status).toBe('ok');
    expect(steps).toEqual([0, 1, 2]);
    // iteration 2 never scored: the best is iteration 1's
    expect(objective).toHaveLength(2);
    expect(summary.nodes.after.status).toBe('ok');
    expect(seen!.tensor.data[2]).toBeGreaterThan(2);
  });

  it('stopped during its first iteration, the zone hands on its init', async () => {
    const runtime = new Runtime({ registry: reg, services: {} });
    onStep = () => void runtime.stopZone('opt');
    const { summary, objective } = await run(runtime);
    expect(summary.status).toBe('ok');
    expect(objective).toHaveLength(0);
    expect([...seen!.tensor.data]).toEqual([1, 1, 2, 2, 3, 3]);
  });

  it('is false for a zone that is not running, and leaves cancel as it was', async () => {
    onStep = () => {};
    const runtime = new Runtime({ registry: reg, services: {} });
    expect(await runtime.stopZone('opt')).toBe(false);
    let stoppedTwice: boolean | undefined;
    const { summary } = await run(runtime, (e) => {
      if (e.type !== 'zone-iteration' || e.step !== 2) return;
      void runtime.stopZone('after').then((r) => expect(r).toBe(false));
      void runtime.stopZone('opt');
      void runtime.stopZone('opt').then((r) => (stoppedTwice = r));
    });
    expect(summary.status).toBe('ok');
    expect(stoppedTwice).toBe(false);
    expect(await runtime.stopZone('opt')).toBe(false);

    // a plain cancel still cancels the whole run: nothing downstream runs
    passRuns = 0;
    const cancelled = await run(runtime, (e) => {
      if (e.type === 'zone-iteration' && e.step === 2) void runtime.cancel();
    });
    expect(cancelled.summary.status).toBe('cancelled');
    expect(cancelled.summary.nodes.after.status).toBe('cancelled');
    expect(passRuns).toBe(0);
  });
});
