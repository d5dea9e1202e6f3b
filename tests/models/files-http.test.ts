import { describe, expect, it } from 'vitest';
import { MissingFileError } from '../../runtime/models/files/model-files';
import { httpFolderFiles } from '../../runtime/models/files/http';
import { memoryCacheStorage } from './memory-cache';

/** A fetch over a map of files; `down` makes it fail like an unreachable server. */
function fakeServer(files: Record<string, string>) {
  const state = { down: false, status: 200, calls: [] as string[] };
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    state.calls.push(`${init?.method ?? 'GET'} ${url}`);
    if (state.down) throw new TypeError('fetch failed');
    if (state.status !== 200) return new Response('', { status: state.status });
    const body = files[new URL(url).pathname];
    if (body === undefined) return new Response('not found', { status: 404 });
    const headers = { 'content-length': String(body.length), etag: `"${body.length}-${body.charCodeAt(0)}"` };
    return new Response(init?.method === 'HEAD' ? null : body, { headers });
  }) as typeof globalThis.fetch;
  return { state, fetch };
}

describe('httpFolderFiles', () => {
  it('names missing files and failed downloads, and reports progress up to the size', async () => {
    const { state, fetch } = fakeServer({ '/m/a.json': '{"x":1}' });
    const files = httpFolderFiles('https://h.test/m', 'https://h.test/m/', { fetch, caches: null });
    const progress: [number, number][] = [];
    expect(new TextDecoder().decode(await files.read('a.json', (l, t) => progress.push([l, t])))).toBe('{"x":1}');
    expect(progress.at(-1)).toEqual([7, 7]);
    await expect(files.read('b.json')).rejects.toThrow(MissingFileError);
    await expect(files.read('b.json')).rejects.toThrow('https://h.test/m/: missing file b.json');
    state.status = 500;
    await expect(files.read('a.json')).rejects.toThrow('https://h.test/m/: downloading a.json failed: HTTP 500');
  });

  it('serves the cached copy when the server cannot be reached', async () => {
    const { state, fetch } = fakeServer({ '/m/a.json': '{"x":1}' });
    const caches = memoryCacheStorage();
    const files = httpFolderFiles('https://h.test/m/', 'm', { fetch, caches });
    await files.read('a.json');
    expect(await files.has('missing.onnx_data')).toBe(false);
    state.down = true;
    const offline = httpFolderFiles('https://h.test/m/', 'm', { fetch, caches });
    expect(new TextDecoder().decode(await offline.read('a.json'))).toBe('{"x":1}');
    expect(await offline.has('missing.onnx_data')).toBe(false);
  });
});
