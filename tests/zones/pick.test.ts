import { describe, expect, it } from 'vitest';
import { Pick } from '../../nodes/Pick';
import { defineNode } from '../../runtime/node-api/node';
import type { EmbeddingValue } from '../../runtime/values/types';
import { PickBroker, type PickRequestEvent } from '../../runtime/zones/pick-broker';
import { edge, registry, runDoc } from './test-nodes';
import { Runtime } from '../../runtime/api/runtime';
import type { RuntimeEvent } from '../../runtime/events';

/** Three candidates around the input: every value shifted by -1, 0 and +1. */
const Around = defineNode({
  type: 'Around', version: 1, category: 'Embedding', doc: 'test', inputs: { embedding: { type: 'Embedding', doc: '' } },
  outputs: { candidates: { type: 'Embedding', doc: '' } }, params: {},
  async run(_c, i) {
    const e = i.embedding as EmbeddingValue;
    const n = e.tensor.data.length;
    const data = new Float32Array(3 * n);
    for (let k = 0; k < 3; k++) for (let j = 0; j < n; j++) data[k * n + j] = e.tensor.data[j] + (k - 1);
    return { candidates: { ...e, tensor: { dims: [3, ...e.tensor.dims.slice(1)], data } } };
  },
});
const Render = defineNode({
  type: 'Render', version: 1, category: 'Image', doc: 'test', inputs: { embedding: { type: 'Embedding', doc: '' } },
  outputs: { image: { type: 'Image', doc: '' } }, params: {},
  async run(_c, i) {
    const n = (i.embedding as EmbeddingValue).tensor.dims[0];
    return { image: { kind: 'Image', tensor: { dims: [n, 3, 2, 2], data: new Float32Array(n * 12) } } };
  },
});
let seen: EmbeddingValue | undefined;
const Sink = defineNode({
  type: 'Sink', version: 1, category: 'Output', doc: '', inputs: { embedding: { type: 'Embedding', doc: '' } }, outputs: {}, params: {},
  async run(_c, i) {
    seen = i.embedding as EmbeddingValue;
    return {};
  },
});
const reg = registry(Pick, Around, Render, Sink);

function doc(params: Record<string, unknown>, withScore = true) {
  const nodes = [
    { id: 'init', type: 'Const' },
    { id: 'pick', type: 'Pick', params },
    { id: 'around', type: 'Around' },
    { id: 'render', type: 'Render' },
    { id: 'score', type: 'Distance' },
    { id: 'out', type: 'Sink' },
  ];
  const edges = [
    edge('init.embedding', 'pick.init'), edge('pick.current', 'around.embedding'), edge('around.candidates', 'pick.candidates'),
    edge('around.candidates', 'render.embedding'), edge('render.image', 'pick.images'), edge('pick.result', 'out.embedding'),
    edge('around.candidates', 'score.embedding'),
  ];
  if (withScore) edges.push(edge('score.score', 'pick.score'));
  return { nodes, edges };
}

