import { createServer, type Server } from 'node:http';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelService, type ModelEvent } from '../../runtime/models/service/model-service';
import { nodeFolderFiles } from '../../runtime/models/files/node';
import { parseSource } from '../../runtime/models/files/source';
import { memoryCacheStorage } from './memory-cache';
import { writeToyModel } from './toy-model';

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)));
  }
  return out;
}

describe('model sources', () => {
  it('parses builtin, http(s) and folder sources and explains bad ones', () => {
    expect(parseSource('builtin:tiny')).toEqual({ kind: 'builtin', name: 'tiny' });
    expect(parseSource('https://h.co/m/resolve/main')).toEqual({ kind: 'url', url: 'https://h.co/m/resolve/main/' });
    expect(parseSource('folder:sd-turbo')).toEqual({ kind: 'folder', name: 'sd-turbo' });
    expect(() => parseSource('/home/me/model')).toThrow(/not one of builtin:<name>, http\(s\):\/\/<folder URL>, folder:<picked folder name>/);
  });
});

describe('ModelService', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let server: Server;
  let base: string;
  const requests: string[] = [];

  beforeAll(async () => {
    ({ dir, remove } = await writeToyModel());
    // a vite-like server: unknown paths get index.html with status 200
    server = createServer(async (req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const path = decodeURIComponent((req.url ?? '').replace(/^\/toy\//, ''));
      try {
        const data = await readFile(join(dir, path));
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.byteLength });
        res.end(req.method === 'HEAD' ? undefined : data);
      } catch {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>app</title>');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/toy/`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await remove();
  });

  it('loads builtin:<name> through the host and caches the model per source', async () => {
    const service = new ModelService({ builtin: (name) => nodeFolderFiles(dir, `builtin:${name}`) });
    const events: ModelEvent[] = [];
    const off = service.onEvent((e) => events.push(e));
    try {
      const [a, b] = await Promise.all([service.load('builtin:toy'), service.load('builtin:toy')]);
      expect(a).toBe(b);
      expect(a.id).toBe('builtin:toy');
      expect(events[0]).toEqual({ type: 'backend', name: 'wasm' });
      const last = events.filter((e) => e.type === 'model-progress').at(-1);
      expect(last).toMatchObject({ source: 'builtin:toy' });
      expect(last && 'loaded' in last && last.loaded === last.total && last.total > 0).toBe(true);
    } finally {
      off();
      await service.dispose();
    }
  });

  it('downloads an http folder once with progress, then reads it from Cache Storage unless it changed', async () => {
    const caches = memoryCacheStorage();
    const first = new ModelService({ builtin: () => nodeFolderFiles(dir), http: { caches } });
    const progress: number[] = [];
    first.onEvent((e) => e.type === 'model-progress' && progress.push(e.loaded));
    await first.load(base);
    await first.dispose();
    expect(progress.length).toBeGreaterThan(1);
    const gets = requests.filter((r) => r.startsWith('GET')).length;
    expect(gets).toBeGreaterThanOrEqual(6);
    // the html fallback for model.onnx_data must read as "no external data", not as weights
    expect(requests).toContain('HEAD /toy/unet/model.onnx_data');

    const reload = new ModelService({ builtin: () => nodeFolderFiles(dir), http: { caches } });
    let before = requests.length;
    await reload.load(base);
    await reload.dispose();
    expect(requests.slice(before).filter((r) => !r.startsWith('HEAD'))).toEqual([]);

    // a file changed on the server (a retrained model at the same URL) is downloaded again, alone
    const config = join(dir, 'scheduler/scheduler_config.json');
    await writeFile(config, `${await readFile(config, 'utf8')}\n`);
    const changed = new ModelService({ builtin: () => nodeFolderFiles(dir), http: { caches } });
    before = requests.length;
    await changed.load(base);
    await changed.dispose();
    expect(requests.slice(before).filter((r) => !r.startsWith('HEAD'))).toEqual(['GET /toy/scheduler/scheduler_config.json']);
  });

  it('loads a picked folder registered as File[] or a directory handle', async () => {
    const service = new ModelService({ builtin: () => nodeFolderFiles(dir) });
    try {
      await expect(service.load('folder:picked')).rejects.toThrow('folder:picked is not registered: pick the folder again');
      const files = await Promise.all(
        (await listFiles(dir)).map(async (path) => {
          const file = new File([new Uint8Array(await readFile(join(dir, path)))], path.split('/').at(-1)!);
          // what <input webkitdirectory> gives: paths start with the picked folder's name
          Object.defineProperty(file, 'webkitRelativePath', { value: `my-model/${path}` });
          return file;
        }),
      );
      await service.registerFolder('picked', files);
      expect((await service.load('folder:picked')).id).toBe('folder:picked');

      await service.registerFolder('handle', directoryHandle(files));
      expect((await service.load('folder:handle')).nativeSize).toEqual({ width: 64, height: 64 });
      expect(service.folderNames()).toEqual(['picked', 'handle']);
    } finally {
      await service.dispose();
    }
  });

  it('falls back to wasm with a notice when WebGPU cannot open the model', async () => {
    // Node's onnxruntime-web has no WebGPU EP: exactly a browser whose WebGPU refuses the model
    const service = new ModelService({ builtin: () => nodeFolderFiles(dir, 'builtin:toy'), gpu: { requestAdapter: async () => ({}) } });
    const events: ModelEvent[] = [];
    service.onEvent((e) => e.type === 'backend' && events.push(e));
    try {
      const model = await service.load('builtin:toy');
      expect(model.backend.name).toBe('wasm');
      expect(events.map((e) => e.type === 'backend' && e.name)).toEqual(['webgpu', 'wasm']);
      expect(events[1]).toMatchObject({ notice: expect.stringMatching(/^WebGPU could not run builtin:toy .*: using the CPU \(wasm\)\.$/) });
    } finally {
      await service.dispose();
    }
  });

  it('does not cache a failed load', async () => {
    const service = new ModelService({ builtin: () => nodeFolderFiles(join(dir, 'unet')) });
    try {
      await expect(service.load('builtin:x')).rejects.toThrow(/is not a model folder/);
      await expect(service.load('builtin:x')).rejects.toThrow(/is not a model folder/);
    } finally {
      await service.dispose();
    }
  });
});

/** A File System Access directory handle over File objects (what showDirectoryPicker gives). */
function directoryHandle(files: File[], prefix = 'my-model/'): Parameters<ModelService['registerFolder']>[1] {
  const at = (dirPath: string) => ({
    kind: 'directory' as const,
    name: dirPath,
    async getDirectoryHandle(name: string) {
      const sub = `${dirPath}${name}/`;
      if (!files.some((f) => f.webkitRelativePath.startsWith(sub))) throw new DOMException('no dir', 'NotFoundError');
      return at(sub);
    },
    async getFileHandle(name: string) {
      const file = files.find((f) => f.webkitRelativePath === `${dirPath}${name}`);
      if (!file) throw new DOMException('no file', 'NotFoundError');
      return { getFile: async () => file };
    },
  });
  return at(prefix);
}
