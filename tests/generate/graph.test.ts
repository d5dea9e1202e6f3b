import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProductRegistry } from '../../nodes/product';
import { nodeServices } from '../../runtime/api/node-host';
import type { ModelService } from '../../runtime/models/service/model-service';
import { Runtime } from '../../runtime/api/runtime';
import type { RuntimeEvent } from '../../runtime/events';
import { writeToyModel } from '../models/toy-model';

const ROOT = resolve(import.meta.dirname, '../..');
const template = JSON.parse(readFileSync(join(ROOT, 'graphs/text-to-image.json'), 'utf8'));

describe('graphs/text-to-image.json through the runtime', () => {
  const services = nodeServices();
  const runtime = new Runtime({ registry: createProductRegistry(), services });
  afterAll(() => (services.models as ModelService).dispose());

  it('is laid out left to right and runs the built-in model to a preview', async () => {
    const xs = template.nodes.map((n: { position: [number, number] }) => n.position[0]);
    expect(xs).toEqual([...xs].sort((a: number, b: number) => a - b));
    const events: RuntimeEvent[] = [];
    const summary = await runtime.run(template, {}, (e) => events.push(e));
    expect(summary.status).toBe('ok');
    expect(events).toContainEqual({ type: 'backend', name: 'wasm' });
    const progress = events.filter((e) => e.type === 'model-progress');
    expect(progress.at(-1)).toMatchObject({ source: 'builtin:tiny' });
    const steps = events.filter((e) => e.type === 'node-progress' && e.nodeId === 'generate');
    expect(steps.at(-1)).toMatchObject({ value: 20, max: 20 });
    const preview = events.find((e) => e.type === 'node-preview' && e.nodeId === 'preview');
    expect(preview && preview.type === 'node-preview' && preview.images.map((i) => [i.width, i.height, i.label])).toEqual([
      [64, 64, 'a red circle on a blue background · seed 7'],
    ]);
  });

  it('loads a folder registered through the runtime API as folder:<name>', async () => {
    const toy = await writeToyModel();
    try {
      const files: File[] = [];
      for (const entry of await readdir(toy.dir, { withFileTypes: true, recursive: true })) {
        if (!entry.isFile()) continue;
        const path = relative(toy.dir, join(entry.parentPath, entry.name));
        const file = new File([new Uint8Array(await readFile(join(toy.dir, path)))], entry.name);
        Object.defineProperty(file, 'webkitRelativePath', { value: `toy/${path}` });
        files.push(file);
      }
      expect(await runtime.registerFolder('toy', files)).toEqual({ source: 'folder:toy' });
      const doc = structuredClone(template);
      doc.nodes[0].params.source = 'folder:toy';
      doc.nodes[2].params.steps = 2;
      const summary = await runtime.run(doc, {}, () => {});
      expect(summary.status).toBe('ok');
      // picking the folder again releases the old model: nothing cached from it may be reused
      await runtime.registerFolder('toy', files);
      const again = await runtime.run(doc, {}, () => {});
      expect(again.status, JSON.stringify(again)).toBe('ok');
      expect(again.nodes.generate.cached).toBe(false);
    } finally {
      await toy.remove();
    }
  });
});
