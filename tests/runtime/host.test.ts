import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeServices } from '../../runtime/api/node-host';
import { requireService } from '../../runtime/node-api/services';

const dir = mkdtempSync(join(tmpdir(), 'host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Node host services', () => {
  it('reads builtin:, file: and plain paths', async () => {
    writeFileSync(join(dir, 'a.bin'), new Uint8Array([1, 2, 3]));
    const services = nodeServices({ modelsDir: dir });
    expect(Array.from(await services.readBytes('builtin:a.bin'))).toEqual([1, 2, 3]);
    expect(Array.from(await services.readBytes(pathToFileURL(join(dir, 'a.bin')).href))).toEqual([1, 2, 3]);
    expect(Array.from(await services.readBytes(join(dir, 'a.bin')))).toEqual([1, 2, 3]);
    await expect(services.readBytes('builtin:missing.bin')).rejects.toThrow(/ENOENT/);
  });

  it('saves under the output folder and nowhere else', async () => {
    const services = { ...nodeServices(), outDir: dir };
    const save = services.saveBytes as (name: string, bytes: Uint8Array) => Promise<string>;
    const path = await save.call(services, 'sub/e.bin', new Uint8Array([7]));
    expect(Array.from(readFileSync(path))).toEqual([7]);
    await expect(save.call(services, '../escape.bin', new Uint8Array([1]))).rejects.toThrow(/outside/);
    await expect(save.call(services, '/etc/escape.bin', new Uint8Array([1]))).rejects.toThrow(/outside/);
  });

  it('registers local folders given by path as folder:<name>, and refuses bad ones at once', () => {
    const tiny = new URL('../../models/tiny', import.meta.url).pathname;
    expect(nodeServices({ folders: { tiny, other: dir } }).models.folderNames()).toEqual(['tiny', 'other']);
    expect(() => nodeServices({ folders: { tiny: join(dir, 'nope') } })).toThrow(`${join(dir, 'nope')} does not exist`);
    expect(() => nodeServices({ folders: { 'a/b': tiny } })).toThrow('folder name "a/b" may use letters');
  });

  it('says clearly which service a runtime lacks', () => {
    expect(() => requireService({}, 'readBytes')).toThrow('this runtime has no host services (readBytes)');
    expect(() => requireService({}, 'models')).toThrow('this runtime has no model service (services.models)');
    expect(() => requireService({}, 'metrics')).toThrow('this runtime has no metric service (services.metrics)');
    expect(() => requireService({}, 'saveBytes')).toThrow('this runtime cannot save files');
    const services = nodeServices();
    expect(requireService(services, 'models')).toBe(services.models);
    expect(services.host).toBe('node');
  });
});
