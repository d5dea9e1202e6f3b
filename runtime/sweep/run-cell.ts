import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Runtime } from '../api/runtime';
import { RunFiles } from '../api/run-files';
import type { RuntimeEvent } from '../events';
import { problemFormatter } from '../graph/problems';
import { oneLine } from '../messages';
import type { SweepCell } from './plan';

/** What a finished cell reports: small enough to travel as a queue job's return value. */
export interface CellResult {
  id: string;
  dir: string;
  status: 'ok' | 'error';
  /** Why it failed: the first node error, in one line. */
  message?: string;
  /** Score outputs (Metric, Compare) by node id. */
  scores: Record<string, number[]>;
  /** Preview PNGs in the cell's folder. */
  images: string[];
  ms: number;
  /** Which worker ran it (queue sweeps). */
  worker?: string;
}

/** A Runtime and the services object it was built with: SaveEmbedding writes under its `outDir`. */
export interface CellHost {
  runtime: Runtime;
  services: { outDir?: string };
}

/** Where cells are written before they are complete; never a cell folder itself. */
export const PARTIAL_DIR = '.partial';

/**
 * Runs one cell and leaves its files in `<out>/<cell.dir>/`. They are written to a scratch
 * folder first and moved in whole, so a cell folder is complete or absent even when the
 * process is killed mid-cell (a queue then retries it elsewhere). Returns `cancelled` when the
 * run was cancelled: such a cell is not finished and leaves nothing.
 */
export async function runCell(host: CellHost, cell: Pick<SweepCell, 'id' | 'dir' | 'doc'>, out: string, onEvent?: (event: RuntimeEvent) => void): Promise<CellResult | 'cancelled'> {
  const scratch = join(out, PARTIAL_DIR, `${cell.dir}.${process.pid}.${randomBytes(4).toString('hex')}`);
  mkdirSync(scratch, { recursive: true });
  // runs are one at a time on a Runtime, so the next cell's saves cannot land here
  host.services.outDir = scratch;
  const files = new RunFiles(scratch);
  const start = performance.now();
  let message: string | undefined;
  let summary;
  try {
    summary = await host.runtime.run(cell.doc, {}, (event) => {
      files.onEvent(event);
      onEvent?.(event);
    });
  } catch (error) {
    // a failure outside any node (a broken service): the cell failed, the sweep goes on
    summary = { status: 'error' as const, nodes: {} };
    message = `runtime failure: ${(error as Error).message}`;
  }
  if (summary.status === 'cancelled') {
    rmSync(scratch, { recursive: true, force: true });
    return 'cancelled';
  }
  files.finish(summary);
  const final = join(out, cell.dir);
  rmSync(final, { recursive: true, force: true });
  renameSync(scratch, final);

  // a node's error already names the node
  const failed = Object.values(summary.nodes).find((node) => node.status === 'error');
  message ??= summary.problems?.length ? summary.problems.map(problemFormatter(cell.doc)).join('; ') : failed ? (failed.error ?? 'a node failed') : files.refused[0];
  const scores: Record<string, number[]> = {};
  for (const [nodeId, node] of Object.entries(summary.nodes)) if (node.scores) scores[nodeId] = node.scores;
  return {
    id: cell.id,
    dir: cell.dir,
    status: summary.status === 'ok' && files.refused.length === 0 ? 'ok' : 'error',
    ...(message !== undefined ? { message: oneLine(message) } : {}),
    scores,
    images: files.images,
    ms: Math.round((performance.now() - start) * 10) / 10,
  };
}
