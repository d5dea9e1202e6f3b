import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The command `npm run <script>` runs, as argv (node is this test's node): tests spawn what
 * users get, so a script that goes through a signal relay again would show up here.
 */
export function scriptArgv(script: 'graph' | 'vjp'): [string, ...string[]] {
  const scripts = JSON.parse(readFileSync(new URL('package.json', `file://${REPO}`), 'utf8')).scripts as Record<string, string>;
  const [bin, ...args] = scripts[script].split(/\s+/);
  if (bin !== 'node') throw new Error(`npm run ${script} starts "${bin}", not node: Ctrl-C would reach a relay first`);
  return [process.execPath, ...args];
}

/** The same command as one shell word list, for pipelines. */
export const shellCommand = (argv: readonly string[]) => argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
