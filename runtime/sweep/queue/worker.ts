import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import { runCell, type CellHost, type CellResult } from '../run-cell';
import { cellJobId, DEFAULT_QUEUE, redisConnection, type CellJob } from './connection';

export interface CellWorkerOptions {
  url: string;
  name?: string;
  /** One Runtime for every cell this worker runs: its cache carries over between cells. */
  host: CellHost;
  /**
   * How long a cell's lock lasts without renewal (ms). A worker that dies (kill -9) holds its
   * cell this long before another worker may take it. Renewed every half of it while the cell runs.
   */
  lockMs?: number;
  /** How often this worker looks for cells whose worker died (ms); default: lockMs. */
  stalledMs?: number;
  log(line: string): void;
}

export interface CellWorker {
  readonly id: string;
  /** Resolves once connected and waiting for cells. */
  ready: Promise<void>;
  /** Finishes the cell in progress, then stops. */
  close(): Promise<void>;
}

/**
 * A BullMQ worker that runs sweep cells (queue/submit.ts puts them on the queue), one at a
 * time, and writes each cell's files into the submitter's output folder, which must be shared
 * with this machine at the same path. A worker killed mid-cell loses its lock; another
 * worker's stalled check puts the cell back on the queue, and it runs again from the start.
 */
export function startCellWorker(options: CellWorkerOptions): CellWorker {
  const id = `${hostname()}:${process.pid}`;
  const lockDuration = options.lockMs ?? 30_000;
  const connection = redisConnection(options.url);
  const worker = new Worker<CellJob, CellResult>(
    options.name ?? DEFAULT_QUEUE,
    async (job) => {
      const { cell, out } = job.data;
      if (cellJobId(out, cell.id) !== job.id) throw new Error('the job id does not match its cell');
      // mkdir would quietly make a local folder that the submitter never sees
      if (!existsSync(out)) throw new Error(`the output folder ${out} is not on ${hostname()}: share the submitter's --out with the workers at the same path`);
      options.log(`cell ${cell.dir} start`);
      const result = await runCell(options.host, cell, out);
      if (result === 'cancelled') throw new Error('cancelled');
      options.log(`cell ${cell.dir} ${result.status}${result.message ? `: ${result.message}` : ''} in ${result.ms.toFixed(0)} ms`);
      return { ...result, worker: id };
    },
    {
      connection,
      concurrency: 1,
      lockDuration,
      stalledInterval: options.stalledMs ?? lockDuration,
      // a cell whose worker died more than a few times in a row is failed, not retried forever
      maxStalledCount: 3,
      autorun: true,
    },
  );
  let lastError = '';
  worker.on('error', (error) => {
    if (error.message !== lastError) options.log(`queue: ${error.message}`);
    lastError = error.message;
  });
  connection.on('ready', () => (lastError = ''));
  return {
    id,
    ready: worker.waitUntilReady().then(() => undefined),
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
