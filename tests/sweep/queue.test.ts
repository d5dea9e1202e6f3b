// Sweeps on a real BullMQ queue: a redis-server of the test's own (append-only file on) and
// worker processes started as `npm run graph -- worker` starts them. Covers: two workers
// sharing a 16-cell sweep, a worker killed with kill -9 mid-cell, a Redis restart mid-sweep,
// a submitter killed and started again with the same --out, a failing cell, and that every
// cell is run and recorded exactly once.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DEFAULT_QUEUE } from '../../runtime/sweep/queue/connection';
import { REPO } from '../runtime/cli-spawn';
import { freePort, graphCli, RedisServer, type Proc } from './processes';

const dir = mkdtempSync(join(tmpdir(), 'sweep-queue-'));
const procs: Proc[] = [];
let redis: RedisServer;

/** text-to-image on the built-in model: 30 steps keep a cell busy long enough to be killed mid-cell. */
const graph = join(dir, 'graph.json');
const doc = JSON.parse(readFileSync(join(REPO, 'graphs/text-to-image.json'), 'utf8'));
doc.nodes.find((n: { id: string }) => n.id === 'generate').params.steps = 30;
writeFileSync(graph, JSON.stringify(doc));

const start = (args: string[]) => {
  const proc = graphCli(args);
  procs.push(proc);
  return proc;
};
const worker = async (lockMs: number) => {
  const proc = start(['worker', '--queue', redis.url, '--lock-ms', String(lockMs)]);
  await proc.waitFor(/: ready: /);
  return proc;
};
const sweep = (grid: string, out: string) => start(['sweep', graph, '--grid', grid, '--out', out, '--queue', redis.url]);

type Cell = { id: string; dir: string; status: string; worker?: string; message?: string };
const cells = (out: string): Cell[] => (existsSync(join(out, 'sweep.json')) ? JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')).cells : []);
const finished = (out: string) => cells(out).filter((c) => c.status !== 'pending');
/** Cell folders a worker finished, one entry per run. */
const ran = (...workers: Proc[]) => workers.flatMap((w) => w.lines.flatMap((l) => /cell (\S+) (ok|error)/.exec(l)?.[1] ?? []));

async function until(test: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Each cell once in sweep.json, ok, with its image. */
function expectComplete(out: string, count: number) {
  const list = cells(out);
  expect(list).toHaveLength(count);
  expect(new Set(list.map((c) => c.id)).size).toBe(count);
  expect(list.filter((c) => c.status !== 'ok')).toEqual([]);
  for (const c of list) expect(existsSync(join(out, c.dir, 'preview-0.png'))).toBe(true);
}

beforeAll(async () => {
  const data = join(dir, 'redis');
  mkdirSync(data);
  redis = new RedisServer(await freePort(), data);
  await redis.start();
});

afterAll(async () => {
  for (const p of procs) p.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('sweep --queue', () => {
  it('two workers share a 16-cell sweep; a worker killed with kill -9 mid-cell has its cell run elsewhere; each cell once', async () => {
    const out = join(dir, 'shared');
    const [a, b] = await Promise.all([worker(1500), worker(1500)]);
    let killed: string | undefined;
    let starts = 0;
    a.watch((line) => {
      const started = /cell (\S+) start/.exec(line)?.[1];
      // kill -9 as the second cell starts: it is mid-cell (30 denoising steps to go)
      if (started && ++starts === 2) {
        killed = started;
        a.kill('SIGKILL');
      }
    });
    const submitter = sweep('prompt.text=a red circle|a blue square;generate.seed=1..8', out);
    expect(await submitter.exited).toBe(0);
    expect(killed).toBeDefined();
    expectComplete(out, 16);
    // the killed cell was finished by b, and a never finished it
    expect(ran(a)).not.toContain(killed);
    expect(ran(b)).toContain(killed);
    const bId = /worker (\S+): ready/.exec(await b.waitFor(/: ready: /))![1];
    expect(cells(out).find((c) => c.dir === killed)?.worker).toBe(bId);
    // both worked, and apart from the killed attempt every cell ran exactly once
    expect(ran(a).length).toBeGreaterThanOrEqual(1);
    expect(ran(a, b).sort()).toEqual(cells(out).map((c) => c.dir).sort());
    b.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  });

  it('goes on through a Redis restart and a submitter killed and started again; nothing is run twice', async () => {
    const out = join(dir, 'resumed');
    const grid = 'prompt.text=a red circle|a blue square;generate.seed=11..18';
    const first = sweep(grid, out);
    // all 16 cells wait on the queue before a worker is there
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(DEFAULT_QUEUE, { connection });
    try {
      await until(async () => (await queue.getWaitingCount()) === 16, 'the cells to be queued');
    } finally {
      await queue.close();
      connection.disconnect();
    }
    const w1 = await worker(5000);
    await until(() => finished(out).length >= 3, '3 cells');
    await redis.restart();
    await until(() => finished(out).length >= 8, '8 cells after the restart');
    // the worker stops after its cell in progress; the submitter dies before recording it maybe
    w1.kill('SIGTERM');
    expect(await w1.exited).toBe(0);
    first.kill('SIGKILL');
    await first.exited;
    const recorded = finished(out);
    expect(recorded.length).toBeLessThan(16);
    const mtimes = recorded.map((c) => statSync(join(out, c.dir, 'run.json')).mtimeMs);

    const second = sweep(grid, out);
    await second.waitFor(new RegExp(`sweep: 16 cells, ${recorded.length} finished earlier`));
    const w2 = await worker(5000);
    expect(await second.exited).toBe(0);
    expectComplete(out, 16);
    // the cells finished before the submitter died were not redone, and no cell ran twice
    expect(recorded.map((c) => statSync(join(out, c.dir, 'run.json')).mtimeMs)).toEqual(mtimes);
    expect(ran(w1, w2).sort()).toEqual(cells(out).map((c) => c.dir).sort());

    // a cell that fails is recorded with its message; the others still run
    const failing = join(dir, 'failing');
    const third = start(['sweep', graph, '--grid', 'model.source=builtin:tiny|folder:nowhere;generate.seed=21', '--out', failing, '--queue', redis.url]);
    expect(await third.exited).toBe(1);
    const [ok, bad] = cells(failing);
    expect(ok.status).toBe('ok');
    expect(bad).toMatchObject({ status: 'error', message: expect.stringContaining('nowhere') });
    w2.kill('SIGTERM');
    expect(await w2.exited).toBe(0);
  });
});
