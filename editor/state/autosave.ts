import { openDB, type IDBPDatabase } from 'idb';
import type { GraphDocument } from '../../runtime/graph/document';

/** Autosave to IndexedDB: the last document, written shortly after each change, read at startup. */

export interface SavedGraph {
  doc: GraphDocument;
  savedAt: number;
}

export interface GraphStore {
  load(): Promise<SavedGraph | undefined>;
  save(doc: GraphDocument): Promise<void>;
  close(): void;
}

const DB = 'embedding-studio';
const STORE = 'autosave';
const KEY = 'current';

export async function openGraphStore(): Promise<GraphStore> {
  const db: IDBPDatabase = await openDB(DB, 1, {
    upgrade(d) {
      d.createObjectStore(STORE);
    },
  });
  return {
    load: () => db.get(STORE, KEY) as Promise<SavedGraph | undefined>,
    save: async (doc) => {
      await db.put(STORE, { doc, savedAt: Date.now() } satisfies SavedGraph, KEY);
    },
    close: () => db.close(),
  };
}

/**
 * Writes at most once per `delayMs` after changes stop; `flush` writes now (page hide).
 * Returns the disposer that flushes and stops.
 */
export function autosave(
  store: GraphStore,
  subscribe: (onChange: (doc: GraphDocument) => void) => () => void,
  delayMs = 400,
): { flush(): Promise<void>; dispose(): Promise<void> } {
  let pending: GraphDocument | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const doc = pending;
    pending = undefined;
    if (doc) writing = writing.then(() => store.save(doc)).catch((e) => console.warn('autosave failed', e));
    return writing;
  };
  const unsubscribe = subscribe((doc) => {
    pending = doc;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void flush(), delayMs);
  });
  return {
    flush,
    dispose: async () => {
      unsubscribe();
      await flush();
    },
  };
}
