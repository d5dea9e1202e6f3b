import { describe, expect, it } from 'vitest';
import { formatDuration, nodeTiming, runTiming } from '../../editor/state/timing';
import { initialRunState, reduceRunEvent, type RunState } from '../../editor/state/run-state';
import { nearestIndex, plotModel, tickText } from '../../editor/state/plot';
import type { RuntimeEvent } from '../../runtime/events';

/** Events with their arrival times (ms). */
const replay = (s: RunState, events: [number, RuntimeEvent][]) => events.reduce((st, [at, ev]) => reduceRunEvent(st, ev, at), s);

describe('progress timing', () => {
  it('takes a node\'s rate from its progress reports, leaving out what came before the first', () => {
    const s = replay(initialRunState, [
      [0, { type: 'run-start', runId: 1, nodes: ['gen'] }],
      [0, { type: 'node-start', nodeId: 'gen' }],
      // 10 s of model loading, then one step a second
      [10_000, { type: 'node-progress', nodeId: 'gen', value: 1, max: 20 }],
      [14_000, { type: 'node-progress', nodeId: 'gen', value: 5, max: 20 }],
    ]);
    expect(nodeTiming(s.nodes.gen, 14_000)).toEqual({ elapsedMs: 14_000, fraction: 0.25, etaMs: 15_000 });
    // time passing without a report counts down the estimate
    expect(nodeTiming(s.nodes.gen, 16_000)?.etaMs).toBe(13_000);
    expect(nodeTiming(s.nodes.gen, 40_000)?.etaMs).toBe(0);
  });

  it('with one report, rates from the start; with none, only the elapsed time', () => {
    let s = replay(initialRunState, [[1000, { type: 'node-start', nodeId: 'a' }]]);
    expect(nodeTiming(s.nodes.a, 3000)).toEqual({ elapsedMs: 2000 });
    s = reduceRunEvent(s, { type: 'node-progress', nodeId: 'a', value: 2, max: 10 }, 3000);
    expect(nodeTiming(s.nodes.a, 3000)).toEqual({ elapsedMs: 2000, fraction: 0.2, etaMs: 8000 });
    expect(nodeTiming({ status: 'done', startedAt: 0 }, 5)).toBeUndefined();
  });

  it('restarts the rate when a body node\'s count starts over in the next iteration', () => {
    const s = replay({ ...initialRunState, zones: { opt: ['gen'] } }, [
      [0, { type: 'run-start', runId: 1, nodes: ['opt', 'gen'] }],
      [0, { type: 'node-start', nodeId: 'opt' }],
      [1000, { type: 'node-progress', nodeId: 'gen', value: 1, max: 4 }],
      [2000, { type: 'node-progress', nodeId: 'gen', value: 4, max: 4 }],
      [9000, { type: 'zone-iteration', nodeId: 'opt', step: 0, objective: 1 }],
      [9500, { type: 'node-progress', nodeId: 'gen', value: 1, max: 4 }],
    ]);
    expect(s.nodes.gen.startedAt).toBe(9000);
    expect(s.nodes.gen.progress?.first).toEqual({ value: 1, at: 9500 });
  });

  it('times the whole run over its units: the running one\'s ETA plus the typical time of those left', () => {
    const s = replay({ ...initialRunState, zones: { opt: ['gen', 'score'] } }, [
      [0, { type: 'run-start', runId: 1, nodes: ['model', 'enc', 'opt', 'gen', 'score', 'after'] }],
      [0, { type: 'node-done', nodeId: 'model', cached: true, ms: 0 }],
      [0, { type: 'node-start', nodeId: 'enc' }],
      [2000, { type: 'node-done', nodeId: 'enc', cached: false, ms: 2000 }],
      [2000, { type: 'node-start', nodeId: 'opt' }],
      [4000, { type: 'node-progress', nodeId: 'opt', value: 1, max: 5 }],
      [6000, { type: 'node-progress', nodeId: 'opt', value: 2, max: 5 }],
    ]);
    expect(s.planned).toEqual(['model', 'enc', 'opt', 'after']);
    const t = runTiming(s, 6000)!;
    expect(t.elapsedMs).toBe(6000);
    expect(t.fraction).toBeCloseTo((2 + 0.4) / 4);
    // opt: 3 iterations left at 2 s each; after: one more unit at the median executed time (2 s)
    expect(t.etaMs).toBe(6000 + 2000);
    const ended = reduceRunEvent(s, { type: 'run-end', runId: 1, status: 'cancelled' }, 7000);
    expect(runTiming(ended, 99_000)).toEqual({ elapsedMs: 7000, fraction: 0.5 });
    expect(runTiming(initialRunState, 0)).toBeUndefined();
  });

  it('formats durations', () => {
    expect(formatDuration(8_400)).toBe('8 s');
    expect(formatDuration(125_000)).toBe('2:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
  });
});

describe('loss plot model', () => {
  const rising = [0.1, 0.3, 0.2, 0.5, 0.4].map((objective, step) => ({ step, objective, goal: 'maximize' as const }));

  it('marks the best step under the goal and says which way is better', () => {
    const m = plotModel(rising)!;
    expect(m.best).toEqual({ index: 3, step: 3, objective: 0.5 });
    expect(m.label).toBe('higher is better');
    expect(m.note).toBeUndefined();
    expect(m.lo).toBeLessThan(0.1);
    expect(m.hi).toBeGreaterThan(0.5);
    expect(m.yTicks[0]).toBeCloseTo(0.5);
    expect(m.yTicks[2]).toBeCloseTo(0.1);
    const falling = rising.map((p) => ({ ...p, goal: 'minimize' as const }));
    expect(plotModel(falling)!.best?.step).toBe(0);
    expect(plotModel(falling)!.label).toBe('lower is better');
  });

  it('for an objective that moves over the run (result "last", seed-invariant) marks no best and explains a falling curve', () => {
    // each step raises its cosine, but the curriculum makes the next step's seeds harder
    const curriculum = [0.9, 0.8, 0.7, 0.6].map((objective, step) => ({ step, objective, goal: 'maximize' as const }));
    const m = plotModel(curriculum, { result: 'last' })!;
    expect(m.best).toBeUndefined();
    expect(m.label).toBe('each step: higher is better');
    expect(m.note).toMatch(/objective gets harder over the run.*last step is used.*curve falls/);
    expect(`${m.label} ${m.note}`).not.toMatch(/maximize/);
  });

  it('claims nothing without a goal, and handles a flat curve', () => {
    const m = plotModel([{ step: 0, objective: 2 }, { step: 1, objective: 2 }])!;
    expect(m.label).toBe('');
    expect(m.best).toBeUndefined();
    expect(m.hi).toBeGreaterThan(m.lo);
    expect(plotModel([])).toBeUndefined();
  });

  it('finds the point under the pointer and writes short ticks', () => {
    expect(nearestIndex(rising, 2.4)).toBe(2);
    expect(nearestIndex(rising, 99)).toBe(4);
    expect(tickText(0.0031234)).toBe('0.0031');
    // ticks 5e-6 apart keep the digits that tell them apart
    expect(tickText(0.0024512, 0.000005)).toBe('0.0024512');
    expect(tickText(0.0024462, 0.000005)).not.toBe(tickText(0.0024512, 0.000005));
    expect(tickText(123456)).toBe('1.2e+5');
    expect(tickText(0)).toBe('0');
  });
});
