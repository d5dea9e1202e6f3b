import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createProductRegistry } from '../../nodes/product';
import { nodeServices } from '../../runtime/api/node-host';
import type { ModelService } from '../../runtime/models/service/model-service';
import { Runtime } from '../../runtime/api/runtime';
import type { RuntimeEvent } from '../../runtime/events';

const template = JSON.parse(readFileSync(new URL('../../graphs/text-to-image.json', import.meta.url), 'utf8'));

describe('cancelling Generate', () => {
  const services = nodeServices();
  const runtime = new Runtime({ registry: createProductRegistry(), services });
  afterAll(() => (services.models as ModelService).dispose());

  it('a cancel that arrives as a separate task (as a worker message does) stops within a step', async () => {
    const doc = structuredClone(template);
    doc.nodes.find((n: { type: string }) => n.type === 'Generate').params.steps = 200;
    const steps: number[] = [];
    let asked = false;
    const summary = await runtime.run(doc, {}, (e: RuntimeEvent) => {
      if (e.type !== 'node-progress' || e.nodeId !== 'generate') return;
      steps.push(e.value);
      // A macrotask, like comlink's message: it only runs if the loop yields to the host.
      if (!asked) setTimeout(() => void runtime.cancel(), 0);
      asked = true;
    });
    expect(summary.status).toBe('cancelled');
    expect(summary.nodes.generate.status).toBe('cancelled');
    expect(Math.max(...steps)).toBeLessThan(5);
  });
});
