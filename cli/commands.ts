import { runCli, type CliEnv } from './run-cli';
import { runSweepCli } from './sweep-cli';
import { runWorkerCli } from './worker-cli';

type Command = (argv: string[], env: CliEnv) => Promise<number>;

/** A worker is often stopped by its supervisor (systemd, docker, kill): SIGTERM stops it like Ctrl-C. */
const onTerminate = (stop: () => void) => {
  process.once('SIGTERM', stop);
  return () => process.off('SIGTERM', stop);
};

/** The graph CLI's command for its first word: `sweep` and `worker` here, `run` and `validate` in run-cli.ts. */
export function commandFor(word: string | undefined): Command {
  if (word === 'sweep') return runSweepCli;
  if (word === 'worker') return (argv, env) => runWorkerCli(argv, { ...env, onTerminate });
  return runCli;
}
