/** An in-memory Cache Storage for Node tests (the browser's `caches` is what runs in the app). */
export function memoryCacheStorage(): CacheStorage {
  const caches = new Map<string, Cache>();
  const open = async (name: string): Promise<Cache> => {
    let cache = caches.get(name);
    if (!cache) {
      const entries = new Map<string, Response>();
      cache = {
        async match(request: RequestInfo | URL) {
          return entries.get(String(request instanceof Request ? request.url : request))?.clone();
        },
        async put(request: RequestInfo | URL, response: Response) {
          entries.set(String(request instanceof Request ? request.url : request), response.clone());
        },
        async delete(request: RequestInfo | URL) {
          return entries.delete(String(request instanceof Request ? request.url : request));
        },
        async keys() {
          return [...entries.keys()].map((url) => new Request(url));
        },
      } as unknown as Cache;
      caches.set(name, cache);
    }
    return cache;
  };
  return {
    open,
    has: async (name: string) => caches.has(name),
    delete: async (name: string) => caches.delete(name),
    keys: async () => [...caches.keys()],
    match: async () => undefined,
  } as unknown as CacheStorage;
}
