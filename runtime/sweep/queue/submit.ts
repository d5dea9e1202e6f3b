import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { SweepCell } from '../plan';
import type { CellResult } from '../run-cell';
import type { SweepHooks } from '../local';
import { cellJobId, DEFAULT_QUEUE, redisConnection, type CellJob } from './connection';

export interface QueueSweepOptions {
  /** redis://HOST:PORT */
  url: string;
  name?: string;
  /** The sweep's output folder, as the workers see it (a shared folder). */
  out: string;
  signal?: AbortSignal;
  /** How often every unfinished job is looked at, besides the queue's events (ms). */
  pollMs?: number;
  /** Lines about the queue itself (connection trouble). */
  log?(line: string): void;
}

/** Finished jobs stay this long, so a submitter started again later still finds their results. */
const KEEP_SECONDS = 7 * 24 * 3600;

/**
 * Puts cells on a BullMQ queue and collects their results; workers (worker.ts) run them.
 * Results come back as job return values; images through the shared output folder. Job ids
 * are deterministic, so submitting again (a restarted submitter) dedupes. Each unfinished job
 * is looked at when the queue says it finished and on every poll, which covers events missed
 * while Redis or this process was down. Cancelling stops waiting: queued cells stay queued
 * and the next submitter with the same --out collects them.
 */
export async function runSweepOnQueue(cells: readonly SweepCell[], hooks: SweepHooks, options: QueueSweepOptions): Promise<'done' | 'cancelled'> {
  const name = options.name ?? DEFAULT_QUEUE;
  const connection = redisConnection(options.url);
  const eventsConnection = redisConnection(options.url);
  const queue = new Queue<CellJob>(name, { connection, defaultJobOptions: { removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS } } });
  const events = new QueueEvents<CellResult>(name, { connection: eventsConnection });
  let lastError = '';
  const onError = (error: Error) => {
    // ioredis repeats the same error on every reconnect attempt: say it once
    if (error.message !== lastError) options.log?.(`queue: ${error.message}`);
    lastError = error.message;
  };
  queue.on('error', onError);
  events.on('error', onError);
  connection.on('ready', () => (lastError = ''));

  const pending = new Map(cells.map((cell) => [cellJobId(options.out, cell.id), cell]));
  const add = (ids: string[]) =>
    queue.addBulk(ids.map((jobId) => {
      const cell = pending.get(jobId)!;
      return { name: 'cell', data: { cell: { id: cell.id, dir: cell.dir, doc: cell.doc }, out: options.out }, opts: { jobId } };
    }));

  const started = Date.now();
  const redone = new Set<string>();
  let warned = false;
  let wake: () => void = () => undefined;
  const checking = new Set<string>();
  const check = async (jobId: string) => {
    const cell = pending.get(jobId);
    if (!cell || checking.has(jobId)) return;
    checking.add(jobId);
    try {
      const job = await Job.fromId<CellJob, CellResult>(queue, jobId);
      const state = job ? await job.getState() : 'missing';
      if (state === 'completed' && job && !existsSync(join(options.out, cell.dir)) && (job.finishedOn ?? 0) < started && !redone.has(jobId)) {
        // finished for an earlier sweep whose files were deleted since: run it again, once
        redone.add(jobId);
        await job.remove();
        await add([jobId]);
      } else if (state === 'missing') {
        // Redis lost it (restarted without its append-only file, or the job aged out)
        await add([jobId]);
      } else if ((state === 'completed' || state === 'failed') && job && pending.delete(jobId)) {
        hooks.onResult(state === 'completed' ? job.returnvalue : failedResult(cell, job));
        wake();
      }
    } finally {
      checking.delete(jobId);
    }
  };
  events.on('completed', ({ jobId, returnvalue }) => {
    // a live event carries the result: no round trip (events only report jobs finished now,
    // never the earlier sweep's that check() may have to redo)
    const cell = pending.get(jobId);
    if (cell && returnvalue?.id === cell.id && pending.delete(jobId)) {
      if (returnvalue.status === 'ok' && !existsSync(join(options.out, cell.dir)) && !warned) {
        warned = true;
        options.log?.(`queue: ${cell.dir} finished but is not in ${options.out}: the workers need --out as a shared folder at the same path`);
      }
      hooks.onResult(returnvalue);
      wake();
    }
  });
  events.on('failed', ({ jobId }) => void check(jobId).catch(onError));

  try {
    const ids = [...pending.keys()];
    for (let i = 0; i < ids.length; i += 500) await add(ids.slice(i, i + 500));
    while (pending.size > 0 && !options.signal?.aborted) {
      await Promise.all([...pending.keys()].map((id) => check(id).catch(onError)));
      if (pending.size === 0) break;
      await new Promise<void>((resolve) => {
        // a poll looks at every unfinished job: big sweeps poll less often
        const timer = setTimeout(resolve, Math.max(options.pollMs ?? 1000, pending.size));
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        wake = () => pending.size === 0 && done();
        options.signal?.addEventListener('abort', done, { once: true });
      });
    }
    return pending.size === 0 ? 'done' : 'cancelled';
  } finally {
    await Promise.allSettled([events.close(), queue.close()]);
    connection.disconnect();
    eventsConnection.disconnect();
  }
}

/** A job that failed outside the cell's own error handling (it stalled too often, the worker broke). */
function failedResult(cell: SweepCell, job: Job<CellJob, CellResult>): CellResult {
  return { id: cell.id, dir: cell.dir, status: 'error', message: `queue job failed: ${job.failedReason ?? 'unknown reason'}`, scores: {}, images: [], ms: 0 };
}
