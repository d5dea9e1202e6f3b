import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configureOrt } from '../../runtime/ort/env';
import { loadModel } from '../../runtime/models/loader';
import { nodeFolderFiles } from '../../runtime/models/files/node';
import { writeToyModel, type ToyOptions } from './toy-model';

configureOrt();

/** Every bad folder must fail with the folder, the file and (for tensors) the tensor named. */
describe('bad model folders', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0)) await fn();
  });

  async function toy(options: ToyOptions = {}): Promise<string> {
    const t = await writeToyModel(options);
    cleanup.push(t.remove);
    return t.dir;
  }
  const load = (dir: string) => loadModel(nodeFolderFiles(dir, 'folder:bad'), { id: 'folder:bad', backend: { name: 'wasm' } });

  it('rejects a folder that is not a model', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'not-a-model-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'holiday.jpg'), 'not a model');
    await expect(load(dir)).rejects.toThrow(/^folder:bad is not a model folder: it has neither model_index.json nor unet\/model.onnx/);
  });

  it.each(['text_encoder/model.onnx', 'unet/model.onnx', 'vae_decoder/model.onnx', 'scheduler/scheduler_config.json'])(
    'names a missing %s',
    async (file) => {
      const dir = await toy();
      await unlink(join(dir, file));
      await expect(load(dir)).rejects.toThrow(`folder:bad: missing file ${file}`);
    },
  );

  it('names missing tokenizer files', async () => {
    const dir = await toy();
    await unlink(join(dir, 'tokenizer/merges.txt'));
    await expect(load(dir)).rejects.toThrow(/folder:bad\/tokenizer: missing tokenizer files.*merges\.txt is missing/);
  });

  it('names a UNet input with an unexpected name', async () => {
    const dir = await toy({ unetInputNames: { timestep: 't' } });
    await expect(load(dir)).rejects.toThrow(
      'folder:bad/unet/model.onnx: no input named "timestep" [] or [1] (its inputs: sample, t, encoder_hidden_states)',
    );
  });

  it('names a UNet input with an unexpected rank', async () => {
    const dir = await toy({ sampleRank: 3 });
    await expect(load(dir)).rejects.toThrow(
      'folder:bad/unet/model.onnx: input "sample" has rank 3 [batch, 4, 8], expected rank 4 [batch, channels, height, width]',
    );
  });

  it('names a file that is not ONNX', async () => {
    const dir = await toy();
    await writeFile(join(dir, 'vae_decoder/model.onnx'), 'this is text');
    await expect(load(dir)).rejects.toThrow(/^folder:bad\/vae_decoder\/model.onnx: onnxruntime could not load it on wasm/);
  });

  it('names a broken scheduler config', async () => {
    const dir = await toy();
    await writeFile(join(dir, 'scheduler/scheduler_config.json'), '{ nope');
    await expect(load(dir)).rejects.toThrow(/^folder:bad: scheduler\/scheduler_config.json is not valid JSON/);
  });
});