describe('Pick', () => {
  it('headless, picks the best-scoring candidate each round and slerps toward it by t', async () => {
    const { nodes, edges } = doc({ rounds: 2, t: 1 });
    const { summary, events } = await runDoc(reg, nodes, edges);
    expect(summary.status).toBe('ok');
    // Distance to 5 is minimized: the +1 candidate wins twice; t = 1 takes it whole (BOS stays).
    expect([...seen!.tensor.data]).toEqual([1, 1, 4, 4, 5, 5]);
    const scores = events.flatMap((e) => (e.type === 'zone-iteration' ? [e.objective] : []));
    expect(scores).toHaveLength(2);
    expect(scores[1]).toBeLessThan(scores[0]);
  });

  it('headless without a score says what to connect', async () => {
    const { nodes, edges } = doc({ rounds: 1 }, false);
    const { summary } = await runDoc(reg, nodes, edges);
    expect(summary.nodes.pick.error).toMatch(/connect a score/);
  });

  it('asks the pick service each round and stops on Done', async () => {
    const requests: PickRequestEvent[] = [];
    const broker: PickBroker = new PickBroker((e) => {
      requests.push(e);
      // the "person" takes candidate 0 (the -1 shift) at t = 1 in round 0, then presses Done
      queueMicrotask(() => broker.answer(e.nodeId, e.round === 0 ? { index: 0, t: 1 } : { done: true }));
    });
    const { nodes, edges } = doc({ rounds: 5 });
    const { summary } = await runDoc(reg, nodes, edges, { pick: broker });
    expect(summary.status).toBe('ok');
    expect(requests.map((r) => r.round)).toEqual([0, 1]);
    expect(requests[0].images).toHaveLength(3);
    expect(requests[0].scores).toHaveLength(3);
    expect([...seen!.tensor.data]).toEqual([1, 1, 1, 1, 2, 2]);
  });

  it('the broker rejects a t outside [0, 1] and ignores stale answers', () => {
    const broker = new PickBroker(() => {});
    expect(broker.answer('nobody', { index: 0, t: 0.5 })).toBe(false);
    void broker.choose({ nodeId: 'p', round: 0, images: { kind: 'Image', tensor: { dims: [1, 3, 1, 1], data: new Float32Array(3) } }, t: 0.5 }, new AbortController().signal);
    expect(() => broker.answer('p', { index: 0, t: 2 })).toThrow(/t must be in \[0, 1\]/);
  });

  it('through an interactive Runtime: pick-request events answered with choose()', async () => {
    const runtime = new Runtime({ registry: reg, services: {}, interactive: true });
    const { nodes, edges } = doc({ rounds: 3, t: 0.5 });
    const asked: number[] = [];
    const onEvent = (e: RuntimeEvent) => {
      if (e.type !== 'pick-request') return;
      asked.push(e.round);
      expect(e.images).toHaveLength(3);
      expect(e.t).toBe(0.5);
      // the person takes the +1 candidate whole, twice, then presses Done
      setTimeout(() => void runtime.choose(e.nodeId, e.round < 2 ? { index: 2, t: 1 } : { done: true }), 0);
    };
    const summary = await runtime.run({ format: 'embedding-studio/graph', version: 1, nodes, edges }, {}, onEvent);
    expect(summary.status).toBe('ok');
    expect(asked).toEqual([0, 1, 2]);
    expect([...seen!.tensor.data]).toEqual([1, 1, 4, 4, 5, 5]);
    expect(await runtime.choose('pick', { done: true })).toBe(false);
  });

  it('cancel while waiting for a person ends the run as cancelled', async () => {
    const runtime = new Runtime({ registry: reg, services: {}, interactive: true });
    const { nodes, edges } = doc({ rounds: 3 });
    const onEvent = (e: RuntimeEvent) => {
      if (e.type !== 'pick-request') return;
      if (e.round === 0) setTimeout(() => void runtime.choose(e.nodeId, { index: 0, t: 1 }), 0);
      else setTimeout(() => void runtime.cancel(), 0);
    };
    const summary = await runtime.run({ format: 'embedding-studio/graph', version: 1, nodes, edges }, {}, onEvent);
    expect(summary.status).toBe('cancelled');
  });

  it('"Stop and use best" while waiting for a person ends the wait like Done: the current embedding flows on', async () => {
    const runtime = new Runtime({ registry: reg, services: {}, interactive: true });
    const { nodes, edges } = doc({ rounds: 3 });
    seen = undefined;
    const onEvent = (e: RuntimeEvent) => {
      if (e.type !== 'pick-request') return;
      if (e.round === 0) setTimeout(() => void runtime.choose(e.nodeId, { index: 2, t: 1 }), 0);
      else setTimeout(() => void runtime.stopZone(e.nodeId), 0);
    };
    const summary = await runtime.run({ format: 'embedding-studio/graph', version: 1, nodes, edges }, {}, onEvent);
    expect(summary.status).toBe('ok');
    expect(summary.nodes.pick.stopped).toBe(true);
    expect([...seen!.tensor.data]).toEqual([1, 1, 3, 3, 4, 4]);
  });
});
