import { describe, expect, it } from 'vitest';
import { Runtime } from '../../runtime/api/runtime';
import { doc, makeTestNodes } from './test-nodes';

describe('non-finite values', () => {
  it('fail the node that makes them, naming it, instead of reaching the image', async () => {
    const { registry } = makeTestNodes();
    // antiparallel rows fall back to lerp, which at t = 10 overflows float32
    const graph = doc(
      [['a', 'ConstEmbedding', { values: [1, 1, 3e38, 0], rows: 2 }], ['b', 'ConstEmbedding', { values: [1, 1, -3e38, 0], rows: 2 }], ['mix', 'Slerp', { t: [10] }], ['img', 'EmbeddingImage'], ['show', 'Preview']],
      [['a', 'embedding', 'mix', 'a'], ['b', 'embedding', 'mix', 'b'], ['mix', 'embedding', 'img', 'embedding'], ['img', 'image', 'show', 'image']],
    );
    const summary = await new Runtime({ registry, services: {} }).run(graph, {}, () => {});
    expect(summary.status).toBe('error');
    expect(summary.nodes.mix.error).toMatch(/^node "mix" \(Slerp\): output "embedding" holds -?infinity at \[0, 1, [01]\]: its values are not finite numbers$/);
    expect(summary.nodes.show.status).toBe('skipped');
  });
});
