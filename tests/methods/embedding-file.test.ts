import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeServices } from '../../runtime/api/node-host';
import type { ImageValue } from '../../runtime/values/types';
import { loadTemplate, overrideType, runGraph } from '../../bench/methods-template';

const services = nodeServices();
afterAll(async () => services.models.dispose());

describe('optimized embeddings as files', () => {
  it('saved to .safetensors and loaded again, reproduce the same image bit for bit with the same seed', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'es-file-'));
    const doc = overrideType(loadTemplate('metric-optimization', { optimize: { iterations: 2 } }), 'Generate', { steps: 4 });
    const first = await runGraph(doc, { ...services, outDir });
    expect(first.summary.status).toBe('ok');
    const optimized = first.output('after')!.image as ImageValue;

    const file = join(outDir, 'sharpness-optimized.safetensors');
    const reload = {
      format: 'embedding-studio/graph', version: 1,
      nodes: [
        { id: 'model', type: 'Model', params: { source: 'builtin:tiny' } },
        { id: 'load', type: 'LoadEmbedding', params: { file } },
        { id: 'gen', type: 'Generate', params: { seed: 7, steps: 4 } },
      ],
      edges: [
        { from: ['model', 'model'], to: ['gen', 'model'] },
        { from: ['load', 'embedding'], to: ['gen', 'embedding'] },
      ],
    };
    const second = await runGraph(reload, services);
    expect(second.summary.status).toBe('ok');
    const again = second.output('gen')!.image as ImageValue;
    expect(again.tensor.dims).toEqual(optimized.tensor.dims);
    expect(Buffer.from(again.tensor.data.buffer).equals(Buffer.from(optimized.tensor.data.buffer))).toBe(true);
    expect(again.labels?.[0]).toMatch(/metric-optimization \(sharpness\)/);
  });
});
