import { describe, expect, it } from 'vitest';
import { initialRunState, reduceRunEvent, type RunState } from '../../editor/state/run-state';
import type { RuntimeEvent } from '../../runtime/events';

const replay = (s: RunState, events: RuntimeEvent[]) => events.reduce((st, ev, i) => reduceRunEvent(st, ev, i * 1000), s);

describe('a node\'s status line', () => {
  const planned = 'gradient memory: budget 3.0 GB; plans UNet 2.6 GB';

  it('keeps the last message through reports without one and after the node finishes', () => {
    const s = replay(initialRunState, [
      { type: 'run-start', runId: 1, nodes: ['opt'] },
      { type: 'node-start', nodeId: 'opt' },
      { type: 'node-progress', nodeId: 'opt', value: 1, max: 5, message: planned },
      { type: 'node-progress', nodeId: 'opt', value: 2, max: 5 },
      { type: 'node-done', nodeId: 'opt', cached: false, ms: 10 },
    ]);
    expect(s.nodes.opt.note).toBe(planned);
    expect(s.nodes.opt.status).toBe('done');
  });

  it('is replaced by a newer message and cleared when the node starts again', () => {
    let s = replay(initialRunState, [
      { type: 'node-start', nodeId: 'opt' },
      { type: 'node-progress', nodeId: 'opt', value: 1, max: 5, message: planned },
      { type: 'node-progress', nodeId: 'opt', value: 2, max: 5, message: 'gradient memory: no budget' },
    ]);
    expect(s.nodes.opt.note).toBe('gradient memory: no budget');
    s = reduceRunEvent(s, { type: 'node-start', nodeId: 'opt' }, 9000);
    expect(s.nodes.opt.note).toBeUndefined();
  });
});
