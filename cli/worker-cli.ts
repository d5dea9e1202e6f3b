import { parseArgs } from 'node:util';
import { oneLine } from '../runtime/messages';
import { startCellWorker } from '../runtime/sweep/queue/worker';
import { DEFAULT_QUEUE } from '../runtime/sweep/queue/connection';
import { fail, usage, withExitCode } from './cli-exit';
import { parseBackend, parseFolders } from './host-flags';
import type { CliEnv } from './run-cli';
import { sweepHost } from './sweep-host';

export const WORKER_USAGE =
  'usage: npm run graph -- worker --queue redis://HOST:PORT [--queue-name NAME] [--backend native|wasm] [--folder NAME=PATH]... [--lock-ms MS]';

/**
 * `worker --queue redis://HOST:PORT`: runs the cells that `sweep --queue` puts on the queue,
 * one at a time on one Runtime, until Ctrl-C or SIGTERM; it then finishes the cell in
 * progress and exits 0. Models come from --folder as for `run`. Several workers may share a
 * queue, on one machine or many; each needs the submitters' --out folders at the same paths.
 */
export function runWorkerCli(argv: string[], env: CliEnv & { onTerminate?(stop: () => void): () => void }): Promise<number> {
  return withExitCode(env.stderr, () => work(argv, env));
}

async function work(argv: string[], env: CliEnv & { onTerminate?(stop: () => void): () => void }): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: { queue: { type: 'string' }, 'queue-name': { type: 'string' }, backend: { type: 'string' }, folder: { type: 'string', multiple: true }, 'lock-ms': { type: 'string' } },
    }),
  );
  if (positionals.length !== 1 || positionals[0] !== 'worker' || !values.queue) fail(2, WORKER_USAGE);
  const backend = usage(() => parseBackend(values.backend));
  const folders = usage(() => parseFolders(values.folder));
  const lockMs = values['lock-ms'] === undefined ? undefined : Number(values['lock-ms']);
  if (lockMs !== undefined && !(Number.isInteger(lockMs) && lockMs >= 100)) fail(2, `--lock-ms ${oneLine(values['lock-ms']!)}: expected a whole number of milliseconds, at least 100`);

  const { host, dispose } = await sweepHost(env, backend, folders);
  let log = (line: string) => env.stderr(`${oneLine(`worker: ${line}`)}\n`);
  const worker = usage(() => startCellWorker({ url: values.queue!, name: values['queue-name'], host, lockMs, log: (line) => log(line) }));
  log = (line) => env.stderr(`${oneLine(`worker ${worker.id}: ${line}`)}\n`);
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const unhooks = [env.onInterrupt?.(stop), env.onTerminate?.(stop)];
  try {
    if (await Promise.race([worker.ready.then(() => true), stopped.then(() => false)])) {
      log(`ready: queue ${values['queue-name'] ?? DEFAULT_QUEUE} on ${values.queue}`);
      await stopped;
    }
    log('stopping after the cell in progress');
  } finally {
    for (const unhook of unhooks) unhook?.();
    await worker.close();
    await dispose();
  }
  return 0;
}
