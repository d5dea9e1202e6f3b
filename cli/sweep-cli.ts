import { mkdirSync, rmSync } from 'node:fs';
import { writeFileInside } from '../runtime/host/write-inside';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { validateGraph } from '../runtime/graph/validate';
import { looseNodes, problemFormatter } from '../runtime/graph/problems';
import { oneLine, quote } from '../runtime/messages';
import { loadSweepFile, SWEEP_FORMAT, type SweepFile } from '../runtime/sweep/spec';
import { parseGridText } from '../runtime/sweep/grid-text';
import { mergeAxes, planSweep } from '../runtime/sweep/plan';
import { SweepRecord, RECORD_FILE, type SweepStatus } from '../runtime/sweep/record';
import { runSweepLocally, type SweepHooks } from '../runtime/sweep/local';
import { runSweepOnQueue } from '../runtime/sweep/queue/submit';
import { gridPng } from '../runtime/sweep/grid-image';
import { PARTIAL_DIR } from '../runtime/sweep/run-cell';
import { gainTable, gainTableMarkdown } from '../runtime/sweep/gain-table';
import { fail, readText, usage, withExitCode } from './cli-exit';
import { parseBackend, parseFolders } from './host-flags';
import type { CliEnv } from './run-cli';
import { sweepHost } from './sweep-host';

export const SWEEP_USAGE =
  'usage: npm run graph -- sweep FILE --out DIR [--grid "node.param=a|b;node.param=1..8"] ' +
  '[--queue redis://HOST:PORT [--queue-name NAME]] [--backend native|wasm] [--folder NAME=PATH]...';

export const GRID_FILE = 'grid.png';
export const TABLE_FILE = 'table.md';

/**
 * `sweep FILE --out DIR`: runs a graph once per cell of a grid. FILE is a sweep file
 * (runtime/sweep/spec.ts) or a graph document, whose axes then come from --grid alone. Each
 * cell's files go to `DIR/<cell>/`, `DIR/sweep.json` records the cells as they finish, and
 * `DIR/grid.png` shows them side by side. With --queue the cells go on a BullMQ queue for
 * `worker` processes instead of running here. Started again with the same --out, it runs only
 * the cells not finished yet. Exit codes: 0 every cell ok, 1 a cell failed, 2 invalid input
 * or usage, 130 cancelled (Ctrl-C; run again to go on).
 */
export function runSweepCli(argv: string[], env: CliEnv): Promise<number> {
  return withExitCode(env.stderr, () => sweep(argv, env));
}

