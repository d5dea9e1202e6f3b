import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProductRegistry } from '../nodes/product';
import { nodeServices } from '../runtime/api/node-host';
import { Runtime } from '../runtime/api/runtime';
import { loadDocument } from '../runtime/graph/load';
import { parseGridText } from '../runtime/sweep/grid-text';
import { planSweep, type SweepCell } from '../runtime/sweep/plan';
import { runSweepLocally } from '../runtime/sweep/local';
import { runSweepOnQueue } from '../runtime/sweep/queue/submit';
import type { CellResult } from '../runtime/sweep/run-cell';
import { freePort, graphCli, RedisServer, type Proc } from '../tests/sweep/processes';
import { report } from './report';

/**
 * Sweeping text-to-image on the built-in model as shipped (20 steps, one seed a cell), all in
 * one run: cells per second in process and on the queue with 1 and 2 worker processes, and
 * the queue's overhead per cell: with one worker, the time between two cells' results less the
 * time the worker spent running the cell, against that cell time (goal: at most 5%). Every figure is
 * measured on warm runtimes (models loaded) over cells no cache has seen.
 */
const CELLS = 24;

export default async function sweepBench(): Promise<void> {
  const registry = createProductRegistry();
  const loaded = loadDocument(readFileSync(new URL('../graphs/text-to-image.json', import.meta.url), 'utf8'));
  if (!loaded.ok) throw new Error('text-to-image.json does not load');
  const cellsFor = (seeds: string) => {
    const grid = parseGridText(`generate.seed=${seeds}`);
    const plan = grid.ok && planSweep(loaded.doc, { axes: grid.axes }, registry);
    if (!plan || !plan.ok) throw new Error('bench sweep does not plan');
    return plan.plan.cells;
  };
  const dir = mkdtempSync(join(tmpdir(), 'sweep-bench-'));
  const workers: Proc[] = [];
  const redis = new RedisServer(await freePort(), join(dir, 'redis'));
  mkdirSync(redis.dir);
  try {
    // in process: one Runtime, warmed on other seeds
    const services = { ...nodeServices({ backend: 'native' }), outDir: undefined as string | undefined };
    const host = { runtime: new Runtime({ registry, services }), services };
    const local = (cells: SweepCell[], out: string) => runSweepLocally(cells, host, out, { onResult: () => undefined });
    await local(cellsFor('9001..9004'), join(dir, 'warm-local'));
    const inProcess = await timed(() => local(cellsFor(`1..${CELLS}`), join(dir, 'local')));
    await host.runtime.dispose();
    report('sweep.cells_per_s.in_process', CELLS / (inProcess.ms / 1000), 'cells/s');

    await redis.start();
    const queued = async (seeds: string, out: string) => {
      const results: { at: number; result: CellResult }[] = [];
      mkdirSync(out, { recursive: true });
      const run = await timed(() => runSweepOnQueue(cellsFor(seeds), { onResult: (result) => results.push({ at: performance.now(), result }) }, { url: redis.url, out }));
      return { ...run, results };
    };
    const addWorker = async () => {
      const proc = graphCli(['worker', '--queue', redis.url]);
      workers.push(proc);
      await proc.waitFor(/: ready: /);
    };
    let base = 100;
    const phase = async (count: number) => {
      while (workers.length < count) await addWorker();
      // warm each worker: a couple of cells each, on seeds measured nowhere
      await queued(`${base + 50}..${base + 49 + 2 * count}`, join(dir, `warm-${count}`));
      const run = await queued(`${base + 1}..${base + CELLS}`, join(dir, `queue-${count}`));
      base += 100;
      report(`sweep.cells_per_s.queue_${count}_worker${count > 1 ? 's' : ''}`, CELLS / (run.ms / 1000), 'cells/s');
      return run;
    };
    const one = await phase(1);
    await phase(2);
    // With one worker the cells run back to back: from the first result to the last, each
    // cell costs its own run plus what the queue adds. Connecting and the first fetch are
    // paid once a sweep, not per cell, and stay out.
    const after = one.results.slice(1);
    const cellMs = after.reduce((sum, r) => sum + r.result.ms, 0) / after.length;
    const overhead = (one.results.at(-1)!.at - one.results[0].at) / after.length - cellMs;
    report('sweep.cell_ms.queue_worker', cellMs, 'ms');
    report('sweep.queue_overhead_per_cell', overhead, 'ms');
    report('sweep.queue_overhead_fraction', (100 * overhead) / cellMs, '%');
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}
