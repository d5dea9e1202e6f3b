import { Redis } from 'ioredis';
import { hashText } from '../../executor/keys';
import type { SweepCell } from '../plan';

/** The BullMQ queue sweeps use unless --queue-name says otherwise. */
export const DEFAULT_QUEUE = 'embedding-studio-sweep';

/** What a queued cell carries: the document to run and where its files go. */
export interface CellJob {
  cell: Pick<SweepCell, 'id' | 'dir' | 'doc'>;
  /** The submitter's output folder: workers write `<out>/<cell.dir>/` there (a shared folder). */
  out: string;
}

/**
 * A Redis connection from a `redis://HOST:PORT[/DB]` URL. `maxRetriesPerRequest: null` makes
 * commands wait through a Redis restart instead of failing: ioredis reconnects and sends them
 * then, and BullMQ's workers require it for their blocking calls.
 */
export function redisConnection(url: string): Redis {
  if (!/^rediss?:\/\/[^/\s]+/.test(url)) throw new Error(`--queue ${url}: expected redis://HOST:PORT`);
  return new Redis(url, {
    maxRetriesPerRequest: null,
    // reconnect soon after a restart, never give up
    retryStrategy: (times) => Math.min(100 * times, 2000),
  });
}

/**
 * The job id of a cell: the same output folder and cell always give the same id, so a
 * submitter that starts again adds nothing twice (BullMQ keeps one job per id). The folder is
 * part of it: two sweeps into different folders each get their files.
 */
export function cellJobId(out: string, cellId: string): string {
  // BullMQ refuses ':' in custom ids; a hash has none
  return `cell-${hashText(`${out}\n${cellId}`)}`;
}
