import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { NodeRegistry } from '../nodes/product';
import type { RuntimeServices } from '../runtime/node-api/services';
import { validateGraph } from '../runtime/graph/validate';
import { looseNodes, problemFormatter } from '../runtime/graph/problems';
import { oneLine } from '../runtime/messages';
import { Runtime } from '../runtime/api/runtime';
import { writeFileInside } from '../runtime/host/write-inside';
import type { RuntimeEvent } from '../runtime/events';
import { requireService } from '../runtime/node-api/services';
import { backendLabel } from '../runtime/ort/backend';
import { parseBackend, parseFolders, type CliBackend } from './host-flags';
import { fail, readText, usage, withExitCode } from './cli-exit';

/**
 * The graph CLI as a function, so tests run it in-process with their own registry:
 * `validate FILE` and `run FILE --out DIR [--targets a,b] [--backend native|wasm] [--folder NAME=PATH]...`.
 * Exit codes: 0 success, 1 runtime error, 2 invalid document or usage, 130 cancelled (Ctrl-C).
 * Every line it prints is one safe line (runtime/messages.ts).
 */
export const USAGE =
  'usage: npm run graph -- validate FILE [--folder NAME=PATH]... | ' +
  'run FILE --out DIR [--targets id,id] [--backend native|wasm] [--folder NAME=PATH]...';

export interface CliEnv {
  registry: NodeRegistry;
  /**
   * The host's services, or how to make them for the chosen --backend (cli/graph.ts:
   * nodeServices). Services the CLI made are released when the run ends.
   */
  services: RuntimeServices | ((host: { backend: CliBackend }) => RuntimeServices);
  stdout(text: string): void;
  stderr(text: string): void;
  /** Where the CLI hooks Ctrl-C; returns the unhook. */
  onInterrupt?(cancel: () => void): () => void;
}

export function runCli(argv: string[], env: CliEnv): Promise<number> {
  return withExitCode(env.stderr, () => cli(argv, env));
}

async function cli(argv: string[], env: CliEnv): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: 'string' }, targets: { type: 'string' }, backend: { type: 'string' }, folder: { type: 'string', multiple: true } },
    });
  } catch (error) {
    fail(2, (error as Error).message, USAGE);
  }
  const [command, file, ...extra] = parsed.positionals;
  if (!file || extra.length > 0 || (command !== 'validate' && command !== 'run')) fail(2, USAGE);
  const { backend, folders } = usage(() => ({ backend: parseBackend(parsed.values.backend), folders: parseFolders(parsed.values.folder) }));
  const { registry } = env;
  const text = readText(file);
  const validation = validateGraph(text, registry);
  // the node list is read once for all problems: a report stays linear in the document's size
  if (!validation.ok) fail(2, ...validation.problems.map(problemFormatter(looseNodes(text))));
  const doc = validation.graph.doc;
  if (command === 'validate') {
    env.stdout(`ok: ${file} (${doc.nodes.length} nodes, ${doc.edges.length} edges)\n`);
    return 0;
  }

  const out = parsed.values.out;
  if (!out) fail(2, 'run needs --out DIR', USAGE);
  const targets = parsed.values.targets?.split(',').map((t) => t.trim()).filter(Boolean);
  mkdirSync(out, { recursive: true });
  const services = typeof env.services === 'function' ? env.services({ backend }) : env.services;
  for (const [name, files] of folders) await requireService(services, 'models').registerFolder(name, files);
  // SaveEmbedding and other file outputs land in --out (runtime/api/node-host.ts saveBytes)
  const runtime = new Runtime({ registry, services: { ...services, outDir: out } });
  const unhook = env.onInterrupt?.(() => void runtime.cancel());
  const history = new Map<string, { goal?: 'minimize' | 'maximize'; values: number[] }>();
  const typeOf = (id: string) => doc.nodes.find((n) => n.id === id)?.type ?? '?';
  // Writes stay inside --out (no links followed). A refused preview is reported and fails the
  // run at the end: thrown from here, the runtime would drop it as a listener's error.
  let unwritten = 0;
  const writePreview = (name: string, png: Uint8Array) => {
    try {
      writeFileInside(out, name, png);
    } catch (error) {
      unwritten++;
      env.stderr(`error: ${oneLine((error as Error).message)}\n`);
    }
  };
  const onEvent = (event: RuntimeEvent) => {
    switch (event.type) {
      case 'node-start':
        env.stderr(`[${event.nodeId}] ${typeOf(event.nodeId)} running\n`);
        break;
      case 'node-progress':
        env.stderr(`[${event.nodeId}] ${event.value}/${event.max}\n`);
        break;
      case 'node-done':
        env.stderr(`[${event.nodeId}] ${event.cached ? 'cached' : `done in ${event.ms.toFixed(1)} ms`}\n`);
        break;
      case 'backend':
        env.stderr(`${oneLine(`backend: ${backendLabel(event)}${event.notice ? ` (${event.notice})` : ''}`)}\n`);
        break;
      case 'node-error':
        env.stderr(`error: ${oneLine(event.message)}\n`);
        break;
      case 'node-preview':
        event.images.forEach((image, i) => writePreview(`${event.nodeId}-${i}.png`, image.png));
        break;
      case 'zone-iteration': {
        let rows = history.get(event.nodeId);
        if (!rows) history.set(event.nodeId, (rows = { values: [] }));
        rows.goal ??= event.goal;
        rows.values.push(event.objective);
        env.stderr(`[${event.nodeId}] step ${event.step}: ${event.objective}\n`);
        break;
      }
    }
  };
  let summary;
  try {
    summary = await runtime.run(doc, { targets }, onEvent);
  } catch (error) {
    fail(1, `runtime failure: ${(error as Error).message}`);
  } finally {
    unhook?.();
    if (services !== env.services) await runtime.dispose();
  }
  if (summary.problems) fail(2, ...summary.problems.map(problemFormatter(doc)));
  for (const [nodeId, { goal, values }] of history) {
    writeFileInside(out, `${nodeId}.history.json`, `${JSON.stringify({ goal: goal ?? 'minimize', values })}\n`);
  }
  writeFileInside(out, 'run.json', `${JSON.stringify(summary, null, 2)}\n`);
  env.stderr(`${summary.status}: summary in ${join(out, 'run.json')}\n`);
  if (summary.status === 'ok' && unwritten > 0) return 1;
  return summary.status === 'ok' ? 0 : summary.status === 'cancelled' ? 130 : 1;
}

