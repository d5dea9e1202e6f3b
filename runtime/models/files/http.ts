import { MissingFileError, type ModelFiles } from './model-files';

/** Cache Storage bucket for downloaded model files; bump the suffix when the layout changes. */
export const MODEL_CACHE = 'embedding-studio-models-v1';
/**
 * Header on cache entries that only record a probe ("absent" / "present", no body), so a
 * reload answers `has` without a request; `read` replaces a "present" probe with the data.
 */
const PROBE = 'x-embedding-studio-probe';

export interface HttpFilesOptions {
  fetch?: typeof fetch;
  /** Cache Storage (browser, worker); null disables caching. Defaults to globalThis.caches. */
  caches?: CacheStorage | null;
}

/**
 * A model folder behind a base URL (a CDN, Hugging Face "resolve/main/", or the app's own
 * ./models/tiny/). Downloads stream with progress and land in Cache Storage, so a reload
 * reads them back after one HEAD request per file (which also catches a changed file).
 */
export function httpFolderFiles(baseUrl: string, label: string, options: HttpFilesOptions = {}): ModelFiles {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const storage = options.caches === undefined ? (globalThis as { caches?: CacheStorage }).caches ?? null : options.caches;
  let cache: Promise<Cache | null> | undefined;
  const openCache = () => (cache ??= storage ? storage.open(MODEL_CACHE).catch(() => null) : Promise.resolve(null));
  const url = (path: string) => new URL(path, base).href;

  return {
    label,
    async has(path) {
      const c = await openCache();
      const hit = await c?.match(url(path));
      if (hit) return hit.headers.get(PROBE) !== 'absent';
      let res = await doFetch(url(path), { method: 'HEAD' });
      if (res.status === 405) res = await doFetch(url(path));
      void res.body?.cancel();
      const found = isFile(res, path);
      if (found || res.status === 404 || res.ok) {
        const probe = new Response('', { headers: { [PROBE]: found ? 'present' : 'absent' } });
        await c?.put(url(path), probe).catch(() => undefined);
      }
      return found;
    },
    async read(path, onProgress) {
      const key = url(path);
      const c = await openCache();
      const hit = await c?.match(key);
      if (hit && !hit.headers.has(PROBE) && (await stillCurrent(doFetch, key, path, hit))) {
        const data = new Uint8Array(await hit.arrayBuffer());
        onProgress?.(data.byteLength, data.byteLength);
        return data;
      }
      const res = await doFetch(key, { cache: 'no-store' });
      if (!isFile(res, path)) {
        void res.body?.cancel();
        if (res.status === 404 || res.ok) throw new MissingFileError(label, path);
        throw new Error(`${label}: downloading ${path} failed: HTTP ${res.status}`);
      }
      const data = await readBody(res, onProgress);
      // a full cache (quota) must not fail the load: the model still runs, it just downloads again
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
      for (const h of VALIDATORS) if (res.headers.has(h)) headers[`${STORED}${h}`] = res.headers.get(h)!;
      await c?.put(key, new Response(data, { headers })).catch(() => undefined);
      return data;
    },
  };
}

/** Response headers that change when the file does; kept on the cached copy under STORED. */
const VALIDATORS = ['etag', 'last-modified', 'content-length'] as const;
const STORED = 'x-embedding-studio-origin-';

/**
 * A cached file is reused when a HEAD request finds the same validators (a retrained built-in
 * model at the same URL is downloaded again), or when the server cannot be reached (offline).
 */
async function stillCurrent(doFetch: typeof fetch, url: string, path: string, cached: Response): Promise<boolean> {
  let res: Response;
  try {
    res = await doFetch(url, { method: 'HEAD', cache: 'no-store' });
  } catch {
    return true;
  }
  if (!res.ok) return res.status !== 404 && res.status !== 410;
  if (!isFile(res, path)) return false;
  return VALIDATORS.every((h) => {
    const was = cached.headers.get(`${STORED}${h}`);
    const now = res.headers.get(h);
    return was === null || now === null || was === now;
  });
}

/**
 * Single-page-app servers (vite) answer unknown paths with index.html and status 200: an
 * HTML body for a file that is not .html means the file is not there.
 */
function isFile(res: Response, path: string): boolean {
  if (!res.ok) return false;
  const type = res.headers.get('content-type') ?? '';
  return !(type.startsWith('text/html') && !path.endsWith('.html'));
}

async function readBody(res: Response, onProgress?: (loaded: number, total: number) => void): Promise<Uint8Array<ArrayBuffer>> {
  const total = Number(res.headers.get('content-length') ?? 0);
  if (!res.body) {
    const data = new Uint8Array(await res.arrayBuffer());
    onProgress?.(data.byteLength, data.byteLength);
    return data;
  }
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress?.(loaded, Math.max(total, loaded));
  }
  const data = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.byteLength;
  }
  onProgress?.(loaded, loaded);
  return data;
}
