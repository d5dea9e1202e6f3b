import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configureOrt } from '../../runtime/ort/env';
import { loadModel } from '../../runtime/models/loader';
import { nodeFolderFiles } from '../../runtime/models/files/node';
import { GraphBuilder } from '../../runtime/onnx';
import { SCHEDULER, writeToyModel } from './toy-model';

configureOrt();

/** Model folders someone else made: every fault is an error naming the file (and field or tensor). */
describe('hostile model folders', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0)) await fn();
  });
  async function toy(): Promise<string> {
    const t = await writeToyModel();
    cleanup.push(t.remove);
    return t.dir;
  }
  const load = async (dir: string) => {
    const model = await loadModel(nodeFolderFiles(dir, 'folder:bad'), { id: 'folder:bad', backend: { name: 'wasm' } });
    cleanup.push(() => model.dispose());
    return model;
  };

  it('names an unknown scheduler class when "auto" asks for it, listing the known ones', async () => {
    const dir = await toy();
    await writeFile(join(dir, 'scheduler/scheduler_config.json'), JSON.stringify({ ...SCHEDULER, _class_name: 'DPMSolverMultistepScheduler' }));
    const model = await load(dir);
    expect(() => model.defaultScheduler).toThrow(
      'folder:bad/scheduler/scheduler_config.json names _class_name "DPMSolverMultistepScheduler", none of the schedulers this app runs ' +
        '(EulerDiscreteScheduler, EulerAncestralDiscreteScheduler, LMSDiscreteScheduler, DDIMScheduler, PNDMScheduler): ' +
        "set the Generate node's scheduler to euler, lms, ddim or pndm",
    );
  });

  it.each([
    ['invalid JSON', '{ nope', /^folder:bad: model_index.json is not valid JSON/],
    ['not an object', '[1, 2]', 'folder:bad: model_index.json should hold a JSON object'],
    ['a class name that is not a string', '{"_class_name": 5}', 'folder:bad: model_index.json: "_class_name" should be a string, got 5'],
    ['a malformed component', '{"_class_name": "X", "unet": ["diffusers"]}', 'folder:bad: model_index.json: component "unet" should be [library, class], got ["diffusers"]'],
  ])('reads model_index.json and names %s', async (_, text, message) => {
    const dir = await toy();
    await writeFile(join(dir, 'model_index.json'), text);
    await expect(load(dir)).rejects.toThrow(message);
  });

  it('names a UNet input that declares no shape (onnxruntime reports it as a scalar)', async () => {
    const dir = await toy();
    const g = new GraphBuilder();
    const sample = g.input('sample', 'float32', ['batch', 4, 8, 8]);
    // null dims: no shape at all (makeValueInfo writes none), which the builder's type does not offer
    const t = g.input('timestep', 'int64', null as unknown as []);
    g.input('encoder_hidden_states', 'float32', ['batch', 77, 16]);
    g.output(g.op('Mul', [sample, g.op('Cast', [t], { to: 1 })]), 'float32', ['batch', 4, 8, 8], 'out_sample');
    await writeFile(join(dir, 'unet/model.onnx'), g.toBytes());
    await expect(load(dir)).rejects.toThrow(
      'folder:bad/unet/model.onnx: input "timestep" declares no shape, so its rank is unknown; expected rank 0 or 1 [] or [1]',
    );
  });
});
