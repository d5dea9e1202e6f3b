import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFolderFiles } from '../../runtime/models/files/node';

const dir = mkdtempSync(join(tmpdir(), 'files-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a model folder on disk', () => {
  it('reads a file bigger than one read chunk whole, reporting progress per chunk', async () => {
    const size = 64 * 1024 * 1024 + 12345;
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += 4093) bytes[i] = (i / 4093) % 251;
    mkdirSync(join(dir, 'model', 'unet'), { recursive: true });
    writeFileSync(join(dir, 'model', 'unet', 'model.onnx_data'), bytes);
    const progress: number[] = [];
    const read = await nodeFolderFiles(join(dir, 'model')).read('unet/model.onnx_data', (loaded) => progress.push(loaded));
    expect(read.byteLength).toBe(size);
    expect(Buffer.compare(Buffer.from(read), Buffer.from(bytes))).toBe(0);
    expect(progress).toEqual([64 * 1024 * 1024, size]);
  });

  it('refuses links and sibling folders outside the model folder', async () => {
    mkdirSync(join(dir, 'm'), { recursive: true });
    mkdirSync(join(dir, 'm2'), { recursive: true });
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    writeFileSync(join(dir, 'm2', 'x.json'), '{}');
    symlinkSync(join(dir, 'secret.txt'), join(dir, 'm', 'vocab.json'));
    const files = nodeFolderFiles(join(dir, 'm'), 'folder:m');
    await expect(files.read('vocab.json')).rejects.toThrow('folder:m: vocab.json links outside the model folder');
    // "/…/m2" starts with "/…/m": a prefix is not containment
    await expect(files.read('../m2/x.json')).rejects.toThrow('folder:m: path ../m2/x.json leaves the model folder');
    await expect(files.read('missing.json')).rejects.toThrow(/missing\.json/);
  });
});