async function sweep(argv: string[], env: CliEnv): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' }, grid: { type: 'string' }, queue: { type: 'string' }, 'queue-name': { type: 'string' },
        backend: { type: 'string' }, folder: { type: 'string', multiple: true },
      },
    }),
  );
  const [command, file, ...extra] = positionals;
  if (command !== 'sweep' || !file || extra.length) fail(2, SWEEP_USAGE);
  if (!values.out) fail(2, 'sweep needs --out DIR', SWEEP_USAGE);
  if (values.queue && (values.backend || values.folder)) fail(2, 'with --queue, --backend and --folder belong on the workers (npm run graph -- worker)');
  const backend = usage(() => parseBackend(values.backend));
  const folders = usage(() => parseFolders(values.folder));

  const { spec, graphFile } = readSweep(file);
  const graphText = readText(graphFile);
  const validation = validateGraph(graphText, env.registry);
  if (!validation.ok) fail(2, ...validation.problems.map(problemFormatter(looseNodes(graphText))));
  const grid = values.grid === undefined ? undefined : parseGridText(values.grid);
  if (grid && !grid.ok) fail(2, ...grid.problems);
  const axes = mergeAxes(spec.axes, grid?.axes ?? []);
  const planned = planSweep(validation.graph.doc, { axes, set: spec.set }, env.registry);
  if (!planned.ok) fail(2, ...planned.problems);
  const { plan } = planned;
  const image = spec.image ?? plan.cells[0].doc.nodes.find((n) => n.type === 'Preview')?.id;
  if (spec.image && !plan.cells[0].doc.nodes.some((n) => n.id === spec.image && n.type === 'Preview')) fail(2, `image: no Preview node ${quote(spec.image)} in the graph`);

  const out = resolve(values.out);
  mkdirSync(out, { recursive: true });
  const record = SweepRecord.open(out, plan, graphFile);
  const pending = record.pending();
  const total = plan.cells.length;
  env.stderr(`sweep: ${total} cells${total > pending.length ? `, ${total - pending.length} finished earlier` : ''}, ${pending.length} to run${values.queue ? ` on ${oneLine(values.queue)}` : ''}\n`);
  record.write();
  const hooks: SweepHooks = {
    onResult(result) {
      if (!record.add(result)) return;
      const done = total - record.pending().length;
      env.stderr(`${oneLine(`[${done}/${total}] ${result.dir}: ${result.status}${result.message ? ` (${result.message})` : ''}`)}\n`);
    },
  };

  const controller = new AbortController();
  let outcome: 'done' | 'cancelled';
  if (values.queue) {
    const unhook = env.onInterrupt?.(() => controller.abort());
    try {
      outcome = await runSweepOnQueue(pending, hooks, { url: values.queue, name: values['queue-name'], out, signal: controller.signal, log: (line) => env.stderr(`${oneLine(line)}\n`) });
    } finally {
      unhook?.();
    }
  } else {
    const { host, dispose } = await sweepHost(env, backend, folders);
    const unhook = env.onInterrupt?.(() => {
      controller.abort();
      void host.runtime.cancel();
    });
    try {
      outcome = await runSweepLocally(pending, host, out, hooks, controller.signal);
    } finally {
      unhook?.();
      await dispose();
    }
  }

  const counts = record.counts();
  // what a killed worker left half-written; only once nothing may still be writing there
  if (counts.pending === 0) rmSync(join(out, PARTIAL_DIR), { recursive: true, force: true });
  const status: SweepStatus = outcome === 'cancelled' ? 'cancelled' : counts.error ? 'error' : 'ok';
  if (image) writeFileInside(out, GRID_FILE, gridPng(plan, (id) => record.get(id), out, image));
  const table = spec.table && gainTable(spec.table, plan.cells.map((c) => ({ params: c.params, result: record.get(c.id) })));
  record.finish(status, table);
  if (table) {
    const markdown = gainTableMarkdown(table, plan.axes.map((a) => a.param));
    writeFileInside(out, TABLE_FILE, markdown);
    env.stdout(markdown);
  }
  env.stderr(`${status}: ${counts.ok} ok, ${counts.error} failed, ${counts.pending} not run; ${join(out, RECORD_FILE)}\n`);
  if (outcome === 'cancelled') {
    env.stderr(`cancelled: run the same command again to go on${values.queue ? ' (queued cells stay queued)' : ''}\n`);
    return 130;
  }
  return counts.error ? 1 : 0;
}

/** FILE as a sweep file (its graph relative to it) or as a graph document with no axes of its own. */
function readSweep(file: string): { spec: Pick<SweepFile, 'axes' | 'set' | 'image' | 'table'>; graphFile: string } {
  const text = readText(file);
  let format: unknown;
  try {
    format = (JSON.parse(text) as { format?: unknown } | null)?.format;
  } catch {
    // not JSON: graph validation says so, in its words
  }
  if (format !== SWEEP_FORMAT) return { spec: { axes: [], set: {} }, graphFile: file };
  const loaded = loadSweepFile(text);
  if (!loaded.ok) fail(2, ...loaded.problems.map((p) => `${file}: ${p}`));
  return { spec: loaded.sweep, graphFile: resolve(dirname(file), loaded.sweep.graph) };
}
