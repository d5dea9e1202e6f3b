import { openDB, type IDBPDatabase } from 'idb';
import { KEEP_RUNS, type KeptRun } from './kept-runs';

/**
 * The last runs in IndexedDB (their own database beside the autosave's): previews are PNG bytes,
 * stored as they are by structured clone. The oldest go once there are more than `keep`.
 */
export interface RunStore {
  /** Stores a run; resolves to its id. */
  put(run: KeptRun): Promise<number>;
  /** The kept runs, newest first. */
  list(): Promise<KeptRun[]>;
  latest(): Promise<KeptRun | undefined>;
  close(): void;
}

const DB = 'embedding-studio-runs';
const STORE = 'runs';

export async function openRunStore(keep = KEEP_RUNS): Promise<RunStore> {
  const db: IDBPDatabase = await openDB(DB, 1, {
    upgrade(d) {
      d.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
    },
  });
  return {
    async put(run) {
      const { id: _unused, ...record } = run;
      const tx = db.transaction(STORE, 'readwrite');
      const id = (await tx.store.add(record)) as number;
      const keys = (await tx.store.getAllKeys()) as number[];
      for (const old of keys.slice(0, Math.max(0, keys.length - keep))) await tx.store.delete(old);
      await tx.done;
      return id;
    },
    async list() {
      return ((await db.getAll(STORE)) as KeptRun[]).reverse();
    },
    async latest() {
      const cursor = await db.transaction(STORE).store.openCursor(null, 'prev');
      return cursor?.value as KeptRun | undefined;
    },
    close: () => db.close(),
  };
}
